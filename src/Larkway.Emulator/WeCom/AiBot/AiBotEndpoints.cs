using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>
/// The long connection (<see cref="AiBotOptions.WebSocketPath"/>), the encrypted files users send the bot, and the test
/// control under <c>/_emulator/wecom/aibot</c>: connections, faults, and the user's actions (messages, enter_chat,
/// card clicks, feedback) plus the conversations as the user sees them.
/// </summary>
internal static class AiBotEndpoints
{
    public const string MediaPath = "/wecom-aibot/media";
    public const string ControlPrefix = "/_emulator/wecom/aibot";

    /// <summary>A frame over this ends the connection (a 512 KB chunk is ~700 KB in base64, plus its JSON).</summary>
    private const int MaxClientMessageBytes = 2 * 1024 * 1024;

    public static void MapAiBotEndpoints(this IEndpointRouteBuilder routes, AiBotOptions options)
    {
        routes.Map(options.WebSocketPath, ConnectAsync);
        routes.MapGet(MediaPath + "/{id}", (string id, AiBotMedia media) =>
            media.Served(id) is { } served ? Results.File(served.Encrypted, "application/octet-stream", served.FileName) : Results.NotFound());

        var control = routes.MapGroup(ControlPrefix);
        control.MapGet("connections", (AiBotHub hub) => Ok(new { items = hub.Connections() }));
        control.MapPost("faults", FaultAsync);
        control.MapDelete("faults", (AiBotHub hub) =>
        {
            hub.ClearFaults();
            return Ok(new { cleared = true });
        });
        control.MapPost("messages", MessageAsync);
        control.MapPost("messages/redeliver", RedeliverAsync);
        control.MapPost("enter-chat", EnterChatAsync);
        control.MapPost("card-clicks", ClickAsync);
        control.MapPost("feedback", FeedbackAsync);
        control.MapGet("conversations", (AiBotConversations conversations) => Ok(new { items = conversations.All() }));
        control.MapGet("conversations/messages", (string id, AiBotConversations conversations) =>
            conversations.Find(id) is null ? Problem(404, $"no conversation '{id}'") : Ok(new { items = conversations.Messages(id) }));
    }

    private static async Task ConnectAsync(HttpContext context, AiBotHub hub, IHostApplicationLifetime lifetime)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Problem(400, "expected a WebSocket upgrade; this is the WeCom AI bot long connection").ExecuteAsync(context);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = hub.Attach(socket);
        await ClientSockets.ServeAsync(socket, MaxClientMessageBytes, "a client frame over 2 MB", text => hub.OnFrameAsync(connection, text),
            reason => hub.OnClientGoneAsync(connection, reason), connection.Abort, context.RequestAborted, lifetime.ApplicationStopping, hub.Stopping);
    }

    /// <summary>
    /// <c>{"kind":"drop"|"half-open"|"deaf-pings","bot_id"}</c> acts on the bot's connection now;
    /// <c>{"kind":"refuse-subscribes","seconds"}</c> holds for that long on the emulator's clock.
    /// </summary>
    private static async Task<IResult> FaultAsync(HttpContext context, AiBotHub hub)
    {
        var body = await ReadAsync(context);
        var kind = AiBotFrames.String(body, "kind");
        var botId = AiBotFrames.String(body, "bot_id") ?? hub.Bots[0].BotId;
        switch (kind)
        {
            case "drop":
                return await hub.DropAsync(botId) ? Ok(new { kind, bot_id = botId }) : Problem(404, $"bot '{botId}' has no connection");
            case "half-open":
                return hub.MakeHalfOpen(botId) ? Ok(new { kind, bot_id = botId }) : Problem(404, $"bot '{botId}' has no open connection");
            case "deaf-pings":
                return hub.StopAnsweringPings(botId) ? Ok(new { kind, bot_id = botId }) : Problem(404, $"bot '{botId}' has no open connection");
            case "refuse-subscribes":
                var seconds = AiBotFrames.Long(body, "seconds");
                if (seconds is not > 0)
                {
                    return Problem(400, "refuse-subscribes needs seconds > 0");
                }

                hub.RefuseSubscribes(TimeSpan.FromSeconds(seconds.Value));
                return Ok(new { kind, until = hub.SubscribesRefusedUntil() });
            default:
                return Problem(400, "kind must be drop, half-open, deaf-pings (with bot_id) or refuse-subscribes (with seconds)");
        }
    }

    /// <summary>
    /// A user's message: <c>{bot_id?, userid, chattype: single|group, chatid? (group), msgtype: text|image|mixed|voice|file,
    /// text?, mentioned? (group, default true), data_base64? (image/file/mixed), filename?, quote_msgid?}</c>.
    /// </summary>
    private static async Task<IResult> MessageAsync(HttpContext context, AiBotHub hub, AiBotInbound inbound)
    {
        var body = await ReadAsync(context);
        if (body is null)
        {
            return Problem(400, "the body must be a JSON object {userid, chattype, msgtype, text, ...}");
        }

        byte[]? data = null;
        if (AiBotFrames.String(body, "data_base64") is { } b64)
        {
            try
            {
                data = Convert.FromBase64String(b64);
            }
            catch (FormatException)
            {
                return Problem(400, "data_base64 must be base64");
            }
        }

        var input = new AiBotUserMessage(
            AiBotFrames.String(body, "bot_id") ?? hub.Bots[0].BotId,
            AiBotFrames.String(body, "userid") ?? string.Empty,
            AiBotFrames.String(body, "chattype") ?? "single",
            AiBotFrames.String(body, "chatid"),
            AiBotFrames.String(body, "msgtype") ?? "text",
            AiBotFrames.String(body, "text"),
            AiBotFrames.Bool(body, "mentioned") ?? true,
            data,
            AiBotFrames.String(body, "filename"),
            AiBotFrames.String(body, "quote_msgid"));
        var (message, push, problem) = await inbound.SendAsync(input, BaseUrl(context));
        return problem is not null ? Problem(400, problem) : Ok(new { message, req_id = push?.ReqId, delivery = message!.Delivery });
    }

    /// <summary><c>{msgid}</c>: WeCom pushes that message again (same msgid, new req_id), as it may.</summary>
    private static async Task<IResult> RedeliverAsync(HttpContext context, AiBotInbound inbound)
    {
        var body = await ReadAsync(context);
        var (push, problem) = await inbound.RedeliverAsync(AiBotFrames.String(body, "msgid") ?? string.Empty);
        return problem is not null ? Problem(400, problem) : Ok(new { req_id = push!.ReqId, delivery = push.Delivery });
    }

    private static async Task<IResult> EnterChatAsync(HttpContext context, AiBotHub hub, AiBotInbound inbound)
    {
        var body = await ReadAsync(context);
        var (push, problem) = await inbound.EnterChatAsync(AiBotFrames.String(body, "bot_id") ?? hub.Bots[0].BotId, AiBotFrames.String(body, "userid") ?? string.Empty);
        return problem is not null ? Problem(400, problem) : Ok(new { req_id = push!.ReqId, delivery = push.Delivery });
    }

    private static async Task<IResult> ClickAsync(HttpContext context, AiBotInbound inbound)
    {
        var body = await ReadAsync(context);
        var (push, problem) = await inbound.ClickAsync(AiBotFrames.String(body, "message_id") ?? string.Empty, AiBotFrames.String(body, "userid") ?? string.Empty, AiBotFrames.String(body, "event_key") ?? string.Empty);
        return problem is not null ? Problem(400, problem) : Ok(new { req_id = push!.ReqId, delivery = push.Delivery });
    }

    private static async Task<IResult> FeedbackAsync(HttpContext context, AiBotInbound inbound)
    {
        var body = await ReadAsync(context);
        var (push, problem) = await inbound.FeedbackAsync(AiBotFrames.String(body, "message_id") ?? string.Empty, AiBotFrames.String(body, "userid") ?? string.Empty, (int)(AiBotFrames.Long(body, "type") ?? 0));
        return problem is not null ? Problem(400, problem) : Ok(new { req_id = push!.ReqId, delivery = push.Delivery });
    }

    internal static string BaseUrl(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}";

    private static async Task<JsonObject?> ReadAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Ok(object body) => Results.Json(body, ControlJson);

    private static IResult Problem(int status, string message) => Results.Json(new { error = message }, ControlJson, statusCode: status);

    /// <summary>snake_case, as WeCom's JSON.</summary>
    private static readonly JsonSerializerOptions ControlJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
