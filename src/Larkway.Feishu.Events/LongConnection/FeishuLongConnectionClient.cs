using System.Globalization;
using System.Net.WebSockets;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.Telemetry;
using Larkway.Shared.Clients;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Larkway.Feishu.Events.LongConnection;

/// <summary>
/// Receives one app's events and callbacks over Feishu's long connection (a WebSocket of protobuf frames)
/// and hands each to an <see cref="IFeishuEventSink"/>, acknowledging it after the sink returns: code 200,
/// or 500 when the sink throws so that Feishu redelivers. Discovers the endpoint, pings, reassembles
/// fragments, and keeps its connections alive.
/// </summary>
/// <remarks>
/// <para>
/// Liveness: a connection is replaced when the server closes it or it drops, when nothing comes back within
/// <see cref="FeishuLongConnectionOptions.PongTimeout"/> of a ping (a half-open socket; a connection idle for
/// <see cref="FeishuLongConnectionOptions.ProbeWhenIdle"/> is pinged at once), when nothing at all arrives
/// for <see cref="FeishuLongConnectionOptions.WatchdogTimeout"/>, and — with several connections — when it misses
/// <see cref="FeishuLongConnectionOptions.DeafStreak"/> events in a row and then still none for
/// <see cref="FeishuLongConnectionOptions.DeafConfirmation"/>. The replacement opens before the old
/// connection is closed (make-before-break). The client holds <see cref="FeishuLongConnectionOptions.Connections"/>
/// connections (two by default): Feishu gives each event to one of them at random and pushes it again when it is not
/// acknowledged, so while one is replaced the other keeps events flowing.
/// </para>
/// <para>
/// Call <see cref="RunAsync"/> once (a hosted service typically does); it returns when cancelled and throws
/// <see cref="FeishuLongConnectionException"/> when it cannot go on. Connections of other clients of the same app
/// share the event stream too, so run one client per app per deployment unless that is what you want.
/// </para>
/// </remarks>
public sealed class FeishuLongConnectionClient : IAsyncDisposable
{
    /// <summary>The shortest pause before any reconnect attempt, whatever the server's config says: never a tight loop.</summary>
    internal static readonly TimeSpan MinReconnectDelay = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The longest random wait before reconnecting when the app has no other working connection.</summary>
    private static readonly TimeSpan MaxHurriedJitter = TimeSpan.FromSeconds(1);

    private readonly FeishuLongConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly LongConnectionConfigState _config;
    private readonly DataFrameProcessor _processor;
    private readonly FeishuEventsTelemetry _telemetry;
    private readonly ConnectionTelemetry _connections;
    private readonly KeyValuePair<string, object?>[] _appTags;
    private readonly CancellationTokenSource _disposing = new();
    private readonly LongConnectionSession?[] _sessions;
    private readonly BackgroundWork _retiring = new();
    private TaskCompletionSource? _run;
    private string? _lastReplaceReason;
    private int _state;
    private int _stopping;
    private CancellationToken _runStopping;
    private int _connectionCount;
    private int _disposed;

    /// <summary>Creates a client; nothing connects until <see cref="RunAsync"/>.</summary>
    /// <param name="options">The app and connection settings; copied, so later changes have no effect.</param>
    /// <param name="sink">Where events go.</param>
    /// <param name="loggerFactory">Optional logging.</param>
    public FeishuLongConnectionClient(FeishuLongConnectionOptions options, IFeishuEventSink sink, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        _options = Validate(options);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<FeishuLongConnectionClient>();
        _http = _options.HttpMessageHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient();
        _http.Timeout = Timeout.InfiniteTimeSpan; // the discovery has its own timeout on the TimeProvider
        _config = new LongConnectionConfigState(_options.InitialConfig);
        _telemetry = _options.MeterFactory is { } meterFactory ? FeishuEventsTelemetry.For(meterFactory) : FeishuEventsTelemetry.CreateOwned();
        _connections = ConnectionTelemetry.For(_options.MeterFactory, "Feishu", "feishu");
        _appTags = [new("feishu.app", _options.AppName), new("feishu.app_id", _options.AppId)];
        _processor = new DataFrameProcessor(sink, _options, _telemetry, _logger, sent => _connections.Acked(sent, _appTags));
        _sessions = new LongConnectionSession?[_options.Connections];
    }

    /// <summary>Raised (on the running loop's thread; keep handlers short and non-throwing) whenever <see cref="State"/> changes.</summary>
    public event EventHandler<FeishuLongConnectionState>? StateChanged;

    /// <summary>Where the client is now.</summary>
    public FeishuLongConnectionState State => (FeishuLongConnectionState)Volatile.Read(ref _state);

    /// <summary>How many times a connection has been established (1 after the first connect, 2 after a reconnect, …).</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>How many connections are open now (at most <see cref="FeishuLongConnectionOptions.Connections"/>, briefly one more while one is replaced).</summary>
    public int OpenConnections => _sessions.Count(s => s is not null && s.IsOpen);

    /// <summary>Why a connection was last replaced (it ended, or a liveness rule fired), or null.</summary>
    public string? LastReplaceReason => Volatile.Read(ref _lastReplaceReason);

    /// <summary>The reconnect and ping settings in force: the initial ones, then the server's.</summary>
    public FeishuLongConnectionConfig Config => _config.Current;

    /// <summary>
    /// Connects and handles frames until <paramref name="cancellationToken"/> is cancelled (then returns
    /// normally, after the handlers in progress have finished) or the connection cannot go on.
    /// </summary>
    /// <exception cref="FeishuLongConnectionException">
    /// A fatal error (<see cref="FeishuLongConnectionException.IsFatal"/>: credentials, connection limit, ban),
    /// reconnect attempts exhausted, or — with <see cref="FeishuLongConnectionOptions.AutoReconnect"/> off — any failure.
    /// </exception>
    /// <exception cref="InvalidOperationException">Already running.</exception>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var run = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _run, run, null) is not null)
        {
            throw new InvalidOperationException("This Feishu long-connection client is already running.");
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        using var tracking = _connections.Track(() => State == FeishuLongConnectionState.Connected, _appTags);
        var ct = stopping.Token;

        // Read by UpdateState: once a stop is asked for (the token's flag flips before any connection reacts to it), what
        // closes is the stop itself, not a reason to say "reconnecting".
        _runStopping = ct;
        using var slotsStopping = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var slots = new List<Task>();
        try
        {
            SetState(FeishuLongConnectionState.Connecting);
            LongConnectionSession? first = null;
            try
            {
                first = await ConnectAsync(ct).ConfigureAwait(false);
            }
            catch (FeishuLongConnectionException ex) when (!ex.IsFatal && _options.AutoReconnect)
            {
                LongConnectionLog.RetryableFailure(_logger, _options.AppId, ex.Reason, ex.Code, ex.Message);
            }

            // The other connections open once the first has proven the credentials (or in the retry loop with it).
            for (var slot = 0; slot < _sessions.Length; slot++)
            {
                slots.Add(RunSlotAsync(slot, slot == 0 ? first : null, slotsStopping.Token));
            }

            // One slot failing for good (fatal error, attempts exhausted) stops them all.
            var ended = await Task.WhenAny(slots).ConfigureAwait(false);
            await slotsStopping.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(slots).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await ended.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            LongConnectionLog.Cancelled(_logger, _options.AppId);
        }
        catch (FeishuLongConnectionException ex)
        {
            LongConnectionLog.Stopped(_logger, _options.AppId, ex.Reason, ex.Code, ex.Message);
            throw;
        }
        finally
        {
            Volatile.Write(ref _stopping, 1);
            await slotsStopping.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(slots).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            for (var slot = 0; slot < _sessions.Length; slot++)
            {
                if (Interlocked.Exchange(ref _sessions[slot], null) is { } session)
                {
                    await session.DisposeAsync().ConfigureAwait(false);
                }
            }

            await _retiring.WhenIdleAsync().ConfigureAwait(false);
            await _processor.WhenIdleAsync().ConfigureAwait(false);
            SetState(FeishuLongConnectionState.Stopped);
            Volatile.Write(ref _stopping, 0);
            Volatile.Write(ref _run, null);
            run.TrySetResult();
        }
    }

    /// <summary>Stops a running <see cref="RunAsync"/>, waits for it, and releases the HTTP client.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _run) is { } run)
        {
            await run.Task.ConfigureAwait(false);
        }

        _http.Dispose();
        _disposing.Dispose();
        _telemetry.Dispose();
        _connections.Dispose();
    }

    /// <summary>
    /// Keeps one connection open in a slot. When the connection ends or a liveness rule stops trusting it, the app is
    /// never left without a connection: the old one is closed after its replacement is open (make-before-break), or at
    /// once when another connection of the app still receives.
    /// </summary>
    private async Task RunSlotAsync(int slot, LongConnectionSession? session, CancellationToken cancellationToken)
    {
        session ??= await ReconnectAsync(hurry: true, cancellationToken).ConfigureAwait(false);
        var opened = "start";
        while (true)
        {
            _connections.Connected(opened, _appTags);
            Activate(slot, session, cancellationToken);
            var reason = await session.Trouble.WaitAsync(cancellationToken).ConfigureAwait(false);
            UpdateState();
            if (!_options.AutoReconnect)
            {
                LongConnectionLog.Disconnected(_logger, _options.AppId, session.ConnectionId, reason);
                throw new FeishuLongConnectionException(
                    FeishuLongConnectionErrorReason.ConnectionLost,
                    $"The Feishu long connection of app {_options.AppId} was lost ({reason}) and AutoReconnect is off.");
            }

            if (session.IsOpen)
            {
                LongConnectionLog.Replacing(_logger, _options.AppId, session.ConnectionId, reason);
            }
            else
            {
                LongConnectionLog.Disconnected(_logger, _options.AppId, session.ConnectionId, reason);
            }

            Volatile.Write(ref _lastReplaceReason, reason);
            opened = session.TroubleKind;

            // While another connection still receives, this one is closed at once — closing is what tells Feishu to stop
            // routing events into it — and the server's jitter spreads the reconnects. When it is the last one it stays
            // until its replacement is open: whatever it still delivers is not delayed by a redelivery.
            var old = session;
            var othersReceive = AnyOtherHealthy(old);
            if (othersReceive)
            {
                _retiring.Start(old.RetireAsync);
            }

            session = await ReconnectAsync(hurry: !othersReceive, cancellationToken).ConfigureAwait(false);
            if (!othersReceive)
            {
                _retiring.Start(old.RetireAsync);
            }
        }
    }

    private void Activate(int slot, LongConnectionSession session, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _sessions[slot], session);
        session.Start(cancellationToken);
        UpdateState();
    }

    private bool AnyOtherHealthy(LongConnectionSession except)
    {
        foreach (var session in _sessions)
        {
            if (session is not null && !ReferenceEquals(session, except) && session.IsHealthy)
            {
                return true;
            }
        }

        return false;
    }

    // Feishu hands each event to one of the app's connections at random, so a long run of events that all land on
    // the others means this one no longer gets its share: it is deaf (the server writes into a dead socket). But each
    // connection has its own read loop, and when one falls a few milliseconds behind under load the other reads twenty
    // events meanwhile, while the late one's wait unread in its healthy socket. So a run that reaches DeafStreak only
    // makes the connection suspect; it is judged deaf when events still reach the others DeafConfirmation later and it
    // has had none since. A deaf connection misses every event for as long as it is deaf, a late one catches up within
    // milliseconds. (Measuring the whole run's span instead is not enough: a quiet spell inside the run, between
    // bursts, would make the first events after it a verdict again.)
    private void OnData(LongConnectionSession arrivedOn)
    {
        arrivedOn.Liveness.GotPush();
        if (_options.DeafStreak <= 0 || _sessions.Length < 2)
        {
            return;
        }

        foreach (var other in _sessions)
        {
            if (other is not null && !ReferenceEquals(other, arrivedOn) && other.IsHealthy
                && other.Liveness.MissedPush(_options.DeafStreak, _options.DeafConfirmation) is { Reason: { } deaf })
            {
                other.ReportTrouble(deaf, ConnectionTelemetry.ReasonTag(LivenessFailure.Deaf));
            }
        }
    }

    private void UpdateState()
    {
        if (Volatile.Read(ref _run) is null || Volatile.Read(ref _stopping) != 0 || _runStopping.IsCancellationRequested)
        {
            return;
        }

        var open = _sessions.Any(s => s is not null && s.IsOpen && !s.Trouble.IsCompleted);
        SetState(open ? FeishuLongConnectionState.Connected : FeishuLongConnectionState.Reconnecting);
    }

    private async Task<LongConnectionSession> ReconnectAsync(bool hurry, CancellationToken cancellationToken)
    {
        // The first attempt waits a random part of the nonce, so that many clients dropped at once do not all come
        // back at once. Decision: when the app has no other working connection the wait is at most a second, not the
        // server's nonce (30 s): events would wait that long, and a second still spreads the reconnects.
        var nonce = _config.Current.ReconnectNonce;
        if (hurry && nonce > MaxHurriedJitter)
        {
            nonce = MaxHurriedJitter;
        }

        var jitter = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * nonce.TotalMilliseconds);
        await Task.Delay(Max(jitter, MinReconnectDelay), _options.TimeProvider, cancellationToken).ConfigureAwait(false);

        FeishuLongConnectionException? last = null;
        var attempt = 0;
        while (true)
        {
            var config = _config.Current;
            if (config.ReconnectCount >= 0 && attempt >= config.ReconnectCount)
            {
                break;
            }

            if (attempt > 0)
            {
                await Task.Delay(ReconnectDelay(attempt, config.ReconnectInterval), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }

            attempt++;
            LongConnectionLog.ReconnectAttempt(_logger, _options.AppId, attempt, config.ReconnectCount);
            try
            {
                var session = await ConnectAsync(cancellationToken).ConfigureAwait(false);
                _connections.Reconnected(connected: true, _appTags);
                return session;
            }
            catch (FeishuLongConnectionException ex)
            {
                _connections.Reconnected(connected: false, _appTags);
                if (ex.IsFatal || !_options.AutoReconnect)
                {
                    throw;
                }

                last = ex;
                LongConnectionLog.RetryableFailure(_logger, _options.AppId, ex.Reason, ex.Code, ex.Message);
            }
        }

        throw new FeishuLongConnectionException(
            FeishuLongConnectionErrorReason.ReconnectAttemptsExhausted,
            $"The Feishu long connection of app {_options.AppId} could not be re-established in {attempt} attempt(s)"
                + (last is null ? "." : $"; the last failure: {last.Message}"),
            last?.Code,
            last);
    }

    /// <summary>
    /// The pause before a failed attempt's successor: one second, doubling, never longer than the server's
    /// <c>ReconnectInterval</c> (Decision: the official SDKs wait the whole interval, 120 s, each time; an outage
    /// of ten seconds would cost two minutes of events). Jitter of up to a quarter keeps replicas out of step.
    /// </summary>
    private static TimeSpan ReconnectDelay(int failed, TimeSpan ceiling) =>
        Backoff.Delay(failed - 1, TimeSpan.FromSeconds(1), ceiling, floor: MinReconnectDelay);

    /// <summary>One attempt: discovery POST (never reusing a URL), then the WebSocket handshake.</summary>
    private async Task<LongConnectionSession> ConnectAsync(CancellationToken cancellationToken)
    {
        LongConnectionLog.Discovering(_logger, _options.AppId);
        var endpoint = await EndpointDiscovery.DiscoverAsync(_http, _options, cancellationToken).ConfigureAwait(false);
        if (endpoint.ClientConfig is { } clientConfig)
        {
            var config = _config.Current.Overlay(clientConfig, out var ignoredPing);
            _config.Set(config);
            if (ignoredPing)
            {
                LongConnectionLog.PingIntervalIgnored(_logger, endpoint.ConnectionId, config.PingInterval);
            }
        }

        var socket = new ClientWebSocket();
        try
        {
            socket.Options.CollectHttpResponseDetails = true; // the Handshake-* headers say why a handshake failed
            socket.Options.KeepAliveInterval = TimeSpan.Zero; // liveness is the protocol's own ping/pong
            using var timeout = new CancellationTokenSource(HandshakeTimeout, _options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await socket.ConnectAsync(endpoint.Url, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw HandshakeFailure(socket, ex);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var session = new LongConnectionSession(socket, endpoint, _options, _config, _processor, _logger, OnData);
        Interlocked.Increment(ref _connectionCount);
        LongConnectionLog.Connected(_logger, _options.AppId, endpoint.ConnectionId, endpoint.ServiceId);
        return session;
    }

    private static FeishuLongConnectionException HandshakeFailure(ClientWebSocket socket, Exception ex)
    {
        var headers = socket.HttpResponseHeaders;
        var statusText = Header(headers, "Handshake-Status");
        var status = int.TryParse(statusText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s)
            ? s
            : (int)socket.HttpStatusCode;
        var authErrorText = Header(headers, "Handshake-Autherrcode");
        int? authError = int.TryParse(authErrorText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var a) ? a : null;
        var message = Header(headers, "Handshake-Msg");
        var detail = $"status {status}" + (authError is null ? "" : $", auth error {authError}") + (string.IsNullOrEmpty(message) ? "" : $": {message}");

        return status switch
        {
            514 when authError == 1000040350 => new FeishuLongConnectionException(
                FeishuLongConnectionErrorReason.ConnectionLimitExceeded,
                $"The Feishu long-connection handshake was refused: too many connections for this app ({detail}). Close other connections of the app first.",
                authError,
                ex),
            403 => new FeishuLongConnectionException(
                FeishuLongConnectionErrorReason.Forbidden,
                $"The Feishu long-connection handshake was forbidden ({detail}).",
                403,
                ex),
            0 => new FeishuLongConnectionException(
                FeishuLongConnectionErrorReason.HandshakeFailed,
                $"The Feishu long-connection handshake failed: {ex.Message}",
                null,
                ex),
            _ => new FeishuLongConnectionException(
                FeishuLongConnectionErrorReason.HandshakeFailed,
                $"The Feishu long-connection handshake failed ({detail}).",
                authError ?? status,
                ex),
        };
    }

    private static string? Header(IReadOnlyDictionary<string, IEnumerable<string>>? headers, string name)
    {
        if (headers is null)
        {
            return null;
        }

        foreach (var (key, values) in headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return values.FirstOrDefault();
            }
        }

        return null;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static FeishuLongConnectionOptions Validate(FeishuLongConnectionOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.AppId))
        {
            throw new ArgumentException("The AppId is required.", nameof(options));
        }

        if (string.IsNullOrEmpty(options.AppSecret))
        {
            throw new ArgumentException("The AppSecret is required.", nameof(options));
        }

        if (options.BaseUrl is not { IsAbsoluteUri: true })
        {
            throw new ArgumentException("The BaseUrl must be an absolute URI.", nameof(options));
        }

        if (options.MaxConcurrentHandlers < 1 || options.MaxPendingFragmentedMessages < 1 || options.MaxFragmentedMessageBytes < 1)
        {
            throw new ArgumentException("MaxConcurrentHandlers, MaxPendingFragmentedMessages and MaxFragmentedMessageBytes must be positive.", nameof(options));
        }

        if (options.Connections is < 1 or > 8 || options.DeafStreak < 0 || options.DeafConfirmation < TimeSpan.Zero)
        {
            throw new ArgumentException("Connections must be 1 to 8, and DeafStreak and DeafConfirmation not negative.", nameof(options));
        }

        if (options.ProbeWhenIdle < TimeSpan.Zero && options.ProbeWhenIdle != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("ProbeWhenIdle must not be negative (zero or Timeout.InfiniteTimeSpan turns it off).", nameof(options));
        }

        ArgumentNullException.ThrowIfNull(options.InitialConfig);
        ArgumentNullException.ThrowIfNull(options.TimeProvider);

        return new FeishuLongConnectionOptions
        {
            AppId = options.AppId,
            AppSecret = options.AppSecret,
            BaseUrl = options.BaseUrl,
            AppName = options.AppName ?? "",
            AutoReconnect = options.AutoReconnect,
            InitialConfig = options.InitialConfig,
            WatchdogTimeout = options.WatchdogTimeout,
            PongTimeout = options.PongTimeout,
            ProbeWhenIdle = options.ProbeWhenIdle,
            Connections = options.Connections,
            DeafStreak = options.DeafStreak,
            DeafConfirmation = options.DeafConfirmation,
            MaxConcurrentHandlers = options.MaxConcurrentHandlers,
            HandlerBacklog = Math.Max(0, options.HandlerBacklog),
            MaxPendingFragmentedMessages = options.MaxPendingFragmentedMessages,
            MaxFragmentedMessageBytes = options.MaxFragmentedMessageBytes,
            FragmentTimeout = options.FragmentTimeout,
            VerificationToken = options.VerificationToken,
            TimeProvider = options.TimeProvider,
            HttpMessageHandler = options.HttpMessageHandler,
            MeterFactory = options.MeterFactory,
        };
    }

    private void SetState(FeishuLongConnectionState state)
    {
        if ((FeishuLongConnectionState)Interlocked.Exchange(ref _state, (int)state) != state)
        {
            StateChanged?.Invoke(this, state);
        }
    }
}
