using System.Globalization;
using System.Text.Json;
using Larkway.Emulator.Api.Im;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Webhooks;

/// <summary>
/// <c>POST /open-apis/bot/v2/hook/{token}</c> (reference §6). Business failures are HTTP 200 with a
/// non-zero code; success carries the legacy StatusCode/StatusMessage fields too.
/// </summary>
internal static class CustomBotEndpoints
{
    public const int MaxBodyBytes = 20 * 1024;
    private static readonly TimeSpan TimestampWindow = TimeSpan.FromHours(1);

    public static void MapCustomBotEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/open-apis/bot/v2/hook/{token}", HandleAsync).AsOpenApi(requiresTenantToken: false, apiRateLimited: false);

    private static async Task<IResult> HandleAsync(
        HttpContext context,
        [FromRoute(Name = "token")] string token,
        EmulatorState state,
        MessageContent contentParser,
        RateLimiter rateLimiter,
        EmulatorOptions options,
        TimeProvider time)
    {
        var webhook = state.FindWebhook(token);
        if (webhook is null)
        {
            return Fail(context, ErrorCodes.WebhookTokenInvalid, "param invalid: incoming webhook access token invalid");
        }

        var body = await ReadLimitedAsync(context.Request, MaxBodyBytes + 1);
        if (body.Length > MaxBodyBytes)
        {
            return Fail(context, ErrorCodes.WebhookTooLarge, "The message exceeds the size limit: the request body must be at most 20 KB");
        }

        JsonElement request;
        try
        {
            request = RequestJson.ParseObject(body, ErrorCodes.BadRequest);
        }
        catch (ApiErrorException)
        {
            return Fail(context, ErrorCodes.BadRequest, "Bad Request");
        }

        if (!IpAllowlist.Allows(webhook.IpAllowlist, context.Connection.RemoteIpAddress))
        {
            return Fail(context, ErrorCodes.WebhookIpNotAllowed, "Ip Not Allowed");
        }

        if (webhook.Secret is not null && !SignatureValid(request, webhook.Secret, time.GetUtcNow()))
        {
            return Fail(context, ErrorCodes.WebhookSignFailed, "sign match fail or timestamp is not within one hour from current time");
        }

        if (options.EnforceRateLimits && rateLimiter.TryAcquire("hook|" + webhook.Token, RateLimiter.CustomBot) is not null)
        {
            return Fail(context, ErrorCodes.WebhookRateLimited, "create message service trigger rate limit");
        }

        if (ToMessageContent(request) is not var (msgType, content))
        {
            return Fail(context, ErrorCodes.WebhookBadMessage, "incorrect input format or can't find msg_type");
        }

        if (webhook.Keywords.Count > 0 && !MessageContent.VisibleTexts(content).Any(text => webhook.Keywords.Any(k => text.Contains(k, StringComparison.Ordinal))))
        {
            return Fail(context, ErrorCodes.WebhookKeywordsNotFound, "Key Words Not Found");
        }

        if (state.FindChat(webhook.ChatId) is not { Dissolved: false } chat)
        {
            return Fail(context, ErrorCodes.WebhookTokenInvalid, "param invalid: the webhook's chat no longer exists");
        }

        ParsedContent parsed;
        try
        {
            parsed = contentParser.Parse(msgType, content.GetRawText(), ownerAppId: null, senderAppId: null);
        }
        catch (ContentException e)
        {
            return Fail(context, e.Fault == ContentFault.TooLong ? ErrorCodes.WebhookTooLarge : ErrorCodes.WebhookBadMessage, e.Message);
        }

        state.AppendMessage(webhook.BotId, uuid: null, (nowMs, sequence) => new EmulatorMessage(
            Ids.MessageId(), chat.ChatId, msgType, parsed.ReadContent, parsed.SendContent,
            new MessageSender(webhook.BotId, "app_id", "app", webhook.Name), parsed.Mentions, nowMs, sequence)
        {
            UpdateTimeMs = nowMs,
            ResourceKeys = parsed.ResourceKeys,
        });
        return Envelope.Raw(new Dictionary<string, object>
        {
            ["StatusCode"] = 0,
            ["StatusMessage"] = "success",
            ["code"] = 0,
            ["data"] = new Dictionary<string, object>(),
            ["msg"] = "success",
        });
    }

    /// <summary>
    /// Maps the webhook body to an IM msg_type + content: post drops its extra "post" wrapper,
    /// share_chat renames share_chat_id, interactive takes the top-level "card" object.
    /// </summary>
    private static (string MsgType, JsonElement Content)? ToMessageContent(JsonElement request)
    {
        var msgType = request.TryGetProperty("msg_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var content = request.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        switch (msgType)
        {
            case "text" or "image" when content.ValueKind == JsonValueKind.Object:
                return (msgType, content);
            case "post" when content.ValueKind == JsonValueKind.Object && content.TryGetProperty("post", out var post) && post.ValueKind == JsonValueKind.Object:
                return (msgType, post);
            case "share_chat" when content.ValueKind == JsonValueKind.Object && content.TryGetProperty("share_chat_id", out var id) && id.ValueKind == JsonValueKind.String:
                return (msgType, JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["chat_id"] = id.GetString()! }));
            case "interactive" when request.TryGetProperty("card", out var card) && card.ValueKind == JsonValueKind.Object:
                return (msgType, card);
            default:
                return null;
        }
    }

    private static bool SignatureValid(JsonElement request, string secret, DateTimeOffset now)
    {
        var timestamp = request.TryGetProperty("timestamp", out var ts)
            ? ts.ValueKind switch { JsonValueKind.String => ts.GetString(), JsonValueKind.Number => ts.GetRawText(), _ => null }
            : null;
        var sign = request.TryGetProperty("sign", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (timestamp is null || sign is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var skew = Math.Abs(now.ToUnixTimeSeconds() - seconds);
        return skew <= TimestampWindow.TotalSeconds && WebhookSignature.Verify(timestamp, secret, sign);
    }

    private static async Task<ReadOnlyMemory<byte>> ReadLimitedAsync(HttpRequest request, int limit)
    {
        var buffer = new byte[limit];
        var total = 0;
        int read;
        while (total < limit && (read = await request.Body.ReadAsync(buffer.AsMemory(total, limit - total), request.HttpContext.RequestAborted)) > 0)
        {
            total += read;
        }

        return buffer.AsMemory(0, total);
    }

    private static IResult Fail(HttpContext context, int code, string msg) => Envelope.Raw(Envelope.ErrorBody(context, code, msg));
}
