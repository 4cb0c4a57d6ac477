using System.Security.Cryptography;
using System.Text.Json;
using Larkway.Emulator.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.DingTalk.Stream;

/// <summary>What a push did: the frame's messageId and the connection it went to (null when none took it).</summary>
public sealed record DingTalkStreamPush(string MessageId, string? ConnectionId);

/// <summary>A connection as the control endpoint lists it.</summary>
public sealed record DingTalkStreamConnectionView(
    string Id,
    string AppKey,
    IReadOnlyList<DingTalkStreamSubscription> Subscriptions,
    string? Ua,
    string? LocalIp,
    long OpenedAtMs,
    string State,
    long FramesOut,
    long AcksIn,
    int MissedPings,
    long? ClosedAtMs,
    string? CloseReason);

/// <summary>
/// The server side of DingTalk Stream mode: the open connections (the delivery pool), server pings and the
/// missed-ping close, <c>disconnect</c>, redelivery of EVENTs and robot messages, CALLBACK pushes, faults and the
/// delivery log. Each push goes to one connection chosen at random among the app's open (or half-open, which the
/// server cannot tell apart) connections subscribed to it; a repeat prefers another one than the push before it.
/// One lock guards the bookkeeping; socket writes happen outside it.
/// </summary>
internal sealed partial class DingTalkStreamHub : IDisposable
{
    private const int ClosedKept = 200;
    private const int SentKept = 20_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, StreamConnection> _live = new(StringComparer.Ordinal);
    private readonly LinkedList<StreamConnection> _closed = new();
    private readonly Dictionary<string, PendingPush> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SentFrame> _sent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource<StreamAck>> _answers = new(StringComparer.Ordinal);
    private readonly Queue<string> _sentOrder = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly DingTalkStreamOptions _options;
    private readonly IDingTalkStreamApps _apps;
    private readonly TimeProvider _time;
    private readonly ILogger<DingTalkStreamHub> _logger;

    public DingTalkStreamHub(DingTalkStreamOptions options, IDingTalkStreamApps apps, TimeProvider time, StreamTickets tickets, StreamFaults faults, DingTalkStreamDeliveryLog log, ILogger<DingTalkStreamHub> logger)
    {
        _options = options;
        _apps = apps;
        _time = time;
        Tickets = tickets;
        Faults = faults;
        Log = log;
        _logger = logger;
    }

    public DingTalkStreamOptions Options => _options;

    /// <summary>The corp an app's frames name (<c>eventCorpId</c>): the org's for the org's apps, else the Stream options' own.</summary>
    public string CorpIdOf(string appKey) => _apps.CorpIdOf(appKey) ?? _options.CorpId;

    public StreamTickets Tickets { get; }

    public StreamFaults Faults { get; }

    public DingTalkStreamDeliveryLog Log { get; }

    public CancellationToken Stopping => _stopping.Token;

    // ---- connections ----------------------------------------------------------------------------

    public StreamConnection Attach(StreamTicket ticket, System.Net.WebSockets.WebSocket socket)
    {
        var connection = new StreamConnection(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), ticket, socket, _time.GetUtcNow());
        lock (_gate)
        {
            _live[connection.Id] = connection;
            connection.PingTimer = _time.CreateTimer(static s => ((PingTick)s!).Fire(), new PingTick(this, connection), _options.PingInterval, _options.PingInterval);
            if (_options.DisconnectEvery is { } every)
            {
                connection.DisconnectTimer = _time.CreateTimer(static s => ((ScheduledDisconnect)s!).Fire(), new ScheduledDisconnect(this, connection), every, Timeout.InfiniteTimeSpan);
            }
        }

        LogOpened(_logger, connection.Id, connection.AppKey);
        return connection;
    }

    /// <summary>A message from the client: acks of pings, events and callbacks. A half-open connection reads nothing.</summary>
    public void OnClientMessage(StreamConnection connection, string json)
    {
        var ack = StreamFrames.ReadAck(json);
        if (ack is null)
        {
            return;
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        string type;
        string topic;
        var attempt = 1;
        var outcome = "ack";
        TaskCompletionSource<StreamAck>? answer = null;
        lock (_gate)
        {
            if (connection.State is DingTalkStreamConnectionState.HalfOpen or DingTalkStreamConnectionState.Closed)
            {
                return;
            }

            connection.CountAck();
            var ping = connection.RecentPings.FindIndex(p => p.MessageId == ack.MessageId);
            if (ping >= 0)
            {
                // A ping counts as answered only when its opaque comes back; a late answer to an earlier ping still
                // shows the client is alive, though the ping now outstanding stays outstanding.
                (type, topic) = (StreamFrameTypes.System, StreamTopics.Ping);
                if (StreamFrames.StringIn(ack.Data, "opaque") == connection.RecentPings[ping].Opaque)
                {
                    connection.MissedPings = 0;
                    if (connection.PendingPing?.MessageId == ack.MessageId)
                    {
                        connection.PendingPing = null;
                    }
                    else
                    {
                        outcome = "late-ack";
                    }
                }
                else
                {
                    outcome = "bad-opaque";
                }
            }
            else if (ack.MessageId is not null && _sent.TryGetValue(ack.MessageId, out var sent))
            {
                (type, topic) = (sent.Type, sent.Topic);
                _answers.Remove(ack.MessageId, out answer);
                if (_pending.TryGetValue(ack.MessageId, out var pending))
                {
                    attempt = pending.Attempt;
                    if (StreamFrames.Accepted(ack))
                    {
                        pending.Settle();
                        _pending.Remove(ack.MessageId);
                    }
                    else
                    {
                        // Not taken: the redelivery clock of the last push keeps running.
                        outcome = "nack";
                    }
                }
            }
            else
            {
                (type, topic, outcome) = ("?", "?", "unmatched");
            }
        }

        Log.Add(now, "in", connection.Id, connection.AppKey, type, topic, ack.MessageId ?? string.Empty, attempt, outcome, ack.Code, ack.Message, ack.Data);
        answer?.TrySetResult(ack);
    }

    /// <summary>
    /// The client went away or its socket failed: the connection is closed and leaves the pool. A half-open connection's
    /// pushes never reach the client, but what the client sends still reaches the server, so its close is seen too.
    /// </summary>
    public async Task OnClientGoneAsync(StreamConnection connection, string reason)
    {

        await CloseAsync(connection, reason, graceful: connection.Socket.State == System.Net.WebSockets.WebSocketState.CloseReceived);
    }

    /// <summary>Takes the connection out of the pool and closes it (a close frame first when <paramref name="graceful"/>).</summary>
    public async Task CloseAsync(StreamConnection connection, string reason, bool graceful)
    {
        lock (_gate)
        {
            if (connection.State == DingTalkStreamConnectionState.Closed)
            {
                return;
            }

            connection.State = DingTalkStreamConnectionState.Closed;
            connection.CloseReason = reason;
            connection.ClosedAt = _time.GetUtcNow();
            connection.DisposeTimers();
            _live.Remove(connection.Id);
            _closed.AddLast(connection);
            if (_closed.Count > ClosedKept)
            {
                _closed.RemoveFirst();
            }
        }

        LogClosed(_logger, connection.Id, connection.AppKey, reason);
        if (graceful)
        {
            await connection.CloseGracefullyAsync();
        }
        else
        {
            connection.Abort();
        }

        connection.MarkClosed();
    }

    public IReadOnlyList<DingTalkStreamConnectionView> Connections()
    {
        lock (_gate)
        {
            return [.. _live.Values.OrderBy(c => c.OpenedAt).Concat(_closed).Select(View)];
        }
    }

    public DingTalkStreamConnectionView? Connection(string id) => Connections().FirstOrDefault(c => c.Id == id);

    // ---- pushes ---------------------------------------------------------------------------------

    /// <summary>Pushes an EVENT; it is pushed again (same messageId) until an ack takes it or it is out of pushes.</summary>
    public async Task<DingTalkStreamPush> PushEventAsync(string appKey, string eventType, string dataJson)
    {
        var bornMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var headers = StreamFrames.EventHeaders(StreamFrames.NewMessageId(), eventType, bornMs, CorpIdOf(appKey), _options.UnifiedAppId);
        return await PushUntilAckedAsync(new PendingPush(StreamFrames.NewMessageId(), appKey, StreamFrameTypes.Event, eventType, dataJson, headers));
    }

    /// <summary>
    /// Pushes a CALLBACK. A robot message is pushed again (same messageId) until an ack takes it or it is out of
    /// pushes, as DingTalk does; any other callback (a card callback, whose answer is its ack) is pushed once.
    /// </summary>
    public async Task<DingTalkStreamPush> PushCallbackAsync(string appKey, string topic, string dataJson) =>
        topic == StreamTopics.RobotMessage
            ? await PushUntilAckedAsync(new PendingPush(StreamFrames.NewMessageId(), appKey, StreamFrameTypes.Callback, topic, dataJson, headers: []))
            : await PushCallbackAsync(appKey, topic, dataJson, answer: null);

    /// <summary>
    /// Pushes a CALLBACK and waits for its ack — a card callback's answer is the ack's data — up to
    /// <paramref name="timeout"/> on the emulator's clock. The ack is null when no connection took the push or none came in time.
    /// </summary>
    public async Task<(DingTalkStreamPush Push, StreamAck? Ack)> PushCallbackForAnswerAsync(string appKey, string topic, string dataJson, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<StreamAck>(TaskCreationOptions.RunContinuationsAsynchronously);
        var push = await PushCallbackAsync(appKey, topic, dataJson, answer);
        try
        {
            return push.ConnectionId is null ? (push, null) : (push, await answer.Task.WaitAsync(timeout, _time, cancellationToken));
        }
        catch (TimeoutException)
        {
            return (push, null);
        }
        finally
        {
            lock (_gate)
            {
                _answers.Remove(push.MessageId);
            }
        }
    }

    private async Task<DingTalkStreamPush> PushCallbackAsync(string appKey, string topic, string dataJson, TaskCompletionSource<StreamAck>? answer)
    {
        var messageId = StreamFrames.NewMessageId();
        StreamConnection? target;
        lock (_gate)
        {
            Remember(messageId, new SentFrame(StreamFrameTypes.Callback, topic));
            target = Choose(appKey, StreamFrameTypes.Callback, topic);
            if (target is not null && answer is not null)
            {
                _answers[messageId] = answer;
            }
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (target is null)
        {
            Log.Add(now, "out", null, appKey, StreamFrameTypes.Callback, topic, messageId, 1, "no-connection", data: dataJson);
            return new DingTalkStreamPush(messageId, null);
        }

        var frame = StreamFrames.Write(StreamFrameTypes.Callback, topic, messageId, appKey, target.Id, now, dataJson);
        await PushAsync(target, StreamFrameTypes.Callback, topic, messageId, 1, frame, dataJson);
        return new DingTalkStreamPush(messageId, target.Id);
    }

    /// <summary>Sends <c>disconnect</c>: from now on the connection gets nothing new; it is closed after the grace.</summary>
    public async Task<bool> DisconnectAsync(string connectionId)
    {
        StreamConnection? connection;
        lock (_gate)
        {
            if (!_live.TryGetValue(connectionId, out connection) || connection.State != DingTalkStreamConnectionState.Open)
            {
                return false;
            }

            connection.State = DingTalkStreamConnectionState.Disconnecting;
            connection.PingTimer?.Dispose();
            connection.PingTimer = null;
            connection.DisconnectTimer?.Dispose();
            connection.DisconnectTimer = null;
            connection.CloseTimer = _time.CreateTimer(static s => ((GraceOver)s!).Fire(), new GraceOver(this, connection), _options.DisconnectGrace, Timeout.InfiniteTimeSpan);
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var messageId = StreamFrames.NewMessageId();
        var frame = StreamFrames.Write(StreamFrameTypes.System, StreamTopics.Disconnect, messageId, connection.AppKey, connection.Id, now, "{}");
        await PushAsync(connection, StreamFrameTypes.System, StreamTopics.Disconnect, messageId, 1, frame, "{}");
        return true;
    }

    // ---- faults ---------------------------------------------------------------------------------

    /// <summary>Aborts the connection's TCP now (no close frame); it leaves the pool.</summary>
    public async Task<bool> DropAsync(string connectionId)
    {
        StreamConnection? connection;
        lock (_gate)
        {
            _live.TryGetValue(connectionId, out connection);
        }

        if (connection is null)
        {
            return false;
        }

        await CloseAsync(connection, "dropped (fault)", graceful: false);
        return true;
    }

    /// <summary>
    /// The server stops reading and writing the connection but keeps it in the pool: frames to it are lost until the
    /// missed-ping rule closes it, as a real server that cannot see the connection is dead.
    /// </summary>
    public bool MakeHalfOpen(string connectionId)
    {
        lock (_gate)
        {
            if (!_live.TryGetValue(connectionId, out var connection) || connection.State != DingTalkStreamConnectionState.Open)
            {
                return false;
            }

            connection.State = DingTalkStreamConnectionState.HalfOpen;
            return true;
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        List<StreamConnection> connections;
        lock (_gate)
        {
            connections = [.. _live.Values];
            foreach (var pending in _pending.Values)
            {
                pending.Settle();
            }

            _pending.Clear();
        }

        foreach (var connection in connections)
        {
            connection.DisposeTimers();
            connection.Abort();
            connection.MarkClosed();
        }

        // _stopping is not disposed: a timer callback already running may still read its token, and it holds no wait handle.
    }

    // ---- internals ------------------------------------------------------------------------------

    private async Task<DingTalkStreamPush> PushUntilAckedAsync(PendingPush pending)
    {
        lock (_gate)
        {
            _pending[pending.MessageId] = pending;
            Remember(pending.MessageId, new SentFrame(pending.Type, pending.Topic));
        }

        return new DingTalkStreamPush(pending.MessageId, await DispatchAsync(pending));
    }

    private async Task<string?> DispatchAsync(PendingPush pending)
    {
        StreamConnection? target;
        int attempt;
        lock (_gate)
        {
            if (pending.Settled || _stopping.IsCancellationRequested)
            {
                return null;
            }

            attempt = ++pending.Attempt;
            target = Choose(pending.AppKey, pending.Type, pending.Topic, avoid: pending.LastConnectionId);
            pending.LastConnectionId = target?.Id;

            // The redelivery clock runs whether or not a connection took it: no connection is the same as no ack.
            pending.Timer?.Dispose();
            pending.Timer = null;
            var delays = _options.RedeliveryDelays;
            if (delays.Count == 0)
            {
                pending.Settle();
                _pending.Remove(pending.MessageId);
            }
            else
            {
                var wait = delays[Math.Min(attempt, delays.Count) - 1];
                pending.Timer = _time.CreateTimer(static s => ((RedeliveryDue)s!).Fire(), new RedeliveryDue(this, pending, attempt), wait, Timeout.InfiniteTimeSpan);
            }
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (target is null)
        {
            Log.Add(now, "out", null, pending.AppKey, pending.Type, pending.Topic, pending.MessageId, attempt, "no-connection", data: pending.Data);
            return null;
        }

        var frame = StreamFrames.Write(pending.Type, pending.Topic, pending.MessageId, pending.AppKey, target.Id, now, pending.Data, pending.Headers);
        await PushAsync(target, pending.Type, pending.Topic, pending.MessageId, attempt, frame, pending.Data);
        return target.Id;
    }

    private void OnRedeliveryDue(PendingPush pending, int attempt)
    {
        bool giveUp;
        lock (_gate)
        {
            if (pending.Settled || pending.Attempt != attempt)
            {
                return;
            }

            giveUp = attempt > _options.RedeliveryDelays.Count;
            if (giveUp)
            {
                pending.Settle();
                _pending.Remove(pending.MessageId);
            }
        }

        if (giveUp)
        {
            Log.Add(_time.GetUtcNow().ToUnixTimeMilliseconds(), "out", null, pending.AppKey, pending.Type, pending.Topic, pending.MessageId, attempt, "gave-up");
            LogGaveUp(_logger, pending.Type, pending.MessageId, pending.Topic, attempt);
            return;
        }

        _ = DispatchAsync(pending);
    }

    private void OnPingTick(StreamConnection connection)
    {
        string? frame = null;
        string messageId = string.Empty;
        string data = string.Empty;
        bool close;
        bool halfOpen;
        lock (_gate)
        {
            if (connection.State is DingTalkStreamConnectionState.Closed or DingTalkStreamConnectionState.Disconnecting)
            {
                return;
            }

            if (connection.PendingPing is not null)
            {
                connection.MissedPings++;
            }

            halfOpen = connection.State == DingTalkStreamConnectionState.HalfOpen;
            close = connection.MissedPings >= _options.MissedPingsBeforeClose;
            if (!close)
            {
                messageId = StreamFrames.NewMessageId();
                var opaque = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
                data = JsonSerializer.Serialize(new Dictionary<string, string> { ["opaque"] = opaque });
                connection.PendingPing = (messageId, opaque);
                connection.RecentPings.Add((messageId, opaque));
                if (connection.RecentPings.Count > _options.MissedPingsBeforeClose + 1)
                {
                    connection.RecentPings.RemoveAt(0);
                }
                frame = StreamFrames.Write(StreamFrameTypes.System, StreamTopics.Ping, messageId, connection.AppKey, connection.Id, _time.GetUtcNow().ToUnixTimeMilliseconds(), data);
            }
        }

        if (close)
        {
            // A live peer that stopped answering gets a close frame; a half-open one gets nothing the server could write.
            _ = CloseAsync(connection, $"missed {connection.MissedPings} consecutive pings", graceful: !halfOpen);
            return;
        }

        _ = PushAsync(connection, StreamFrameTypes.System, StreamTopics.Ping, messageId, 1, frame!, data);
    }

    /// <summary>Writes a frame and logs it <c>sent</c>, or <c>lost</c> when the connection is half-open or its socket is gone.</summary>
    private async Task PushAsync(StreamConnection connection, string type, string topic, string messageId, int attempt, string frame, string data)
    {
        bool halfOpen;
        lock (_gate)
        {
            halfOpen = connection.State == DingTalkStreamConnectionState.HalfOpen;
        }

        var sent = !halfOpen && await connection.SendAsync(frame, _stopping.Token);
        Log.Add(_time.GetUtcNow().ToUnixTimeMilliseconds(), "out", connection.Id, connection.AppKey, type, topic, messageId, attempt, sent ? "sent" : "lost", data: data);
        if (!sent && !halfOpen)
        {
            await CloseAsync(connection, "the socket failed on write", graceful: false);
        }
    }

    /// <summary>One of the app's connections for the frame, at random; another than <paramref name="avoid"/> when there is one.</summary>
    private StreamConnection? Choose(string appKey, string type, string topic, string? avoid = null)
    {
        var candidates = _live.Values
            .Where(c => c.AppKey == appKey && (c.State is DingTalkStreamConnectionState.Open or DingTalkStreamConnectionState.HalfOpen) && c.Subscribes(type, topic))
            .ToList();
        if (candidates.Count > 1 && avoid is not null)
        {
            candidates.RemoveAll(c => c.Id == avoid);
        }

        return candidates.Count == 0 ? null : candidates[Random.Shared.Next(candidates.Count)];
    }

    private void Remember(string messageId, SentFrame frame)
    {
        _sent[messageId] = frame;
        _sentOrder.Enqueue(messageId);
        while (_sentOrder.Count > SentKept)
        {
            _sent.Remove(_sentOrder.Dequeue());
        }
    }

    private static DingTalkStreamConnectionView View(StreamConnection c) => new(
        c.Id,
        c.AppKey,
        c.Subscriptions,
        c.Ua,
        c.LocalIp,
        c.OpenedAt.ToUnixTimeMilliseconds(),
        c.State switch
        {
            DingTalkStreamConnectionState.Open => "open",
            DingTalkStreamConnectionState.Disconnecting => "disconnecting",
            DingTalkStreamConnectionState.HalfOpen => "half-open",
            _ => "closed",
        },
        c.FramesOut,
        c.AcksIn,
        c.MissedPings,
        c.ClosedAt?.ToUnixTimeMilliseconds(),
        c.CloseReason);

    [LoggerMessage(EventId = LogEvents.DingTalkStreamOpened, Level = LogLevel.Information, Message = "DingTalk Stream connection {ConnectionId} of app {AppKey} opened")]
    private static partial void LogOpened(ILogger logger, string connectionId, string appKey);

    [LoggerMessage(EventId = LogEvents.DingTalkStreamClosed, Level = LogLevel.Information, Message = "DingTalk Stream connection {ConnectionId} of app {AppKey} closed: {Reason}")]
    private static partial void LogClosed(ILogger logger, string connectionId, string appKey, string reason);

    [LoggerMessage(EventId = LogEvents.DingTalkStreamGaveUp, Level = LogLevel.Warning, Message = "DingTalk Stream {Type} {MessageId} ({Topic}) not acked after {Pushes} pushes")]
    private static partial void LogGaveUp(ILogger logger, string type, string messageId, string topic, int pushes);

    private sealed record SentFrame(string Type, string Topic);

    /// <summary>
    /// An EVENT or robot message between its first push and an ack that takes it (or giving up); every push carries the
    /// same messageId, headers and data.
    /// </summary>
    private sealed class PendingPush(string messageId, string appKey, string type, string topic, string data, KeyValuePair<string, string>[] headers)
    {
        public string MessageId { get; } = messageId;

        public string AppKey { get; } = appKey;

        public string Type { get; } = type;

        public string Topic { get; } = topic;

        public string Data { get; } = data;

        /// <summary>What the frame carries after the common headers (an EVENT's eventId, eventType…).</summary>
        public KeyValuePair<string, string>[] Headers { get; } = headers;

        public int Attempt { get; set; }

        /// <summary>Where the last push went, so a repeat can go elsewhere.</summary>
        public string? LastConnectionId { get; set; }

        public bool Settled { get; private set; }

        public ITimer? Timer { get; set; }

        public void Settle()
        {
            Settled = true;
            Timer?.Dispose();
            Timer = null;
        }
    }

    private sealed class PingTick(DingTalkStreamHub hub, StreamConnection connection)
    {
        public void Fire() => hub.OnPingTick(connection);
    }

    private sealed class ScheduledDisconnect(DingTalkStreamHub hub, StreamConnection connection)
    {
        public void Fire() => _ = hub.DisconnectAsync(connection.Id);
    }

    private sealed class GraceOver(DingTalkStreamHub hub, StreamConnection connection)
    {
        public void Fire() => _ = hub.CloseAsync(connection, "disconnect grace over", graceful: true);
    }

    private sealed class RedeliveryDue(DingTalkStreamHub hub, PendingPush pending, int attempt)
    {
        public void Fire() => hub.OnRedeliveryDue(pending, attempt);
    }
}
