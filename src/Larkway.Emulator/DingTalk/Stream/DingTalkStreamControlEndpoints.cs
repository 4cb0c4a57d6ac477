using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Stream;

/// <summary>
/// Test control under <c>/_emulator/dingtalk/stream</c>: connections, the delivery log, on-demand <c>disconnect</c>,
/// faults, and traffic to push (robot messages, events, card callbacks) plus the session-webhook replies.
/// </summary>
internal static class DingTalkStreamControlEndpoints
{
    public const string Prefix = "/_emulator/dingtalk/stream";

    private static readonly Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider ContentTypes = new();

    public static void MapDingTalkStreamControlEndpoints(this IEndpointRouteBuilder routes)
    {
        var control = routes.MapGroup(Prefix);
        control.MapGet("connections", (HttpContext context, DingTalkStreamHub hub) => StreamHttp.Ok(context, new { items = hub.Connections() }));
        control.MapPost("connections/{id}/disconnect", DisconnectAsync);
        control.MapGet("deliveries", Deliveries);
        control.MapGet("faults", (HttpContext context, DingTalkStreamHub hub) => StreamHttp.Ok(context, hub.Faults.Current()));
        control.MapPost("faults", AddFaultAsync);
        control.MapDelete("faults", (HttpContext context, DingTalkStreamHub hub) =>
        {
            hub.Faults.Clear();
            return StreamHttp.Ok(context, hub.Faults.Current());
        });
        control.MapPost("robot-messages", RobotMessageAsync);
        control.MapPost("events", EventAsync);
        control.MapPost("card-callbacks", CardCallbackAsync);
        control.MapGet("session-replies", (HttpContext context, RobotSessions sessions) => StreamHttp.Ok(context, new { items = sessions.Replies() }));
    }

    private static async Task<IResult> DisconnectAsync(HttpContext context, string id, DingTalkStreamHub hub) =>
        await hub.DisconnectAsync(id)
            ? StreamHttp.Ok(context, hub.Connection(id)!)
            : StreamHttp.Error(context, 404, "ConnectionNotFound", $"no open connection '{id}' (a disconnecting, half-open or closed one cannot be disconnected)");

    /// <summary>The log, optionally narrowed by <c>connectionId</c> and/or <c>messageId</c>.</summary>
    private static IResult Deliveries(HttpContext context, DingTalkStreamHub hub)
    {
        var connectionId = context.Request.Query["connectionId"].FirstOrDefault();
        var messageId = context.Request.Query["messageId"].FirstOrDefault();
        var items = hub.Log.Snapshot()
            .Where(d => connectionId is null || d.ConnectionId == connectionId)
            .Where(d => messageId is null || d.MessageId == messageId);
        return StreamHttp.Ok(context, new { items });
    }

    /// <summary>
    /// <c>{"kind":"drop"|"half-open","connectionId"}</c> acts on one connection now;
    /// <c>{"kind":"refuse-tickets"|"endpoint-down","seconds"}</c> holds for that long on the emulator's clock.
    /// </summary>
    private static async Task<IResult> AddFaultAsync(HttpContext context, DingTalkStreamHub hub)
    {
        var (body, invalid) = await StreamHttp.ReadObjectAsync(context, "{kind, connectionId?, seconds?}");
        if (invalid is not null)
        {
            return invalid;
        }

        var kind = StreamHttp.String(body, "kind");
        switch (kind)
        {
            case "drop" or "half-open":
                var id = StreamHttp.String(body, "connectionId");
                if (string.IsNullOrEmpty(id))
                {
                    return StreamHttp.Error(context, 400, "MissingParameter", $"connectionId is required for {kind}");
                }

                var done = kind == "drop" ? await hub.DropAsync(id) : hub.MakeHalfOpen(id);
                return done
                    ? StreamHttp.Ok(context, hub.Connection(id)!)
                    : StreamHttp.Error(context, 404, "ConnectionNotFound", $"no open connection '{id}'");
            case "refuse-tickets" or "endpoint-down":
                if (!body.TryGetProperty("seconds", out var s) || s.ValueKind != JsonValueKind.Number || !s.TryGetDouble(out var seconds) || seconds <= 0)
                {
                    return StreamHttp.Error(context, 400, "InvalidParameter", $"seconds (a positive number) is required for {kind}");
                }

                if (kind == "refuse-tickets")
                {
                    hub.Faults.RefuseTickets(TimeSpan.FromSeconds(seconds));
                }
                else
                {
                    hub.Faults.EndpointDown(TimeSpan.FromSeconds(seconds));
                }

                return StreamHttp.Ok(context, hub.Faults.Current());
            default:
                return StreamHttp.Error(context, 400, "InvalidParameter", "kind must be drop, half-open, refuse-tickets or endpoint-down");
        }
    }

    /// <summary>
    /// <c>{conversationType, senderStaffId, senderNick, text, conversationId?, conversationTitle?, atBot?, appKey?}</c>, or
    /// instead of text a picture (<c>msgtype "picture", contentBase64, contentType?</c>) or a file (<c>msgtype "file",
    /// fileName, contentBase64, contentType?</c>): the bytes are kept under the message's <c>downloadCode</c>.
    /// </summary>
    private static async Task<IResult> RobotMessageAsync(HttpContext context, DingTalkStreamHub hub, Chat.InboundRobotMessages inbound, AppRobot.RobotMessageFiles files, State.DingTalkOrg org)
    {
        var (body, invalid) = await StreamHttp.ReadObjectAsync(context, "{conversationType, senderStaffId, senderNick, text | msgtype+contentBase64(+fileName), conversationId?, conversationTitle?, atBot?, appKey?}");
        if (invalid is not null)
        {
            return invalid;
        }

        var conversationType = StreamHttp.String(body, "conversationType");
        if (conversationType is not ("1" or "2"))
        {
            return StreamHttp.Error(context, 400, "InvalidParameter", "conversationType must be \"1\" (single chat) or \"2\" (group)");
        }

        var msgType = StreamHttp.String(body, "msgtype") ?? "text";
        if (msgType is not ("text" or "picture" or "file"))
        {
            return StreamHttp.Error(context, 400, "InvalidParameter", "msgtype must be text, picture or file");
        }

        var required = msgType switch
        {
            "text" => new[] { "senderStaffId", "senderNick", "text" },
            "picture" => ["senderStaffId", "senderNick", "contentBase64"],
            _ => ["senderStaffId", "senderNick", "contentBase64", "fileName"],
        };
        var missing = required.FirstOrDefault(n => string.IsNullOrEmpty(StreamHttp.String(body, n)));
        if (missing is not null)
        {
            return StreamHttp.Error(context, 400, "MissingParameter", $"{missing} is required");
        }

        // DingTalk's rule: a robot receives voice, video and files only in a one-to-one chat with it, never in a group.
        if (msgType == "file" && conversationType != "1")
        {
            return StreamHttp.Error(context, 400, "InvalidParameter", "DingTalk does not deliver a file to a robot in a group: send it in a one-to-one chat (conversationType \"1\")");
        }

        var appKey = StreamHttp.String(body, "appKey") ?? hub.Options.ClientId;
        AppRobot.RobotMessageFile? file = null;
        if (msgType != "text")
        {
            byte[] content;
            try
            {
                content = Convert.FromBase64String(StreamHttp.String(body, "contentBase64")!);
            }
            catch (FormatException)
            {
                return StreamHttp.Error(context, 400, "InvalidParameter", "contentBase64 must be base64");
            }

            var fileName = msgType == "file" ? Path.GetFileName(StreamHttp.String(body, "fileName")!) : null;
            var contentType = StreamHttp.String(body, "contentType")
                ?? (fileName is not null && ContentTypes.TryGetContentType(fileName, out var known) ? known : msgType == "picture" ? "image/png" : "application/octet-stream");
            file = files.Add(org.FindApp(appKey)?.RobotCode ?? appKey, msgType, fileName, contentType, content);
        }

        var atBot = !body.TryGetProperty("atBot", out var at) || at.ValueKind != JsonValueKind.False;
        var request = new RobotMessageRequest(
            appKey,
            conversationType,
            StreamHttp.String(body, "senderStaffId")!,
            StreamHttp.String(body, "senderNick")!,
            StreamHttp.String(body, "conversationId"),
            StreamHttp.String(body, "conversationTitle"),
            file switch { null => StreamHttp.String(body, "text")!, { MsgType: "picture" } => "[picture]", _ => $"[file: {file.FileName}]" },
            atBot)
        {
            File = file,
        };

        // Through the same path as a user writing on the web page, so the conversation shows it and replies land there.
        var delivered = await inbound.DeliverAsync(request, $"{context.Request.Scheme}://{context.Request.Host}");
        return StreamHttp.Ok(context, new { delivered.MsgId, delivered.Push.MessageId, delivered.Push.ConnectionId, delivered.SessionWebhook, file?.DownloadCode });
    }

    /// <summary><c>{eventType, data (object or JSON string), appKey?}</c>.</summary>
    private static async Task<IResult> EventAsync(HttpContext context, DingTalkStreamHub hub)
    {
        var (body, invalid) = await StreamHttp.ReadObjectAsync(context, "{eventType, data, appKey?}");
        if (invalid is not null)
        {
            return invalid;
        }

        var eventType = StreamHttp.String(body, "eventType");
        if (string.IsNullOrEmpty(eventType))
        {
            return StreamHttp.Error(context, 400, "MissingParameter", "eventType is required");
        }

        if (DataJson(body) is not { } data)
        {
            return StreamHttp.Error(context, 400, "InvalidParameter", "data must be a JSON object (or a string holding one)");
        }

        var push = await hub.PushEventAsync(StreamHttp.String(body, "appKey") ?? hub.Options.ClientId, eventType, data);
        return StreamHttp.Ok(context, new { push.MessageId, push.ConnectionId });
    }

    /// <summary>
    /// <c>{outTrackId, userId, actionId?, params?, appKey?}</c> builds an interactive-card callback; <c>{data}</c> sends a
    /// body as given. Its answer comes back in the ack (<c>{"response":{…}}</c>), recorded in the delivery log.
    /// </summary>
    private static async Task<IResult> CardCallbackAsync(HttpContext context, DingTalkStreamHub hub)
    {
        var (body, invalid) = await StreamHttp.ReadObjectAsync(context, "{outTrackId, userId, actionId?, params?, appKey?} or {data}");
        if (invalid is not null)
        {
            return invalid;
        }

        var appKey = StreamHttp.String(body, "appKey") ?? hub.Options.ClientId;
        var data = body.TryGetProperty("data", out _) ? DataJson(body) : null;
        if (data is null)
        {
            var outTrackId = StreamHttp.String(body, "outTrackId");
            var userId = StreamHttp.String(body, "userId");
            if (string.IsNullOrEmpty(outTrackId) || string.IsNullOrEmpty(userId))
            {
                return StreamHttp.Error(context, 400, "MissingParameter", "outTrackId and userId are required (or give data)");
            }

            var parameters = body.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object ? JsonNode.Parse(p.GetRawText()) as JsonObject : null;
            data = Chat.CardClicks.CallbackData(hub.CorpIdOf(appKey), outTrackId, userId, StreamHttp.String(body, "actionId") ?? "submit", parameters);
        }

        var push = await hub.PushCallbackAsync(appKey, StreamTopics.CardCallback, data);
        return StreamHttp.Ok(context, new { push.MessageId, push.ConnectionId });
    }

    /// <summary>The <c>data</c> property as a JSON object's text: given as an object, or as a string holding one.</summary>
    private static string? DataJson(JsonElement body)
    {
        if (!body.TryGetProperty("data", out var data))
        {
            return null;
        }

        if (data.ValueKind == JsonValueKind.Object)
        {
            return data.GetRawText();
        }

        if (data.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var inner = JsonDocument.Parse(data.GetString()!);
                return inner.RootElement.ValueKind == JsonValueKind.Object ? data.GetString() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return null;
    }
}
