using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Larkway.Emulator.LongConnection.Wire;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Larkway.Emulator.LongConnection;

/// <summary>
/// Endpoint discovery (<c>POST /callback/ws/endpoint</c>), the WebSocket itself (<c>/ws/v2</c>) and the
/// test control under <c>/_emulator/long-connection</c>.
/// </summary>
internal static class LongConnectionEndpoints
{
    public const string SocketPath = "/ws/v2";

    private const int ReceiveBufferSize = 16 * 1024;

    /// <summary>A client frame larger than this is a protocol error (acks and pings are tiny).</summary>
    private const int MaxClientMessageBytes = 4 * 1024 * 1024;

    public static void MapLongConnectionEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/callback/ws/endpoint", DiscoverAsync);
        routes.Map(SocketPath, AcceptAsync);

        var control = routes.MapGroup("/_emulator/long-connection");
        control.MapGet(string.Empty, (LongConnectionHub hub) => Envelope.Ok(new { items = hub.Status().Select(View) }));
        control.MapPost("faults", AddFaultAsync);
        control.MapGet("faults", (LongConnectionHub hub) => FaultsView(hub));
        control.MapDelete("faults", (LongConnectionHub hub) =>
        {
            hub.ClearFaults();
            return Envelope.Ok();
        });
    }

    /// <summary>
    /// Feishu answers HTTP 200 with a non-zero code for bad credentials (the SDKs treat HTTP errors as
    /// retryable, codes other than 1 and 1000040343 as fatal). <c>data</c> is always an object: the Node
    /// SDK destructures it before it looks at the code.
    /// </summary>
    private static async Task<IResult> DiscoverAsync(HttpContext context, EmulatorState state, LongConnectionHub hub)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, LongConnectionHub.NoCredential, allowEmpty: true);
        var appId = Text(body, "AppID");
        var secret = Text(body, "AppSecret");
        if (appId.Length == 0 || secret.Length == 0)
        {
            return Failure(LongConnectionHub.NoCredential, "app_id or app_secret is empty");
        }

        var app = state.FindApp(appId);
        if (app is null || app.Disabled || !FixedTimeEquals(app.AppSecret, secret))
        {
            return Failure(LongConnectionHub.InvalidCredential, "app_id or app_secret is invalid");
        }

        // Both are retryable for the SDKs: an HTTP error, and code 1 (system busy).
        if (hub.EndpointDownUntil is not null)
        {
            return Envelope.Raw(new JsonObject { ["code"] = 503, ["msg"] = "service unavailable", ["data"] = new JsonObject() }, 503);
        }

        if (hub.RefuseTicketsUntil is not null)
        {
            return Failure(LongConnectionHub.SystemBusy, "system busy");
        }

        var (deviceId, serviceId, ticket) = hub.IssueTicket(app.AppId);
        var scheme = context.Request.IsHttps ? "wss" : "ws";

        // A parameter goes before device_id as on Feishu: the Node SDK parses the whole URL as a query
        // string, so the first key carries the path and would hide device_id.
        var url = $"{scheme}://{context.Request.Host}{SocketPath}?fpid=493&device_id={deviceId}&service_id={serviceId.ToString(CultureInfo.InvariantCulture)}&ticket={ticket}";
        return Envelope.Raw(new JsonObject
        {
            ["code"] = 0,
            ["msg"] = "ok",
            ["data"] = new JsonObject
            {
                ["URL"] = url,
                ["ClientConfig"] = Frames.ClientConfig(hub.Options),
            },
        });
    }

    private static async Task AcceptAsync(HttpContext context, LongConnectionHub hub, IHostApplicationLifetime lifetime, TimeProvider time)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Envelope.WriteErrorAsync(context, 400, ErrorCodes.BadRequest, "expected a WebSocket upgrade");
            return;
        }

        var (ticket, rejection) = hub.Admit(context.Request.Query["ticket"].FirstOrDefault());
        if (ticket is null)
        {
            // Non-101 with the headers the SDKs read: Handshake-Status 514 + autherrcode 1000040350 (limit)
            // and 403 are fatal for them; other 514s are retried.
            var refused = rejection!;
            context.Response.StatusCode = refused.Status;
            context.Response.Headers["Handshake-Status"] = refused.Status.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["Handshake-Msg"] = refused.Message;
            context.Response.Headers["Handshake-Autherrcode"] = refused.AuthErrCode.ToString(CultureInfo.InvariantCulture);
            return;
        }

        WebSocket socket;
        try
        {
            socket = await context.WebSockets.AcceptWebSocketAsync();
        }
        catch
        {
            hub.Release(ticket.AppId);
            throw;
        }

        using var session = new LongConnectionSession(ticket.AppId, ticket.DeviceId, ticket.ServiceId, socket, time.GetUtcNow());
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        hub.Attach(session);
        try
        {
            await ReceiveLoopAsync(session, hub, stopping.Token);
        }
        finally
        {
            hub.Detach(session);
            if (socket.State == WebSocketState.CloseReceived && !stopping.IsCancellationRequested)
            {
                await CloseQuietlyAsync(socket);
            }
            else
            {
                session.Abort();
            }
        }
    }

    private static async Task ReceiveLoopAsync(LongConnectionSession session, LongConnectionHub hub, CancellationToken ct)
    {
        var buffer = new byte[ReceiveBufferSize];
        using var message = new MemoryStream();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var result = await session.Socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (message.Length > MaxClientMessageBytes)
                {
                    return;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                // Text messages are not part of the protocol; the SDKs ignore them too.
                if (result.MessageType == WebSocketMessageType.Binary && TryParse(message, out var frame))
                {
                    await hub.OnFrameAsync(session, frame, ct);
                }

                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // the peer went away, the socket was dropped by a fault, or the emulator is stopping
        }
    }

    private static bool TryParse(MemoryStream message, out Frame frame)
    {
        try
        {
            frame = Frame.Parser.ParseFrom(message.GetBuffer(), 0, (int)message.Length);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            frame = null!;
            return false;
        }
    }

    private static async Task CloseQuietlyAsync(WebSocket socket)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // best effort
        }
    }

    /// <summary>
    /// <c>{"app_id","kind":"drop","device_id"?}</c> drops the app's connections (or one) now;
    /// <c>{"kind":"half_open","device_id"?}</c> makes them swallow what the server sends and ignore what the client sends
    /// (only its close gets through); <c>{"kind":"close","device_id"?}</c> closes them from the server's side;
    /// <c>{"kind":"endpoint_down"|"refuse_tickets","seconds"}</c> refuses discovery (HTTP 503, or code 1) and, for
    /// endpoint_down, handshakes (503) for that long on the emulator's clock;
    /// <c>{"kind":"handshake_failure","count":N,"status":514|403,"autherrcode"?,"msg"?}</c>
    /// fails its next N handshakes; <c>{"kind":"ignore_pings"}</c> stops pongs until the faults are cleared.
    /// </summary>
    private static async Task<IResult> AddFaultAsync(HttpContext context, EmulatorState state, LongConnectionHub hub)
    {
        const int Invalid = ErrorCodes.BadRequest;
        var body = await RequestJson.ReadObjectAsync(context.Request, Invalid);
        var appId = body.RequiredString("app_id", Invalid);
        if (state.FindApp(appId) is null)
        {
            throw ApiErrorException.BadRequest(Invalid, $"unknown app_id '{appId}'");
        }

        switch (body.RequiredString("kind", Invalid))
        {
            case "drop":
                var deviceId = body.OptionalString("device_id", Invalid);
                if (deviceId is not null)
                {
                    return hub.Drop(appId, deviceId) ? Envelope.Ok(new { dropped = 1 }) : throw UnknownConnection(appId, deviceId);
                }

                return Envelope.Ok(new { dropped = hub.DropAll(appId) });
            case "half_open":
                return Touched("half_open", hub.MakeHalfOpen(appId, body.OptionalString("device_id", Invalid)), appId, body);
            case "close":
                return Touched("closed", await hub.CloseAsync(appId, body.OptionalString("device_id", Invalid)), appId, body);
            case "endpoint_down" or "refuse_tickets":
                var seconds = body.TryGetProperty("seconds", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetDouble(out var value) && value > 0
                    ? value
                    : throw ApiErrorException.BadRequest(Invalid, "seconds (a positive number) is required");
                if (body.RequiredString("kind", Invalid) == "endpoint_down")
                {
                    hub.EndpointDown(TimeSpan.FromSeconds(seconds));
                }
                else
                {
                    hub.RefuseTickets(TimeSpan.FromSeconds(seconds));
                }

                return FaultsView(hub);
            case "ignore_pings":
                hub.SilencePings(appId);
                return FaultsView(hub);
            case "handshake_failure":
                var count = OptionalLong(body, "count") ?? 1;
                var status = OptionalLong(body, "status") ?? LongConnectionHub.AuthFailedStatus;
                if (count < 1 || status is not (LongConnectionHub.AuthFailedStatus or LongConnectionHub.ForbiddenStatus))
                {
                    throw ApiErrorException.BadRequest(Invalid, "count must be at least 1 and status 514 or 403");
                }

                var message = body.OptionalString("msg", Invalid) ?? (status == LongConnectionHub.ForbiddenStatus ? "forbidden" : "auth failed");
                hub.AddHandshakeFault(new HandshakeFault(appId, (int)status, OptionalLong(body, "autherrcode") ?? 0, message, (int)count));
                return FaultsView(hub);
            default:
                throw ApiErrorException.BadRequest(Invalid, "kind must be drop, half_open, close, endpoint_down, refuse_tickets, handshake_failure or ignore_pings");
        }
    }

    private static IResult Touched(string name, int count, string appId, JsonElement body) =>
        count == 0 && body.OptionalString("device_id", ErrorCodes.BadRequest) is { } deviceId
            ? throw UnknownConnection(appId, deviceId)
            : Envelope.Ok(new Dictionary<string, int> { [name] = count });

    private static ApiErrorException UnknownConnection(string appId, string deviceId) =>
        ApiErrorException.BadRequest(ErrorCodes.BadRequest, $"app '{appId}' has no live long connection '{deviceId}'");

    private static IResult FaultsView(LongConnectionHub hub)
    {
        var (handshakes, silent) = hub.Faults();
        return Envelope.Ok(new
        {
            handshake_failures = handshakes.Select(f => new { app_id = f.AppId, status = f.Status, autherrcode = f.AuthErrCode, msg = f.Message, count = f.Remaining }),
            ignore_pings = silent,
            endpoint_down_until = hub.EndpointDownUntil?.ToUnixTimeMilliseconds(),
            refuse_tickets_until = hub.RefuseTicketsUntil?.ToUnixTimeMilliseconds(),
        });
    }

    private static object View(LongConnectionAppStatus status) => new
    {
        app_id = status.AppId,
        connections = status.Connections.Select(c => new { device_id = c.DeviceId, connected_at = c.ConnectedAtMs, half_open = c.HalfOpen }),
        in_flight = status.InFlight,
        waiting = status.Waiting,
    };

    private static IResult Failure(int code, string msg) =>
        Envelope.Raw(new JsonObject { ["code"] = code, ["msg"] = msg, ["data"] = new JsonObject() });

    private static string Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

    private static long? OptionalLong(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number
        : throw ApiErrorException.BadRequest(ErrorCodes.BadRequest, $"{name} must be an integer");

    private static bool FixedTimeEquals(string expected, string actual) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(actual));
}
