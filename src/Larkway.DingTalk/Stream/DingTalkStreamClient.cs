using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Larkway.DingTalk.Http;
using Larkway.Shared.Clients;
using Microsoft.Extensions.Logging;

namespace Larkway.DingTalk.Stream;

/// <summary>Handles one EVENT or CALLBACK frame and says what to ack.</summary>
public delegate ValueTask<DingTalkStreamAck> DingTalkStreamHandler(DingTalkStreamMessage message, CancellationToken cancellationToken);

/// <summary>
/// A Stream mode connection that does not go deaf. DingTalk never pushes a robot message twice, so a socket that is
/// open but dead loses messages silently; this client replaces its connection when the server announces
/// <c>disconnect</c>, when the server's own pings stop coming (<see cref="DingTalkStreamOptions.MissedServerPings"/>),
/// when no frame has arrived for <see cref="DingTalkStreamOptions.SilenceTimeout"/>, and when a WebSocket ping goes
/// unanswered or the socket drops. A connection that still works is replaced make-before-break: the
/// new one is open before the old one is closed, so no push finds the app without a connection. Every EVENT and
/// CALLBACK reaches the handler once (repeats are acked again from memory), and its ack goes back on the connection it
/// came on. It holds two connections by default (<see cref="DingTalkStreamOptions.Connections"/>): DingTalk stops pushing to
/// a connection the moment it announces <c>disconnect</c> or drops, and the other one takes the pushes meanwhile.
/// </summary>
/// <example>
/// <code>
/// await using var stream = new DingTalkStreamClient(new DingTalkStreamOptions { AppKey = "ding…", AppSecret = "…" }, async (message, ct) =>
/// {
///     if (message.IsRobotMessage) { var text = message.ReadRobotMessage().PlainText; /* … */ }
///     return message.Type == "EVENT" ? DingTalkStreamAck.Success : DingTalkStreamAck.Handled;
/// });
/// await stream.StartAsync(stoppingToken);
/// </code>
/// </example>
public sealed partial class DingTalkStreamClient : IAsyncDisposable
{
    private const string OpenPath = "/v1.0/gateway/connections/open";

    private readonly DingTalkStreamOptions _options;
    private readonly DingTalkStreamHandler _handler;
    private readonly DingTalkPipeline _pipeline;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly DuplicateFilter<DingTalkStreamAck> _duplicates;
    private readonly SemaphoreSlim _handlers;
    private readonly StreamTelemetry _telemetry;
    private readonly Func<Uri, CancellationToken, Task<WebSocket>> _connectSocket;
    private readonly Channel<Replacement> _replacements = Channel.CreateUnbounded<Replacement>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly BackgroundWork _work = new();
    private readonly StreamConnection?[] _slots;
    private readonly StreamConnection?[] _replacing;
    private ITimer? _watchdog;
    private IDisposable? _tracking;
    private Task? _supervisor;
    private int _connectionsOpened;
    private string? _lastReplaceReason;

    /// <summary>A Stream client; nothing connects until <see cref="StartAsync"/>.</summary>
    /// <exception cref="DingTalkApiException">AppKey or AppSecret is missing.</exception>
    /// <exception cref="ArgumentException">Another option is invalid.</exception>
    public DingTalkStreamClient(DingTalkStreamOptions options, DingTalkStreamHandler handler, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null, HttpMessageHandler? httpHandler = null)
        : this(options, handler, loggerFactory, timeProvider, meterFactory, httpHandler, connectSocket: null)
    {
    }

    internal DingTalkStreamClient(DingTalkStreamOptions options, DingTalkStreamHandler handler, ILoggerFactory? loggerFactory, TimeProvider? timeProvider,
        IMeterFactory? meterFactory, HttpMessageHandler? httpHandler, Func<Uri, CancellationToken, Task<WebSocket>>? connectSocket)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.ThrowIfInvalid();
        _options = options;
        _handler = handler;
        var appOptions = new DingTalkAppOptions { AppKey = options.AppKey, AppSecret = options.AppSecret, ApiBaseUrl = options.ApiBaseUrl, Timeout = options.ConnectTimeout };
        _pipeline = new DingTalkPipeline(options.AppKey, appOptions, loggerFactory, timeProvider, meterFactory, httpHandler);
        _logger = _pipeline.Logger;
        _time = _pipeline.TimeProvider;
        _duplicates = new DuplicateFilter<DingTalkStreamAck>(options.DuplicateWindow, _time);
        _handlers = new SemaphoreSlim(options.MaxConcurrentHandlers, options.MaxConcurrentHandlers);
        _telemetry = new StreamTelemetry(meterFactory, options.AppKey);
        _connectSocket = connectSocket ?? ConnectSocketAsync;
        _slots = new StreamConnection?[options.Connections];
        _replacing = new StreamConnection?[options.Connections];
    }

    /// <summary>True while at least one connection is open.</summary>
    public bool IsConnected => OpenConnections.Count > 0;

    /// <summary>The client's ids of the connections open now.</summary>
    public IReadOnlyList<string> OpenConnections => [.. Enumerable.Range(0, _slots.Length).Select(i => Volatile.Read(ref _slots[i])).OfType<StreamConnection>().Where(c => c.IsOpen).Select(c => c.Id)];

    /// <summary>Connections opened since start (the first one included).</summary>
    public int ConnectionsOpened => Volatile.Read(ref _connectionsOpened);

    /// <summary>Why the last connection was replaced, or null.</summary>
    public string? LastReplaceReason => Volatile.Read(ref _lastReplaceReason);

    /// <summary>
    /// Opens the first connection (its failure is thrown: wrong credentials should not be retried in silence), then keeps
    /// one open in the background until <see cref="StopAsync"/>.
    /// </summary>
    /// <exception cref="DingTalkApiException">DingTalk refused to open a connection (<c>authFailed</c> for wrong credentials).</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_supervisor is not null)
        {
            throw new InvalidOperationException("The Stream client is already started.");
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var first = await OpenAsync(0, linked.Token).ConfigureAwait(false);
        Activate(first, replaced: null, "start");

        // The standby connections open in the background: the credentials are proven, and the app already receives.
        for (var slot = 1; slot < _slots.Length; slot++)
        {
            _replacements.Writer.TryWrite(new Replacement(slot, null, "start"));
        }

        _tracking = _telemetry.Track(() => IsConnected);
        _supervisor = Task.Run(SuperviseAsync, CancellationToken.None);
        Track(_supervisor);
        var period = _options.SilenceTimeout / 4 < TimeSpan.FromSeconds(1) ? _options.SilenceTimeout / 4 : TimeSpan.FromSeconds(1);
        _watchdog = _time.CreateTimer(static state => ((DingTalkStreamClient)state!).CheckSilence(), this, period, period);
    }

    /// <summary>Closes the connections and waits (within <paramref name="cancellationToken"/>) for frames being handled.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _tracking?.Dispose();
        _replacements.Writer.TryComplete();
        if (_watchdog is not null)
        {
            await _watchdog.DisposeAsync().ConfigureAwait(false);
        }

        var active = Enumerable.Range(0, _slots.Length).Select(i => Interlocked.Exchange(ref _slots[i], null)).OfType<StreamConnection>().ToArray();
        await Task.WhenAll(active.Select(c => c.CloseAsync(TimeSpan.FromSeconds(2)))).ConfigureAwait(false);

        // Within the caller's patience: what is left when it stops waiting ends with the connections.
        await _work.WhenIdleAsync(cancellationToken).ConfigureAwait(false);

        foreach (var connection in active)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _pipeline.Dispose();
        _telemetry.Dispose();
        _stopping.Dispose();
    }

    private async Task<StreamConnection> OpenAsync(int slot, CancellationToken cancellationToken)
    {
        var body = new OpenConnectionRequest(_options.AppKey, _options.AppSecret,
            [.. _options.EffectiveSubscriptions.Select(s => new SubscriptionWire(s.Type, s.Topic))], _options.UserAgent, LocalIp: null);
        var request = new DingTalkRequest(HttpMethod.Post, DingTalkHost.Api, OpenPath, OpenPath)
        {
            Json = JsonSerializer.SerializeToUtf8Bytes(body, StreamJson.Default.OpenConnectionRequest),
            WithAppToken = false,
            // Asking for another ticket is harmless.
            Idempotent = true,
        };
        var answer = await _pipeline.SendAsync(request, StreamJson.Default.OpenConnectionAnswer, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(answer.Endpoint) || string.IsNullOrEmpty(answer.Ticket) || !Uri.TryCreate(answer.Endpoint, UriKind.Absolute, out var endpoint))
        {
            throw new DingTalkApiException(DingTalkErrorCodes.MalformedResponse, $"The answer of POST {OpenPath} has no endpoint or ticket.");
        }

        // The ticket is single use and valid for 90 s: it is used at once and never logged.
        var url = new Uri(endpoint.AbsoluteUri + (string.IsNullOrEmpty(endpoint.Query) ? "?" : "&") + "ticket=" + Uri.EscapeDataString(answer.Ticket));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.ConnectTimeout);
        WebSocket socket;
        try
        {
            socket = await _connectSocket(url, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new DingTalkApiException(DingTalkErrorCodes.NetworkError, $"Could not open the Stream WebSocket at {endpoint.Scheme}://{endpoint.Authority}{endpoint.AbsolutePath}: {ex.Message}", innerException: ex);
        }

        var id = "c" + Interlocked.Increment(ref _connectionsOpened).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Log.Connected(_logger, _options.AppKey, id, endpoint.Authority);
        return new StreamConnection(id, slot, socket, _time);
    }

    private Task<WebSocket> ConnectSocketAsync(Uri url, CancellationToken cancellationToken) =>
        FrameSocket.ConnectAsync(url, _options.KeepAliveInterval, _options.KeepAliveTimeout, cancellationToken);

    private void Activate(StreamConnection connection, StreamConnection? replaced, string reason)
    {
        Volatile.Write(ref _slots[connection.Slot], connection);
        _telemetry.ConnectionOpened(reason);
        Track(RunConnectionAsync(connection));
        if (replaced is not null)
        {
            Track(RetireAsync(replaced, deaf: reason.StartsWith("deaf", StringComparison.Ordinal) || reason.StartsWith("no frame", StringComparison.Ordinal)
                || reason.StartsWith("no server ping", StringComparison.Ordinal)));
        }
    }

    private async Task RunConnectionAsync(StreamConnection connection)
    {
        var ended = await connection.ReadAsync(OnFrame, OnSystem).ConfigureAwait(false);
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        Log.ConnectionEnded(_logger, _options.AppKey, connection.Id, ended);
        RequestReplacement(connection, ended);
    }

    // A replaced connection that still works is kept for a grace period, so acks of frames it delivered still go out.
    // A deaf one is closed at once: closing is what tells the server to stop pushing into it.
    private async Task RetireAsync(StreamConnection connection, bool deaf)
    {
        try
        {
            if (connection.IsOpen && !deaf)
            {
                await Task.Delay(_options.ReplacedConnectionGrace, _time, _stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: close now.
        }

        await connection.CloseAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private void OnSystem(StreamConnection connection, StreamFrame frame)
    {
        if (frame.Topic == DingTalkStreamTopics.Disconnect)
        {
            RequestReplacement(connection, "the server announced disconnect");
        }
    }

    // Silence, and the server's pings: the client cannot ask DingTalk for a sign of life, so the probe is the server's own.
    private LivenessRule Rule => LivenessRule.SilenceOnly(_options.SilenceTimeout) with { MissedServerPings = _options.MissedServerPings };

    private void CheckSilence()
    {
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (Volatile.Read(ref _slots[slot]) is { } connection && connection.Liveness.Check(Rule) is { Reason: { } silent })
            {
                RequestReplacement(connection, silent);
            }
        }
    }

    private void RequestReplacement(StreamConnection connection, string reason)
    {
        // One request per connection: the watchdog would otherwise ask every second while a reconnect waits out its back-off.
        var slot = connection.Slot;
        if (ReferenceEquals(Volatile.Read(ref _slots[slot]), connection) && !_stopping.IsCancellationRequested
            && !ReferenceEquals(Interlocked.Exchange(ref _replacing[slot], connection), connection))
        {
            _replacements.Writer.TryWrite(new Replacement(slot, connection, reason));
        }
    }

    private async Task SuperviseAsync()
    {
        await foreach (var replacement in _replacements.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            // Several triggers for one connection (silence, then the socket dropping) replace it once.
            if (!ReferenceEquals(Volatile.Read(ref _slots[replacement.Slot]), replacement.Connection))
            {
                continue;
            }

            if (replacement.Connection is { } old)
            {
                Volatile.Write(ref _lastReplaceReason, replacement.Reason);
                Log.Replacing(_logger, _options.AppKey, old.Id, replacement.Reason);
            }

            for (var attempt = 0; !_stopping.IsCancellationRequested; attempt++)
            {
                try
                {
                    var fresh = await OpenAsync(replacement.Slot, _stopping.Token).ConfigureAwait(false);
                    ReconnectTried(replacement, connected: true);
                    Activate(fresh, replacement.Connection, replacement.Reason);
                    break;
                }
                catch (Exception ex) when (!_stopping.IsCancellationRequested && ex is DingTalkApiException or WebSocketException or HttpRequestException or OperationCanceledException)
                {
                    ReconnectTried(replacement, connected: false);
                    var delay = ReconnectDelay(attempt);
                    Log.ConnectFailed(_logger, _options.AppKey, attempt + 1, delay.TotalMilliseconds, ex.Message);
                    try
                    {
                        await Task.Delay(delay, _time, _stopping.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }
    }

    // The standby connections opened at start are no reconnects.
    private void ReconnectTried(Replacement replacement, bool connected)
    {
        if (replacement.Connection is not null)
        {
            _telemetry.Reconnected(connected);
        }
    }

    private TimeSpan ReconnectDelay(int attempt) => Backoff.Delay(attempt, _options.ReconnectBaseDelay, _options.ReconnectMaxDelay);

    private void OnFrame(StreamConnection connection, StreamFrame frame)
    {
        if (frame.Type is not ("EVENT" or "CALLBACK") || frame.MessageId.Length == 0)
        {
            return;
        }

        CheckSiblings(connection);
        if (!_duplicates.TryClaim(frame.MessageId, out var earlier))
        {
            _telemetry.Frame(frame.Type, frame.Topic, "duplicate");
            if (earlier is not null)
            {
                Track(AckAgainAsync(connection, frame.MessageId, earlier));
            }

            return;
        }

        Track(HandleAsync(connection, frame));
    }

    // DingTalk spreads pushes evenly over an app's connections, so a long run of pushes that all land on the others means
    // this one no longer gets its share: it is deaf (the server writes into a dead socket, or the socket answers only
    // WebSocket pings). Twenty in a row happen by chance once in a million pushes. But two read loops do not see their
    // pushes in the order DingTalk sent them: when one falls behind under load, the other reads twenty in a few
    // milliseconds while the late one's wait in its socket. So a connection whose streak reaches twenty is judged deaf
    // only if it still gets nothing for DeafConfirmation while pushes keep reaching the others.
    private void CheckSiblings(StreamConnection arrivedOn)
    {
        arrivedOn.Liveness.GotPush();
        if (_options.DeafStreak <= 0 || _slots.Length < 2)
        {
            return;
        }

        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (Volatile.Read(ref _slots[slot]) is { } other && !ReferenceEquals(other, arrivedOn)
                && other.Liveness.MissedPush(_options.DeafStreak, _options.DeafConfirmation) is { Reason: { } deaf })
            {
                RequestReplacement(other, deaf);
            }
        }
    }

    private async Task HandleAsync(StreamConnection connection, StreamFrame frame)
    {
        try
        {
            await _handlers.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _duplicates.Release(frame.MessageId);
            return;
        }

        try
        {
            DingTalkStreamAck ack;
            string outcome;
            try
            {
                ack = await _handler(new DingTalkStreamMessage(frame.Type, frame.Headers, frame.Data, connection.Id), _stopping.Token).ConfigureAwait(false);
                outcome = "handled";
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                Log.HandlerFailed(_logger, ex, frame.Type, frame.Topic, frame.MessageId);

                // Either way DingTalk pushes it again: an event answered LATER, a robot message answered 500.
                ack = frame.Type == "EVENT" ? DingTalkStreamAck.Later(ex.GetType().Name) : DingTalkStreamAck.Failed(500, "handler failed");
                outcome = "failed";
            }

            // What DingTalk does not take (LATER, or a code other than 200) comes again and is then handled afresh.
            if (ack.Code != 200 || ack.Data.Contains("\"LATER\"", StringComparison.Ordinal))
            {
                _duplicates.Release(frame.MessageId);
            }
            else
            {
                _duplicates.Complete(frame.MessageId, ack);
            }

            _telemetry.Frame(frame.Type, frame.Topic, outcome);
            var sent = await connection.SendAsync(StreamFrame.Ack(frame.MessageId, ack), CancellationToken.None).ConfigureAwait(false);
            _telemetry.Acked(sent);
            if (!sent)
            {
                Log.AckLost(_logger, frame.MessageId, connection.Id);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            _duplicates.Release(frame.MessageId);
        }
        finally
        {
            _handlers.Release();
        }
    }

    private async Task AckAgainAsync(StreamConnection connection, string messageId, DingTalkStreamAck earlier) =>
        _telemetry.Acked(await connection.SendAsync(StreamFrame.Ack(messageId, earlier), CancellationToken.None).ConfigureAwait(false));

    private void Track(Task task) => _work.Track(task);

    private sealed record Replacement(int Slot, StreamConnection? Connection, string Reason);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "DingTalk Stream connection {ConnectionId} of app {AppKey} open to {Host}")]
        public static partial void Connected(ILogger logger, string appKey, string connectionId, string host);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "DingTalk Stream connection {ConnectionId} of app {AppKey} ended: {Reason}")]
        public static partial void ConnectionEnded(ILogger logger, string appKey, string connectionId, string reason);

        [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Replacing DingTalk Stream connection {ConnectionId} of app {AppKey}: {Reason}")]
        public static partial void Replacing(ILogger logger, string appKey, string connectionId, string reason);

        [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Could not open a DingTalk Stream connection for app {AppKey} (attempt {Attempt}); trying again in {DelayMs:0} ms: {Reason}")]
        public static partial void ConnectFailed(ILogger logger, string appKey, int attempt, double delayMs, string reason);

        [LoggerMessage(EventId = 2105, Level = LogLevel.Error, Message = "The handler of DingTalk {Type} {Topic} (message {MessageId}) failed")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string type, string topic, string messageId);

        [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "The ack of message {MessageId} could not be sent: connection {ConnectionId} is gone")]
        public static partial void AckLost(ILogger logger, string messageId, string connectionId);
    }
}
