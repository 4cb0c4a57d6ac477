using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Callbacks;

/// <summary>
/// Test control for an app's HTTP pushes, under <c>/_emulator/dingtalk/apps/{appKey}</c>: its robot's receiving address
/// (outgoing robot, HTTP mode), its legacy event subscription (checked with <c>check_url</c> when saved, as DingTalk
/// does), test events, and the log of every attempt. Refusals are 400/404 <c>{"code","message"}</c>.
/// </summary>
internal static class CallbackControlEndpoints
{
    public static void MapDingTalkCallbackControl(this IEndpointRouteBuilder routes)
    {
        var apps = routes.MapGroup("/_emulator/dingtalk/apps/{appKey}");
        apps.MapGet("callbacks", Show);
        apps.MapPut("robot-callback", SetRobotUrlAsync);
        apps.MapPut("event-subscription", SubscribeAsync);
        apps.MapDelete("event-subscription", Unsubscribe);
        apps.MapPost("events", RaiseEventAsync);
        routes.MapGet("/_emulator/dingtalk/callback-deliveries", (HttpContext context, CallbackSender sender) =>
            DingTalkJson.Ok(new { items = sender.Attempts(context.Request.Query["deliveryId"].FirstOrDefault()) }));
    }

    /// <summary>The settings without the token and aes_key (only whether they are set).</summary>
    private static IResult Show([FromRoute] string appKey, DingTalkOrg org, CallbackSettingsStore store) =>
        org.FindApp(appKey) is null ? UnknownApp(appKey) : DingTalkJson.Ok(View(store.Get(appKey)));

    /// <summary><c>{url}</c>: robot messages are POSTed there too (signed); <c>{"url": null}</c> turns it off.</summary>
    private static async Task<IResult> SetRobotUrlAsync(HttpContext context, [FromRoute] string appKey, DingTalkOrg org, CallbackSettingsStore store)
    {
        if (org.FindApp(appKey) is null)
        {
            return UnknownApp(appKey);
        }

        if (await ReadAsync(context) is not { } body || !body.TryGetProperty("url", out var url) || url.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            return Refuse(400, "the body must be a JSON object {url} (an http(s) URL, or null to turn the robot's HTTP mode off)");
        }

        var value = url.GetString();
        if (value is not null && !IsHttpUrl(value))
        {
            return Refuse(400, $"url must be an absolute http(s) URL, not '{value}'");
        }

        return DingTalkJson.Ok(View(store.Update(appKey, s => s with { RobotUrl = value })));
    }

    /// <summary>
    /// <c>{url, token, aesKey}</c>: saved only when the URL answers <c>check_url</c> with the encrypted "success", as on
    /// DingTalk's console; otherwise 400 naming what was wrong with the answer.
    /// </summary>
    private static async Task<IResult> SubscribeAsync(HttpContext context, [FromRoute] string appKey, DingTalkOrg org, CallbackSettingsStore store, CallbackSender sender)
    {
        if (org.FindApp(appKey) is null)
        {
            return UnknownApp(appKey);
        }

        var body = await ReadAsync(context);
        var (url, token, aesKey) = (body?.String("url"), body?.String("token"), body?.String("aesKey"));
        if (url is null || token is null || aesKey is null)
        {
            return Refuse(400, "the body must be a JSON object {url, token, aesKey}");
        }

        if (!IsHttpUrl(url))
        {
            return Refuse(400, $"url must be an absolute http(s) URL, not '{url}'");
        }

        if (!EventCrypto.IsValidAesKey(aesKey))
        {
            return Refuse(400, "aesKey must be 43 characters of Base64 (a-z, A-Z, 0-9; a 32-byte key without its '=')");
        }

        var candidate = store.Get(appKey) with { EventUrl = url, EventToken = token, EventAesKey = aesKey };
        // An internal app's event subscription encrypts for the app: its owner key is the AppKey (DingTalk's own
        // internal-app callback demo builds its crypto with the AppKey; the corpId was the old per-corp registration's).
        if (await sender.CheckUrlAsync(candidate, appKey, context.RequestAborted) is { } problem)
        {
            return Refuse(400, "check_url failed: " + problem, "CallbackCheckFailed");
        }

        return DingTalkJson.Ok(View(store.Update(appKey, _ => candidate)));
    }

    private static IResult Unsubscribe([FromRoute] string appKey, DingTalkOrg org, CallbackSettingsStore store) =>
        org.FindApp(appKey) is null ? UnknownApp(appKey) : DingTalkJson.Ok(View(store.Update(appKey, s => s with { EventUrl = null, EventToken = null, EventAesKey = null })));

    /// <summary>
    /// <c>{eventType, data?}</c>: the event's plaintext is <c>{EventType, TimeStamp, CorpId, …data}</c> (e.g. user_add_org
    /// with <c>{"UserId":["alice"]}</c>), encrypted and POSTed with retries. Answers <c>{deliveryId}</c>; see callback-deliveries.
    /// </summary>
    private static async Task<IResult> RaiseEventAsync(HttpContext context, [FromRoute] string appKey, DingTalkOrg org, CallbackSettingsStore store, CallbackSender sender, TimeProvider time)
    {
        if (org.FindApp(appKey) is null)
        {
            return UnknownApp(appKey);
        }

        var body = await ReadAsync(context);
        var eventType = body?.String("eventType");
        JsonNode? data = null;
        if (body is { } b && b.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null)
        {
            data = d.ValueKind == JsonValueKind.Object ? JsonNode.Parse(d.GetRawText()) : null;
            if (data is null)
            {
                return Refuse(400, "data must be a JSON object");
            }
        }

        if (eventType is null)
        {
            return Refuse(400, "the body must be a JSON object {eventType, data?}");
        }

        var settings = store.Get(appKey);
        if (settings.EventUrl is null)
        {
            return Refuse(400, $"app {appKey} has no event subscription: PUT /_emulator/dingtalk/apps/{appKey}/event-subscription first", "NoSubscription");
        }

        var plaintext = data as JsonObject ?? new JsonObject();
        plaintext["EventType"] = eventType;
        plaintext["TimeStamp"] = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        plaintext["CorpId"] = org.CorpId;
        var id = sender.StartEvent(settings, settings.AppKey, eventType, plaintext.ToJsonString());
        return DingTalkJson.Ok(new { deliveryId = id });
    }

    private static object View(CallbackSettings s) => new
    {
        appKey = s.AppKey,
        robotUrl = s.RobotUrl,
        eventUrl = s.EventUrl,
        hasEventToken = s.EventToken is not null,
        hasEventAesKey = s.EventAesKey is not null,
    };

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static async Task<JsonElement?> ReadAsync(HttpContext context)
    {
        try
        {
            return await DingTalkBody.ReadObjectAsync(context.Request, DingTalkException.InvalidParameter);
        }
        catch (DingTalkException)
        {
            return null;
        }
    }

    private static IResult UnknownApp(string appKey) => Refuse(404, $"no app has appKey '{appKey}'", "NotFound");

    private static IResult Refuse(int status, string message, string code = DingTalkCodes.InvalidParameter) =>
        Results.Json(new { code, message }, DingTalkJson.Options, DingTalkJson.ContentType, status);
}
