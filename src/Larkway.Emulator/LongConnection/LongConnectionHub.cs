using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Events;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.LongConnection.Wire;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.LongConnection;

/// <summary>A refused WebSocket handshake: answered non-101 with the <c>Handshake-*</c> headers.</summary>
internal sealed record HandshakeRejection(int Status, string Message, long AuthErrCode);

/// <summary>A fault armed for the next handshakes of an app.</summary>
public sealed record HandshakeFault(string AppId, int Status, long AuthErrCode, string Message, int Remaining);

/// <summary>
/// The long-connection side of event delivery. Tickets from <c>/callback/ws/endpoint</c> admit
/// WebSockets; the live connections of an app share its event stream (each event goes to one of them,
/// round robin); every event is tracked until an ack with the same <c>message_id</c> and code 200,
/// and sent again (to any live connection) after <see cref="LongConnectionOptions.AckTimeout"/>, a
/// non-200 ack or the loss of its connection. Events raised while no connection is live wait for one.
/// One lock guards it all: the work under it is bookkeeping; sends happen outside.
/// </summary>
internal sealed partial class LongConnectionHub : IDisposable
{
    /// <summary>Connection limit exceeded (fatal for the SDKs).</summary>
    public const long ExceedConnLimit = 1000040350;

    /// <summary>The endpoint's credential errors (Python SDK NO_CREDENTIAL; the live answer to a wrong secret).</summary>
    public const int NoCredential = 1000040344;

    public const int InvalidCredential = 1000040345;

    /// <summary>System busy: retryable for the SDKs.</summary>
    public const int SystemBusy = 1;

    public const int AuthFailedStatus = 514;
    public const int ForbiddenStatus = 403;
    public const int ServiceUnavailableStatus = 503;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, AppLine> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Ticket> _tickets = new(StringComparer.Ordinal);
    private readonly List<HandshakeFault> _handshakeFaults = [];
    private readonly HashSet<string> _silentPings = new(StringComparer.Ordinal);
    private DateTimeOffset? _endpointDownUntil;
    private DateTimeOffset? _refuseTicketsUntil;
    private readonly CancellationTokenSource _stopping = new();
    private readonly EmulatorState _state;
    private readonly DeliveryLog _log;
    private readonly LongConnectionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LongConnectionHub> _logger;

    public LongConnectionHub(EmulatorState state, DeliveryLog log, EmulatorOptions options, TimeProvider time, ILogger<LongConnectionHub> logger)
    {
        _state = state;
        _log = log;
        _options = options.LongConnection;
        _time = time;
        _logger = logger;
    }

    public LongConnectionOptions Options => _options;

    // ---- discovery and handshake ----------------------------------------------------------------

    /// <summary>A single-use ticket for one connection of <paramref name="appId"/>, with the ids that go in the URL.</summary>
    public (string DeviceId, int ServiceId, string Ticket) IssueTicket(string appId)
    {
        var deviceId = RandomNumberGenerator.GetInt32(1, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture)
            + RandomNumberGenerator.GetInt32(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var serviceId = RandomNumberGenerator.GetInt32(1, int.MaxValue);
        var ticket = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            foreach (var expired in _tickets.Where(t => t.Value.ExpiresAt <= now).Select(t => t.Key).ToList())
            {
                _tickets.Remove(expired);
            }

            _tickets[ticket] = new Ticket(appId, deviceId, serviceId, now + _options.TicketLifetime);
        }

        return (deviceId, serviceId, ticket);
    }

    /// <summary>
    /// Decides a handshake: armed faults first, then the ticket (consumed here, whatever follows), then
    /// the per-app limit. On success a slot is reserved; <see cref="Attach"/> or <see cref="Release"/> settles it.
    /// </summary>
    public (Ticket? Admitted, HandshakeRejection? Rejection) Admit(string? ticketValue)
    {
        lock (_gate)
        {
            var ticket = ticketValue is { Length: > 0 } && _tickets.Remove(ticketValue, out var found) && found.ExpiresAt > _time.GetUtcNow() ? found : null;
            if (_endpointDownUntil > _time.GetUtcNow())
            {
                // Neither 514 with the limit code nor 403: the SDKs retry.
                return Refuse(ticket?.AppId, new HandshakeRejection(ServiceUnavailableStatus, "service unavailable", 0));
            }

            var faultIndex = ticket is null ? -1 : _handshakeFaults.FindIndex(f => f.AppId == ticket.AppId);
            if (ticket is not null && faultIndex >= 0)
            {
                var fault = _handshakeFaults[faultIndex];
                if (fault.Remaining <= 1)
                {
                    _handshakeFaults.RemoveAt(faultIndex);
                }
                else
                {
                    _handshakeFaults[faultIndex] = fault with { Remaining = fault.Remaining - 1 };
                }

                return Refuse(ticket.AppId, new HandshakeRejection(fault.Status, fault.Message, fault.AuthErrCode));
            }

            if (ticket is null)
            {
                // Not the connection limit, so the SDKs treat it as retryable: they fetch a new ticket.
                return Refuse(null, new HandshakeRejection(AuthFailedStatus, "invalid or expired ticket", 0));
            }

            var line = Line(ticket.AppId);
            if (line.Live.Count + line.Reserved >= _options.MaxConnectionsPerApp)
            {
                return Refuse(ticket.AppId, new HandshakeRejection(AuthFailedStatus, "exceed connection limit", ExceedConnLimit));
            }

            line.Reserved++;
            return (ticket, null);
        }
    }

    /// <summary>Gives back a slot reserved by <see cref="Admit"/> when the upgrade did not happen.</summary>
    public void Release(string appId)
    {
        lock (_gate)
        {
            Line(appId).Reserved--;
        }
    }

    /// <summary>A connection is live: it joins the app's rotation and gets the events that were waiting.</summary>
    public void Attach(LongConnectionSession session)
    {
        List<PendingDelivery> waiting;
        lock (_gate)
        {
            var line = Line(session.AppId);
            line.Reserved--;
            line.Live.Add(session);
            waiting = [.. line.Waiting];
            line.Waiting.Clear();
        }

        LogConnected(_logger, session.AppId, session.DeviceId);
        foreach (var pending in waiting)
        {
            Dispatch(pending);
        }
    }

    /// <summary>A connection is gone: what it had not acked goes to another connection (or waits).</summary>
    public void Detach(LongConnectionSession session)
    {
        List<PendingDelivery> orphaned;
        lock (_gate)
        {
            var line = Line(session.AppId);
            if (!line.Live.Remove(session))
            {
                return;
            }

            orphaned = [.. line.InFlight.Values.Where(p => p.Connection == session)];
            foreach (var pending in orphaned)
            {
                line.InFlight.Remove(pending.MessageId);
                pending.Settle();
            }
        }

        LogDisconnected(_logger, session.AppId, session.DeviceId);
        foreach (var pending in orphaned)
        {
            Failed(pending, session, null, "the connection closed before the ack");
        }
    }

    // ---- events and callbacks -------------------------------------------------------------------

    /// <summary>Queues one delivery of an event (the original or a redelivery) for the app's connections.</summary>
    public void Enqueue(OutgoingEvent outgoing, int delivery) =>
        Dispatch(new PendingDelivery(Frames.NewMessageId(), outgoing.AppId, outgoing.EventId, outgoing.EventType, delivery, Encoding.UTF8.GetBytes(outgoing.Body), null, _options.AckTimeout));

    /// <summary>
    /// Sends a callback (e.g. <c>card.action.trigger</c>, a v2 envelope) to one live connection of the app
    /// as a <c>type=event</c> frame and waits for its ack. Callbacks are not redelivered: like Feishu, a
    /// missing answer is the user's error. The result carries the ack's code and its base64-decoded data.
    /// </summary>
    public async Task<LongConnectionCallbackResult> SendCallbackAsync(string appId, string callbackJson, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(appId);
        ArgumentNullException.ThrowIfNull(callbackJson);
        var (eventId, eventType) = HeaderOf(callbackJson);
        var completion = new TaskCompletionSource<LongConnectionCallbackResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = new PendingDelivery(Frames.NewMessageId(), appId, eventId, eventType, 1, Encoding.UTF8.GetBytes(callbackJson), completion, timeout);
        Dispatch(pending);
        using var registration = ct.Register(() =>
        {
            if (TryTake(pending))
            {
                completion.TrySetCanceled(ct);
            }
        });
        return await completion.Task;
    }

    /// <summary>A frame from a client: pings are answered (unless a fault silences them), acks settle deliveries.</summary>
    public async Task OnFrameAsync(LongConnectionSession session, Frame frame, CancellationToken ct)
    {
        if (session.HalfOpen)
        {
            return; // neither pings nor acks get through
        }

        var type = Frames.HeaderOf(frame, Frames.TypeKey);
        if (frame.Method == Frames.ControlMethod)
        {
            if (type == "ping" && !PingsSilenced(session.AppId))
            {
                await session.SendAsync([Frames.Pong(frame.Service, _options)], ct);
            }

            return;
        }

        if (frame.Method != Frames.DataMethod || Frames.HeaderOf(frame, Frames.MessageIdKey) is not { } messageId)
        {
            return;
        }

        PendingDelivery? pending;
        lock (_gate)
        {
            var line = Line(session.AppId);
            if (line.InFlight.Remove(messageId, out pending))
            {
                pending.Settle();
            }
        }

        if (pending is null)
        {
            // A late ack of something already redelivered or given up: nothing to do.
            return;
        }

        var (code, data, error) = Frames.ReadAck(frame);
        if (code == 200)
        {
            Record(pending, session, 200, true, null);
            pending.Callback?.TrySetResult(new LongConnectionCallbackResult(LongConnectionCallbackStatus.Acked, 200, data, null));
            return;
        }

        if (pending.Callback is { } callback)
        {
            Record(pending, session, code, false, error ?? $"the client acked with code {code}");
            callback.TrySetResult(new LongConnectionCallbackResult(LongConnectionCallbackStatus.Acked, code, data, error));
            return;
        }

        Failed(pending, session, code, error ?? $"the client acked with code {code}");
    }

    // ---- faults and inspection ------------------------------------------------------------------

    /// <summary>Drops every live connection of the app now, without a close handshake; returns how many.</summary>
    public int DropAll(string appId)
    {
        List<LongConnectionSession> sessions;
        lock (_gate)
        {
            sessions = [.. Line(appId).Live];
        }

        foreach (var session in sessions)
        {
            session.Abort();
            Detach(session);
        }

        return sessions.Count;
    }

    /// <summary>Drops one live connection (by device_id) now, without a close handshake; false when there is none.</summary>
    public bool Drop(string appId, string deviceId)
    {
        if (Find(appId, deviceId) is not { } session)
        {
            return false;
        }

        session.Abort();
        Detach(session);
        return true;
    }

    /// <summary>Makes the app's live connections (or one, by device_id) half-open; returns how many.</summary>
    public int MakeHalfOpen(string appId, string? deviceId)
    {
        var sessions = Targets(appId, deviceId);
        foreach (var session in sessions)
        {
            session.HalfOpen = true;
        }

        return sessions.Count;
    }

    /// <summary>
    /// Closes the app's live connections (or one) from the server's side, as Feishu does when it moves a connection:
    /// they leave the rotation at once (their unacked events go to the others), then get a close frame. Returns how many.
    /// </summary>
    public async Task<int> CloseAsync(string appId, string? deviceId)
    {
        var sessions = Targets(appId, deviceId);
        foreach (var session in sessions)
        {
            Detach(session);
            await session.CloseAsync(_stopping.Token);
        }

        return sessions.Count;
    }

    /// <summary>For this long on the emulator's clock, discovery answers HTTP 503 and handshakes are refused with 503 (retryable).</summary>
    public void EndpointDown(TimeSpan duration)
    {
        lock (_gate)
        {
            _endpointDownUntil = _time.GetUtcNow() + duration;
        }
    }

    /// <summary>For this long, discovery answers code 1 (system busy, retryable) and issues no ticket.</summary>
    public void RefuseTickets(TimeSpan duration)
    {
        lock (_gate)
        {
            _refuseTicketsUntil = _time.GetUtcNow() + duration;
        }
    }

    /// <summary>The end of the endpoint outage in force, or null.</summary>
    public DateTimeOffset? EndpointDownUntil => Until(ref _endpointDownUntil);

    /// <summary>The end of the ticket refusal in force, or null.</summary>
    public DateTimeOffset? RefuseTicketsUntil => Until(ref _refuseTicketsUntil);

    public void AddHandshakeFault(HandshakeFault fault)
    {
        lock (_gate)
        {
            _handshakeFaults.Add(fault);
        }
    }

    public void SilencePings(string appId)
    {
        lock (_gate)
        {
            _silentPings.Add(appId);
        }
    }

    public (IReadOnlyList<HandshakeFault> Handshakes, IReadOnlyList<string> SilentPings) Faults()
    {
        lock (_gate)
        {
            return ([.. _handshakeFaults], [.. _silentPings]);
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _handshakeFaults.Clear();
            _silentPings.Clear();
            _endpointDownUntil = null;
            _refuseTicketsUntil = null;
        }
    }

    /// <summary>Per app: live connections (device_id, connected at), deliveries awaiting an ack, and events waiting for a connection.</summary>
    public IReadOnlyList<LongConnectionAppStatus> Status()
    {
        lock (_gate)
        {
            return [.. _apps.Select(a => new LongConnectionAppStatus(
                a.Key,
                [.. a.Value.Live.Select(s => new LongConnectionInfo(s.DeviceId, s.ConnectedAt.ToUnixTimeMilliseconds(), s.HalfOpen))],
                a.Value.InFlight.Count,
                a.Value.Waiting.Count))];
        }
    }

    public LongConnectionAppStatus StatusOf(string appId) =>
        Status().FirstOrDefault(s => s.AppId == appId) ?? new LongConnectionAppStatus(appId, [], 0, 0);

    public void Dispose()
    {
        _stopping.Cancel();
        List<LongConnectionSession> sessions;
        lock (_gate)
        {
            sessions = [.. _apps.Values.SelectMany(a => a.Live)];
            foreach (var pending in _apps.Values.SelectMany(a => a.InFlight.Values))
            {
                pending.Settle();
            }
        }

        foreach (var session in sessions)
        {
            session.Abort();
        }

        _stopping.Dispose();
    }

    // ---- internals ------------------------------------------------------------------------------

    private void Dispatch(PendingDelivery pending)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        if (pending.Callback is null
            && _state.EventSubscriptionOf(pending.AppId) is not { Mode: EventDeliveryMode.LongConnection })
        {
            Record(pending, null, null, false, "the app has no long-connection event subscription any more");
            return;
        }

        LongConnectionSession? target;
        lock (_gate)
        {
            var line = Line(pending.AppId);
            target = line.Live.Count == 0 ? null : line.Live[line.Cursor++ % line.Live.Count];
            if (target is null)
            {
                if (pending.Callback is null)
                {
                    line.Waiting.Add(pending);
                }
            }
            else
            {
                pending.Attempt++;
                pending.Connection = target;
                line.InFlight[pending.MessageId] = pending;
                pending.Timer = _time.CreateTimer(static s => ((AckDeadline)s!).Fire(), new AckDeadline(this, pending, pending.Attempt), pending.AckTimeout, Timeout.InfiniteTimeSpan);
            }
        }

        if (target is null)
        {
            pending.Callback?.TrySetResult(new LongConnectionCallbackResult(LongConnectionCallbackStatus.NoConnection, null, null, "the app has no live long connection"));
            return;
        }

        var frames = Frames.DataFrames(target.ServiceId, target.NextSeq, pending.MessageId, Frames.NewTraceId(), pending.Payload, _options.MaxFramePayloadBytes);
        if (_options.SendFragmentsOutOfOrder)
        {
            frames.Reverse();
        }

        // A half-open connection swallows the frames: the delivery waits for its ack deadline, as on a dead socket.
        if (target.HalfOpen)
        {
            return;
        }

        // A failed send aborts the socket; its receive loop then detaches it and the delivery moves on.
        _ = target.SendAsync(frames, _stopping.Token);
    }

    private void OnTimeout(PendingDelivery pending, int attempt)
    {
        LongConnectionSession? connection;
        lock (_gate)
        {
            if (pending.Attempt != attempt || !Line(pending.AppId).InFlight.Remove(pending.MessageId, out var current) || current != pending)
            {
                return;
            }

            connection = pending.Connection;
            pending.Settle();
        }

        var error = $"no ack within {pending.AckTimeout.TotalSeconds:0.###} s";
        if (pending.Callback is { } callback)
        {
            Record(pending, connection, null, false, error);
            callback.TrySetResult(new LongConnectionCallbackResult(LongConnectionCallbackStatus.TimedOut, null, null, error));
            return;
        }

        Failed(pending, connection, null, error);
    }

    /// <summary>Records a failed attempt; an event is sent again until it runs out of attempts, a callback ends.</summary>
    private void Failed(PendingDelivery pending, LongConnectionSession? connection, int? code, string error)
    {
        if (pending.Callback is { } callback)
        {
            Record(pending, connection, code, false, error);
            callback.TrySetResult(new LongConnectionCallbackResult(LongConnectionCallbackStatus.ConnectionClosed, code, null, error));
            return;
        }

        var retry = pending.Attempt < _options.MaxDeliveryAttempts && !_stopping.IsCancellationRequested;
        Record(pending, connection, code, false, error, retry ? _time.GetUtcNow().ToUnixTimeMilliseconds() : null);
        if (retry)
        {
            Dispatch(pending);
        }
        else
        {
            LogGaveUp(_logger, pending.EventId, pending.EventType, pending.Attempt);
        }
    }

    private bool TryTake(PendingDelivery pending)
    {
        lock (_gate)
        {
            var line = Line(pending.AppId);
            if (line.InFlight.TryGetValue(pending.MessageId, out var current) && current == pending)
            {
                line.InFlight.Remove(pending.MessageId);
                pending.Settle();
                return true;
            }

            return false;
        }
    }

    private DateTimeOffset? Until(ref DateTimeOffset? until)
    {
        lock (_gate)
        {
            return until > _time.GetUtcNow() ? until : null;
        }
    }

    private LongConnectionSession? Find(string appId, string deviceId)
    {
        lock (_gate)
        {
            return Line(appId).Live.FirstOrDefault(s => s.DeviceId == deviceId);
        }
    }

    private List<LongConnectionSession> Targets(string appId, string? deviceId)
    {
        lock (_gate)
        {
            return [.. Line(appId).Live.Where(s => deviceId is null || s.DeviceId == deviceId)];
        }
    }

    private bool PingsSilenced(string appId)
    {
        lock (_gate)
        {
            return _silentPings.Contains(appId);
        }
    }

    private void Record(PendingDelivery pending, LongConnectionSession? connection, int? code, bool success, string? error, long? nextRetryMs = null) =>
        _log.Add(new DeliveryAttempt(pending.EventId, pending.EventType, pending.AppId, pending.Delivery, Math.Max(1, pending.Attempt), _time.GetUtcNow().ToUnixTimeMilliseconds(), code, success, error, nextRetryMs, connection?.DeviceId));

    private (Ticket?, HandshakeRejection) Refuse(string? appId, HandshakeRejection rejection)
    {
        LogRefused(_logger, appId ?? "?", rejection.Status, rejection.AuthErrCode);
        return (null, rejection);
    }

    private AppLine Line(string appId)
    {
        if (!_apps.TryGetValue(appId, out var line))
        {
            line = new AppLine();
            _apps[appId] = line;
        }

        return line;
    }

    private static (string EventId, string EventType) HeaderOf(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("header", out var header) && header.ValueKind == JsonValueKind.Object)
            {
                return (
                    header.TryGetProperty("event_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : string.Empty,
                    header.TryGetProperty("event_type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString()! : "callback");
            }
        }
        catch (JsonException)
        {
            // sent as given; the log just has no id for it
        }

        return (string.Empty, "callback");
    }

    [LoggerMessage(EventId = LogEvents.LongConnectionHubConnected, Level = LogLevel.Information, Message = "Long connection {DeviceId} of app {AppId} opened")]
    private static partial void LogConnected(ILogger logger, string appId, string deviceId);

    [LoggerMessage(EventId = LogEvents.LongConnectionHubDisconnected, Level = LogLevel.Information, Message = "Long connection {DeviceId} of app {AppId} closed")]
    private static partial void LogDisconnected(ILogger logger, string appId, string deviceId);

    [LoggerMessage(EventId = LogEvents.LongConnectionHubRefused, Level = LogLevel.Information, Message = "Long-connection handshake of app {AppId} refused: {Status} / {AuthErrCode}")]
    private static partial void LogRefused(ILogger logger, string appId, int status, long authErrCode);

    [LoggerMessage(EventId = LogEvents.LongConnectionHubGaveUp, Level = LogLevel.Warning, Message = "Event {EventId} ({EventType}) not acked over the long connection after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, string eventId, string eventType, int attempts);

    /// <summary>What a ticket admits: one connection of one app, with the ids given out in its URL.</summary>
    internal sealed record Ticket(string AppId, string DeviceId, int ServiceId, DateTimeOffset ExpiresAt);

    private sealed class AppLine
    {
        public List<LongConnectionSession> Live { get; } = [];

        public Dictionary<string, PendingDelivery> InFlight { get; } = new(StringComparer.Ordinal);

        public List<PendingDelivery> Waiting { get; } = [];

        public int Reserved { get; set; }

        public int Cursor { get; set; }
    }

    /// <summary>One delivery (or callback) between its send and its ack; <see cref="MessageId"/> stays the same across resends.</summary>
    private sealed class PendingDelivery(string messageId, string appId, string eventId, string eventType, int delivery, byte[] payload, TaskCompletionSource<LongConnectionCallbackResult>? callback, TimeSpan ackTimeout)
    {
        public string MessageId { get; } = messageId;

        public string AppId { get; } = appId;

        public string EventId { get; } = eventId;

        public string EventType { get; } = eventType;

        public int Delivery { get; } = delivery;

        public byte[] Payload { get; } = payload;

        public TaskCompletionSource<LongConnectionCallbackResult>? Callback { get; } = callback;

        public TimeSpan AckTimeout { get; } = ackTimeout;

        public int Attempt { get; set; }

        public LongConnectionSession? Connection { get; set; }

        public ITimer? Timer { get; set; }

        /// <summary>No longer in flight: stop its timer.</summary>
        public void Settle()
        {
            Timer?.Dispose();
            Timer = null;
            Connection = null;
        }
    }

    private sealed class AckDeadline(LongConnectionHub hub, PendingDelivery pending, int attempt)
    {
        public void Fire() => hub.OnTimeout(pending, attempt);
    }
}

/// <summary>A live long connection as the control endpoint shows it.</summary>
public sealed record LongConnectionInfo(string DeviceId, long ConnectedAtMs, bool HalfOpen = false);

/// <summary>An app's long connections, deliveries awaiting an ack, and events waiting for a connection.</summary>
public sealed record LongConnectionAppStatus(string AppId, IReadOnlyList<LongConnectionInfo> Connections, int InFlight, int Waiting);
