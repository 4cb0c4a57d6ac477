using System.Text.Json;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Larkway.Emulator.DingTalk.Stream;

/// <summary>
/// The wire side of Stream mode: the gateway (<c>POST /dingtalk/v1.0/gateway/connections/open</c>), the WebSocket
/// (<c>/dingtalk/stream/connect?ticket=…</c>) and the robot's session webhook (<c>POST /dingtalk/robot/sendBySession</c>).
/// </summary>
internal static class DingTalkStreamEndpoints
{
    public const string GatewayPath = "/dingtalk/v1.0/gateway/connections/open";
    public const string ConnectPath = "/dingtalk/stream/connect";
    public const string SessionWebhookPath = "/dingtalk/robot/sendBySession";

    private const string GatewayShape = "{clientId, clientSecret, subscriptions:[{type, topic}], ua?, localIp?}";

    /// <summary>Acks and ping echoes are small; a client message larger than this ends the connection.</summary>
    private const int MaxClientMessageBytes = 1024 * 1024;

    public static void MapDingTalkStreamEndpoints(this IEndpointRouteBuilder routes)
    {
        // Marked as DingTalk calls so that the /dingtalk gate counts them and fires faults; none takes an app token.
        routes.MapPost(GatewayPath, OpenAsync).AsDingTalk(DingTalkFamily.Api, requiresToken: false);
        routes.Map(ConnectPath, ConnectAsync).AsDingTalk(DingTalkFamily.Api, requiresToken: false);
        routes.MapPost(SessionWebhookPath, SendBySessionAsync).AsDingTalk(DingTalkFamily.Robot, requiresToken: false);
    }

    private static async Task<IResult> OpenAsync(HttpContext context, DingTalkStreamHub hub, IDingTalkStreamApps apps)
    {
        if (hub.Faults.GatewayRefusal() is { } refusal)
        {
            return StreamHttp.Error(context, refusal);
        }

        var (body, invalid) = await StreamHttp.ReadObjectAsync(context, GatewayShape);
        if (invalid is not null)
        {
            return invalid;
        }

        var clientId = StreamHttp.String(body, "clientId");
        var clientSecret = StreamHttp.String(body, "clientSecret");
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(clientSecret))
        {
            return StreamHttp.Error(context, 400, "MissingParameter", string.IsNullOrEmpty(clientId) ? "clientId is required" : "clientSecret is required");
        }

        var (subscriptions, problem) = Subscriptions(body);
        if (problem is not null)
        {
            return StreamHttp.Error(context, 400, "InvalidParameter", problem);
        }

        if (!apps.TryAuthenticate(clientId, clientSecret, out var appKey))
        {
            return StreamHttp.Error(context, 401, "authFailed", "鉴权失败");
        }

        var ticket = hub.Tickets.Issue(appKey, subscriptions, StreamHttp.String(body, "ua"), StreamHttp.String(body, "localIp"));

        // Built from the request's own scheme and host, so the endpoint works behind any port or proxy host name.
        var scheme = context.Request.IsHttps ? "wss" : "ws";
        return StreamHttp.Ok(context, new { endpoint = $"{scheme}://{context.Request.Host}{ConnectPath}", ticket });
    }

    private static (IReadOnlyList<DingTalkStreamSubscription> Subscriptions, string? Problem) Subscriptions(JsonElement body)
    {
        if (!body.TryGetProperty("subscriptions", out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            return ([], "subscriptions must be a non-empty array of {type: EVENT|CALLBACK, topic}");
        }

        var list = new List<DingTalkStreamSubscription>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var type = item.ValueKind == JsonValueKind.Object ? StreamHttp.String(item, "type") : null;
            var topic = item.ValueKind == JsonValueKind.Object ? StreamHttp.String(item, "topic") : null;
            if (type is not (StreamFrameTypes.Event or StreamFrameTypes.Callback))
            {
                return ([], $"subscriptions[{index}].type must be EVENT or CALLBACK");
            }

            if (string.IsNullOrEmpty(topic))
            {
                return ([], $"subscriptions[{index}].topic is required");
            }

            list.Add(new DingTalkStreamSubscription(type, topic));
            index++;
        }

        return (list, null);
    }

    private static async Task ConnectAsync(HttpContext context, DingTalkStreamHub hub, IHostApplicationLifetime lifetime)
    {
        if (hub.Faults.UpgradeRefusal() is { } down)
        {
            await StreamHttp.Error(context, down).ExecuteAsync(context);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await StreamHttp.Error(context, 400, "InvalidRequest", "expected a WebSocket upgrade").ExecuteAsync(context);
            return;
        }

        var (ticket, refusal) = hub.Tickets.Take(context.Request.Query["ticket"].FirstOrDefault());
        if (ticket is null)
        {
            await StreamHttp.Error(context, refusal!).ExecuteAsync(context);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = hub.Attach(ticket, socket);
        await ClientSockets.ServeAsync(socket, MaxClientMessageBytes, "a client message over 1 MB", text =>
        {
            // Half-open: what the client sends is dropped, but the socket is still read, so its close is seen.
            if (connection.State != DingTalkStreamConnectionState.HalfOpen)
            {
                hub.OnClientMessage(connection, text);
            }

            return Task.CompletedTask;
        }, reason => hub.OnClientGoneAsync(connection, reason), connection.Abort, context.RequestAborted, lifetime.ApplicationStopping, hub.Stopping);
    }

    /// <summary>
    /// A reply to a robot message: the custom-robot body (<c>text</c> or <c>markdown</c>), no token, until the session
    /// expires. Answers HTTP 200 with <c>errcode</c>, as oapi does.
    /// </summary>
    private static async Task<IResult> SendBySessionAsync(HttpContext context, RobotSessions sessions)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return OapiError(40035, "the body must be JSON: {msgtype:text, text:{content}} or {msgtype:markdown, markdown:{title, text}}");
        }

        var msgType = body.ValueKind == JsonValueKind.Object ? StreamHttp.String(body, "msgtype") : null;
        var problem = msgType switch
        {
            "text" => HasString(body, "text", "content") ? null : "text.content is required",
            "markdown" => HasString(body, "markdown", "title") && HasString(body, "markdown", "text") ? null : "markdown.title and markdown.text are required",
            null => "msgtype is required",
            _ => $"msgtype '{msgType}' is not accepted by the emulator's session webhook (text, markdown)",
        };
        if (problem is not null)
        {
            return OapiError(40035, problem);
        }

        if (!sessions.TryReply(context.Request.Query["session"].FirstOrDefault(), msgType!, body.GetRawText()))
        {
            return OapiError(300005, "the session webhook has expired or does not exist");
        }

        return Results.Json(new { errcode = 0, errmsg = "ok" }, StreamHttp.Json);
    }

    private static bool HasString(JsonElement body, string obj, string name) =>
        body.TryGetProperty(obj, out var inner) && inner.ValueKind == JsonValueKind.Object && !string.IsNullOrEmpty(StreamHttp.String(inner, name));

    private static IResult OapiError(int errcode, string errmsg) => Results.Json(new { errcode, errmsg }, StreamHttp.Json);
}
