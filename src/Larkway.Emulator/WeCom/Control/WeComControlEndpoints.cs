using System.Text.Json;
using Larkway.Emulator.Platform;
using Larkway.Emulator.WeCom.Approvals;
using Larkway.Emulator.WeCom.Callbacks;
using Larkway.Emulator.WeCom.Messages;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.Robot;
using Larkway.Emulator.WeCom.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.WeCom.Control;

/// <summary>
/// Test control for WeCom under <c>/_emulator/wecom</c>: the corp, token expiry, faults, the callback URL and its attempt
/// log, what members received, and members acting (writing to the app, pressing card buttons). Not part of WeCom; no
/// authentication (the emulator binds to loopback). Refusals are 400/404 <c>{"error": "…"}</c>.
/// </summary>
internal static class WeComControlEndpoints
{
    public const string Prefix = "/_emulator/wecom";

    public static void MapWeComControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var control = routes.MapGroup(Prefix);
        control.MapGet("org", Org);
        control.MapWeComContactControl();
        control.MapWeComApprovalControl();
        CustomerService.KfControl.MapWeComKfControl(control);
        control.MapPost("tokens/expire", (WeComTokens tokens) => WeComJson.Plain(new { expired = tokens.ExpireAll() }));
        control.MapPost("tokens/revoke", (WeComTokens tokens) => WeComJson.Plain(new { revoked = tokens.Revoke() }));
        control.MapPost("faults", AddFaultAsync);
        control.MapGet("faults", (WeComFaults faults) => WeComJson.Plain(new { items = faults.List() }));
        control.MapDelete("faults", (WeComFaults faults) =>
        {
            faults.Clear();
            return WeComJson.Plain(new { cleared = true });
        });
        control.MapGet("callback", (WeComCallbackSettingsStore settings) => WeComJson.Plain(new { callback = settings.Current }));
        control.MapPost("callback", SetCallbackAsync);
        control.MapDelete("callback", (WeComCallbackSettingsStore settings) =>
        {
            settings.Set(null);
            return WeComJson.Plain(new { cleared = true });
        });
        control.MapGet("callback/attempts", (WeComCallbackSender sender, [FromQuery(Name = "delivery_id")] string? deliveryId) => WeComJson.Plain(new { items = sender.Attempts(deliveryId) }));
        control.MapGet("users/{userId}/messages", UserMessages);
        control.MapPost("users/{userId}/say", SayAsync);
        control.MapPost("users/{userId}/image", ImageAsync);
        control.MapPost("messages/{msgId}/click", ClickAsync);
        control.MapGet("robots/{key}/messages", (string key, WeComOrg org, RobotStore robots) =>
            org.FindRobotGroup(key) is null ? Refuse(404, "no group robot has that key") : WeComJson.Plain(new { items = robots.Of(key).Select(RobotView) }));
    }

    /// <summary>The corp, its app and its people (the secret, Token and EncodingAESKey are never shown).</summary>
    private static IResult Org(WeComOrg org) => WeComJson.Plain(new
    {
        corpid = org.CorpId,
        name = org.Name,
        app = new { agentid = org.App.AgentId, name = org.App.Name },
        departments = org.Departments.Select(d => new { id = d.Id, name = d.Name, parentid = d.ParentId }),
        users = org.Users.OrderBy(u => u.UserId, StringComparer.Ordinal).Select(u => new { userid = u.UserId, name = u.Name, mobile = u.Mobile, email = u.Email, department = u.Departments }),
        tags = org.Tags.Select(t => new { tagid = t.TagId, tagname = t.Name, userlist = t.UserIds }),
        robots = org.RobotGroups.Select(g => new { chat_name = g.ChatName, robot_name = g.RobotName, members = g.Members }),
    });

    private static async Task<IResult> AddFaultAsync(HttpContext context, WeComFaults faults)
    {
        var body = await ReadAsync(context);
        var endpoint = body?.Str("endpoint");
        var kind = body?.Str("kind");
        if (endpoint is null || kind is null || !WeComFaults.IsKnownKind(kind))
        {
            return Refuse(400, "endpoint (\"POST /cgi-bin/message/send\" or \"*\") and kind (server_error, server_error_after, system_busy, rate_limit, concurrency_limit, invalid_token, expired_token or delay) are required");
        }

        long? count, delay, every;
        try
        {
            (count, delay, every) = (body!.Value.Int("count"), body.Value.Int("delay_ms"), body.Value.Int("every"));
        }
        catch (WeComException)
        {
            return Refuse(400, "count, delay_ms and every must be integers");
        }

        if (count is < 1 || every is < 1)
        {
            return Refuse(400, "count and every must be at least 1");
        }

        var rule = new FaultRule(WeComFaults.Normalize(endpoint), kind, (int)(count ?? 1), (int?)delay, Every: (int?)every);
        faults.Add(rule);
        return WeComJson.Plain(rule);
    }

    /// <summary><c>{url, verify?}</c>: with verify (the default) WeCom's echostr GET must pass first, as when an admin saves it.</summary>
    private static async Task<IResult> SetCallbackAsync(HttpContext context, WeComCallbackSettingsStore settings, WeComCallbackSender sender, TimeProvider time)
    {
        var body = await ReadAsync(context);
        var url = body?.Str("url");
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return Refuse(400, "url (an absolute http or https URL) is required");
        }

        var verify = body!.Value.Field("verify") is not { ValueKind: JsonValueKind.False };
        if (verify && await sender.VerifyAsync(uri, context.RequestAborted) is { } problem)
        {
            return Refuse(400, "URL verification failed: " + problem);
        }

        settings.Set(new WeComCallbackSettings(uri, verify, time.GetUtcNow()));
        return WeComJson.Plain(new { callback = settings.Current });
    }

    private static IResult UserMessages([FromRoute] string userId, WeComOrg org, AppMessageStore store) =>
        org.FindUser(userId) is null
            ? Refuse(404, "no member has that userid")
            : WeComJson.Plain(new { items = store.ToUser(userId).Select(AppMessageEndpoints.View), inbound = store.FromUser(userId) });

    /// <summary><c>{text}</c>: the member writes to the app; answers when the callback is done.</summary>
    private static async Task<IResult> SayAsync(HttpContext context, [FromRoute] string userId, MemberActions actions)
    {
        var text = (await ReadAsync(context))?.Str("text");
        var result = actions.Say(userId, text ?? string.Empty);
        return await OutcomeAsync(result);
    }

    /// <summary>
    /// <c>{data_base64, filename?, content_type?}</c>: the member sends the app a picture — kept as media for
    /// <c>/cgi-bin/media/get</c>, delivered as an image callback (PicUrl + MediaId); answers when the callback is done.
    /// </summary>
    private static async Task<IResult> ImageAsync(HttpContext context, [FromRoute] string userId, MemberActions actions)
    {
        var body = await ReadAsync(context);
        if (body?.Str("data_base64") is not { Length: > 0 } base64)
        {
            return Refuse(400, "send a JSON body {\"data_base64\": \"<the picture, base64>\", \"filename\"?, \"content_type\"?}");
        }

        byte[] data;
        try
        {
            data = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return Refuse(400, "data_base64 must be base64");
        }

        var result = actions.SendImage(userId, data, body?.Str("filename"), body?.Str("content_type"), $"{context.Request.Scheme}://{context.Request.Host}");
        return await OutcomeAsync(result);
    }

    /// <summary><c>{userid, key, selected?: {question_key: [option ids]}}</c>: the member presses a card button.</summary>
    private static async Task<IResult> ClickAsync(HttpContext context, [FromRoute] string msgId, MemberActions actions)
    {
        var body = await ReadAsync(context);
        var userId = body?.Str("userid");
        var key = body?.Str("key");
        if (userId is null || key is null)
        {
            return Refuse(400, "userid and key are required");
        }

        var selected = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (body!.Value.Obj("selected") is { } map)
        {
            foreach (var question in map.EnumerateObject())
            {
                selected[question.Name] = question.Value.ValueKind == JsonValueKind.Array ? [.. question.Value.EnumerateArray().Select(o => o.GetString() ?? string.Empty)] : [];
            }
        }

        return await OutcomeAsync(actions.Click(msgId, userId, key, selected));
    }

    private static async Task<IResult> OutcomeAsync(MemberActionResult result)
    {
        if (result.Refusal is { } refusal)
        {
            return Refuse(400, refusal);
        }

        var outcome = await result.Delivery!;
        return WeComJson.Plain(new
        {
            msgid = result.Message!.MsgId,
            status = outcome is null ? "no_callback" : outcome.Delivered ? "delivered" : "failed",
            delivery_id = outcome?.DeliveryId,
            reply = outcome?.ReplyXml,
            error = outcome?.Error,
        });
    }

    public static object RobotView(WeComRobotMessage m) => new { id = m.Id, msgtype = m.MsgType, content = System.Text.Json.Nodes.JsonNode.Parse(m.Content), at = m.At.ToUnixTimeSeconds() };

    private static async Task<JsonElement?> ReadAsync(HttpContext context)
    {
        try
        {
            return (await WeComBody.ReadObjectAsync(context.Request)).Body;
        }
        catch (WeComException)
        {
            return null;
        }
    }

    private static IResult Refuse(int status, string message) => WeComJson.Plain(new { error = message }, status);
}
