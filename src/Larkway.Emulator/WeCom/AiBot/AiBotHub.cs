using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Larkway.Emulator.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>What a push to the bot did: the req_id it carried and where it went.</summary>
public sealed record AiBotPush(string ReqId, string Delivery, string? ConnectionId);

/// <summary>
/// The server side of the AI bot's long connection: subscribe (one connection per bot — a new one takes over and the
/// old gets <c>disconnected_event</c>), pings, pushes of user messages and events, and the client's commands, which
/// <see cref="AiBotReplies"/> validates. Faults: drop, half-open, refused subscribes, unanswered pings.
/// One lock guards the bookkeeping; socket writes happen outside it.
/// </summary>
internal sealed partial class AiBotHub : IDisposable
{
    private const int ClosedKept = 100;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, AiBotConnection> _live = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AiBotConnection> _byBot = new(StringComparer.Ordinal);
    private readonly LinkedList<AiBotConnection> _closed = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, AiBotDefinition> _bots;
    private readonly TimeProvider _time;
    private readonly ILogger<AiBotHub> _logger;
    private DateTimeOffset? _refuseSubscribesUntil;

    private readonly AiBotUrlCallbackStore _callbacks;

    public AiBotHub(AiBotOptions options, TimeProvider time, AiBotReplies replies, AiBotUrlCallbackStore callbacks, ILogger<AiBotHub> logger)
    {
        _callbacks = callbacks;
        Options = options;
        _time = time;
        Replies = replies;
        _logger = logger;
        _bots = options.EffectiveBots().ToDictionary(b => b.BotId, StringComparer.Ordinal);
    }

    public AiBotOptions Options { get; }

    public AiBotReplies Replies { get; }

    public CancellationToken Stopping => _stopping.Token;

    public AiBotDefinition? Bot(string? botId) => botId is not null ? _bots.GetValueOrDefault(botId) : null;

    public IReadOnlyList<AiBotDefinition> Bots => [.. _bots.Values];

    // ---- connections ----------------------------------------------------------------------------

    public AiBotConnection Attach(WebSocket socket)
    {
        var connection = new AiBotConnection(AiBotFrames.NewId(), socket, _time.GetUtcNow());
        lock (_gate)
        {
            _live[connection.Id] = connection;
        }

        return connection;
    }

    public IReadOnlyList<AiBotConnectionView> Connections()
    {
        lock (_gate)
        {
            return [.. _live.Values.OrderBy(c => c.OpenedAt).Concat(_closed).Select(c => c.View())];
        }
    }

    /// <summary>The bot's current (subscribed) connection, if any.</summary>
    public AiBotConnectionView? CurrentOf(string botId)
    {
        lock (_gate)
        {
            return _byBot.TryGetValue(botId, out var c) ? c.View() : null;
        }
    }

    /// <summary>One text frame from the client. Returns false when the connection is to be closed.</summary>
    public async Task<bool> OnFrameAsync(AiBotConnection connection, string text)
    {
        AiBotConnectionState state;
        lock (_gate)
        {
            state = connection.State;
        }

        if (state is AiBotConnectionState.HalfOpen or AiBotConnectionState.Closed)
        {
            return true;
        }

        connection.CountIn();
        var frame = AiBotFrames.Read(text, out var problem);
        if (frame is null)
        {
            // Without a req_id there is nothing to answer to; the frame is dropped, as the SDK drops unknown frames.
            LogBadFrame(_logger, connection.Id, problem!);
            return true;
        }

        if (state == AiBotConnectionState.Connecting)
        {
            return await SubscribeAsync(connection, frame);
        }

        var botId = connection.BotId!;
        switch (frame.Cmd)
        {
            case AiBotCmd.Ping:
                if (connection.AnswersPings)
                {
                    await connection.SendAsync(AiBotFrames.Ack(frame.ReqId, AiBotErrors.Ok, "ok"));
                }

                return true;
            case AiBotCmd.Subscribe:
                await connection.SendAsync(AiBotFrames.Ack(frame.ReqId, AiBotErrors.InvalidParameter, "this connection is already subscribed"));
                return true;
            case null or "":
                // An answer to a push (the client acks nothing on WeCom, but a stray one is harmless).
                return true;
            default:
                var (errcode, errmsg, body) = Replies.Handle(botId, frame);
                await connection.SendAsync(AiBotFrames.Ack(frame.ReqId, errcode, errmsg, body));
                return true;
        }
    }

    private async Task<bool> SubscribeAsync(AiBotConnection connection, AiBotClientFrame frame)
    {
        if (frame.Cmd != AiBotCmd.Subscribe)
        {
            await connection.SendAsync(AiBotFrames.Ack(frame.ReqId, AiBotErrors.InvalidParameter, $"the first frame must be {AiBotCmd.Subscribe} with body {{bot_id, secret}}, not {frame.Cmd ?? "(no cmd)"}"));
            await CloseAsync(connection, "no subscribe", graceful: true);
            return false;
        }

        var botId = AiBotFrames.String(frame.Body, "bot_id");
        var secret = AiBotFrames.String(frame.Body, "secret");
        bool refused;
        lock (_gate)
        {
            refused = _refuseSubscribesUntil > _time.GetUtcNow();
        }

        if (refused)
        {
            LogRefused(_logger, connection.Id, botId ?? "?", "fault: subscribes refused");
            await connection.SendAsync(AiBotFrames.Ack(frame.ReqId, AiBotErrors.SystemBusy, "system busy, retry later"));
            await CloseAsync(connection, "subscribe refused (fault)", graceful: true);
            return false;
        }

        if (Bot(botId) is not { } bot || secret is null || !FixedEquals(bot.Secret, secret))
        {
            LogRefused(_logger, connection.Id, botId ?? "?", "invalid bot_id or secret");
            await connection.SendAsync(AiBotFrames.Ack(frame.ReqId, AiBotErrors.InvalidCredentials, "invalid bot_id or secret"));
            await CloseAsync(connection, "invalid bot_id or secret", graceful: true);
            return false;
        }

        if (bot.CallbackUrl is not null || _callbacks.Settings(bot.BotId) is not null)
        {
            LogRefused(_logger, connection.Id, bot.BotId, "bot in URL-callback mode");
            await connection.SendAsync(AiBotFrames.Ack(frame.ReqId, AiBotErrors.InvalidCredentials, "the bot receives messages by URL callback; the long connection is not enabled for it"));
            await CloseAsync(connection, "bot in URL-callback mode", graceful: true);
            return false;
        }

        AiBotConnection? previous;
        lock (_gate)
        {
            if (connection.State != AiBotConnectionState.Connecting)
            {
                return false;
            }

            _byBot.TryGetValue(bot.BotId, out previous);
            connection.BotId = bot.BotId;
            connection.State = AiBotConnectionState.Open;
            _byBot[bot.BotId] = connection;
        }

        await connection.SendAsync(AiBotFrames.Ack(frame.ReqId, AiBotErrors.Ok, "ok"));
        LogSubscribed(_logger, connection.Id, bot.BotId);
        if (previous is not null)
        {
            await TakeOverAsync(previous, bot.BotId);
        }

        return true;
    }

    /// <summary>The old connection hears <c>disconnected_event</c> and is closed.</summary>
    private async Task TakeOverAsync(AiBotConnection previous, string botId)
    {
        LogTakenOver(_logger, previous.Id, botId);
        var body = EventBody(botId, "disconnected_event", chatType: null, chatId: null, userId: null, detail: null);
        await previous.SendAsync(AiBotFrames.Push(AiBotCmd.EventCallback, NewReqId(AiBotCmd.EventCallback), body));
        await CloseAsync(previous, "taken over by a new connection", graceful: true);
    }

    public async Task OnClientGoneAsync(AiBotConnection connection, string reason) =>
        await CloseAsync(connection, reason, graceful: connection.Socket.State == WebSocketState.CloseReceived);

    public async Task CloseAsync(AiBotConnection connection, string reason, bool graceful)
    {
        lock (_gate)
        {
            if (connection.State == AiBotConnectionState.Closed)
            {
                return;
            }

            connection.State = AiBotConnectionState.Closed;
            connection.CloseReason = reason;
            connection.ClosedAt = _time.GetUtcNow();
            _live.Remove(connection.Id);
            if (connection.BotId is { } botId && _byBot.TryGetValue(botId, out var current) && current == connection)
            {
                _byBot.Remove(botId);
            }

            _closed.AddLast(connection);
            if (_closed.Count > ClosedKept)
            {
                _closed.RemoveFirst();
            }
        }

        LogClosed(_logger, connection.Id, connection.BotId ?? "?", reason);
        if (graceful)
        {
            await connection.CloseAsync(reason);
        }
        else
        {
            connection.Abort();
        }
    }

    // ---- pushes ---------------------------------------------------------------------------------

    /// <summary>Pushes <c>aibot_msg_callback</c> to the bot's connection (registering the req_id for replies).</summary>
    public async Task<AiBotPush> PushMessageAsync(string botId, JsonObject body, AiBotPending pending)
    {
        var reqId = NewReqId(AiBotCmd.MsgCallback);
        Replies.Register(reqId, pending);
        return await PushAsync(botId, AiBotCmd.MsgCallback, reqId, body);
    }

    /// <summary>Pushes <c>aibot_event_callback</c>; <paramref name="pending"/> (enter_chat, template_card_event) admits a reply.</summary>
    public async Task<AiBotPush> PushEventAsync(string botId, JsonObject body, AiBotPending? pending)
    {
        var reqId = NewReqId(AiBotCmd.EventCallback);
        if (pending is not null)
        {
            Replies.Register(reqId, pending);
        }

        return await PushAsync(botId, AiBotCmd.EventCallback, reqId, body);
    }

    private async Task<AiBotPush> PushAsync(string botId, string cmd, string reqId, JsonObject body)
    {
        AiBotConnection? target;
        lock (_gate)
        {
            _byBot.TryGetValue(botId, out target);
        }

        if (target is null)
        {
            return new AiBotPush(reqId, "no-connection", null);
        }

        if (target.State == AiBotConnectionState.HalfOpen)
        {
            return new AiBotPush(reqId, "lost", target.Id);
        }

        if (await target.SendAsync(AiBotFrames.Push(cmd, reqId, body)))
        {
            return new AiBotPush(reqId, "connection", target.Id);
        }

        // Not written: a connection whose client has sent its close frame is no longer the bot's (the push found none);
        // a write that failed went into a dead socket.
        return target.Socket.State is WebSocketState.CloseReceived or WebSocketState.Closed
            ? new AiBotPush(reqId, "no-connection", null)
            : new AiBotPush(reqId, "lost", target.Id);
    }

    /// <summary>The common event body: <c>{msgid, create_time, aibotid, chatid?, chattype?, from?, msgtype:"event", event{eventtype, …}}</c>.</summary>
    public JsonObject EventBody(string botId, string eventType, string? chatType, string? chatId, string? userId, JsonObject? detail)
    {
        var evt = new JsonObject { ["eventtype"] = eventType };
        if (detail is not null)
        {
            evt[eventType] = detail;
        }

        var body = new JsonObject { ["msgid"] = AiBotFrames.NewId(), ["create_time"] = _time.GetUtcNow().ToUnixTimeSeconds(), ["aibotid"] = botId };
        if (chatId is not null)
        {
            body["chatid"] = chatId;
        }

        if (chatType is not null)
        {
            body["chattype"] = chatType;
        }

        if (userId is not null)
        {
            body["from"] = new JsonObject { ["userid"] = userId };
        }

        body["msgtype"] = "event";
        body["event"] = evt;
        return body;
    }

    // ---- faults ---------------------------------------------------------------------------------

    /// <summary>Aborts the bot's connection now (no close frame).</summary>
    public async Task<bool> DropAsync(string botId)
    {
        AiBotConnection? connection;
        lock (_gate)
        {
            _byBot.TryGetValue(botId, out connection);
        }

        if (connection is null)
        {
            return false;
        }

        await CloseAsync(connection, "dropped (fault)", graceful: false);
        return true;
    }

    /// <summary>The server stops answering and pushing but keeps the TCP open; the bot stays "connected" to it.</summary>
    public bool MakeHalfOpen(string botId) => Change(botId, c => c.State = AiBotConnectionState.HalfOpen);

    /// <summary>Pings on the bot's connection go unanswered from now on; everything else still works.</summary>
    public bool StopAnsweringPings(string botId) => Change(botId, c => c.AnswersPings = false);

    public void RefuseSubscribes(TimeSpan duration)
    {
        lock (_gate)
        {
            _refuseSubscribesUntil = _time.GetUtcNow() + duration;
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _refuseSubscribesUntil = null;
            foreach (var connection in _live.Values)
            {
                connection.AnswersPings = true;
                if (connection.State == AiBotConnectionState.HalfOpen)
                {
                    connection.State = AiBotConnectionState.Open;
                }
            }
        }
    }

    public DateTimeOffset? SubscribesRefusedUntil()
    {
        lock (_gate)
        {
            return _refuseSubscribesUntil > _time.GetUtcNow() ? _refuseSubscribesUntil : null;
        }
    }

    private bool Change(string botId, Action<AiBotConnection> change)
    {
        lock (_gate)
        {
            if (!_byBot.TryGetValue(botId, out var connection) || connection.State != AiBotConnectionState.Open)
            {
                return false;
            }

            change(connection);
            return true;
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        List<AiBotConnection> connections;
        lock (_gate)
        {
            connections = [.. _live.Values];
        }

        foreach (var connection in connections)
        {
            connection.Abort();
        }
    }

    /// <summary>req_ids as the official SDK shapes its own: <c>&lt;cmd&gt;_&lt;ms&gt;_&lt;8 hex&gt;</c>.</summary>
    private string NewReqId(string cmd) => $"{cmd}_{_time.GetUtcNow().ToUnixTimeMilliseconds()}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    private static bool FixedEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));

    [LoggerMessage(EventId = LogEvents.WeComAiBotSubscribed, Level = LogLevel.Information, Message = "WeCom AI bot connection {ConnectionId} subscribed for bot {BotId}")]
    private static partial void LogSubscribed(ILogger logger, string connectionId, string botId);

    [LoggerMessage(EventId = LogEvents.WeComAiBotSubscribeRefused, Level = LogLevel.Information, Message = "WeCom AI bot connection {ConnectionId} refused for bot {BotId}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string connectionId, string botId, string reason);

    [LoggerMessage(EventId = LogEvents.WeComAiBotTakenOver, Level = LogLevel.Information, Message = "WeCom AI bot connection {ConnectionId} of bot {BotId} taken over by a new subscribe")]
    private static partial void LogTakenOver(ILogger logger, string connectionId, string botId);

    [LoggerMessage(EventId = LogEvents.WeComAiBotClosed, Level = LogLevel.Information, Message = "WeCom AI bot connection {ConnectionId} of bot {BotId} closed: {Reason}")]
    private static partial void LogClosed(ILogger logger, string connectionId, string botId, string reason);

    [LoggerMessage(EventId = LogEvents.WeComAiBotBadFrame, Level = LogLevel.Debug, Message = "WeCom AI bot connection {ConnectionId} sent a frame the emulator cannot read: {Problem}")]
    private static partial void LogBadFrame(ILogger logger, string connectionId, string problem);
}
