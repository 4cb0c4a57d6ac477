using System.Globalization;
using System.Net.WebSockets;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Larkway.Feishu.Events.LongConnection;

/// <summary>
/// Receives one app's events and callbacks over Feishu's long connection (a WebSocket of protobuf frames)
/// and hands each to an <see cref="IFeishuEventSink"/>, acknowledging it after the sink returns: code 200,
/// or 500 when the sink throws so that Feishu redelivers. Discovers the endpoint, pings, reassembles
/// fragments, drops silent connections and reconnects with the server's policy.
/// </summary>
/// <remarks>
/// Call <see cref="RunAsync"/> once (a hosted service typically does); it returns when cancelled and throws
/// <see cref="FeishuLongConnectionException"/> when it cannot go on. Several connections of one app share
/// the event stream (the platform load-balances across them), so run one per app per deployment unless
/// that is what you want.
/// </remarks>
public sealed class FeishuLongConnectionClient : IAsyncDisposable
{
    /// <summary>The shortest pause before any reconnect attempt, whatever the server's config says: never a tight loop.</summary>
    internal static readonly TimeSpan MinReconnectDelay = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(15);

    private readonly FeishuLongConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly LongConnectionConfigState _config;
    private readonly DataFrameProcessor _processor;
    private readonly FeishuEventsTelemetry _telemetry;
    private readonly CancellationTokenSource _disposing = new();
    private TaskCompletionSource? _run;
    private int _state;
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
        _processor = new DataFrameProcessor(sink, _options, _telemetry, _logger);
    }

    /// <summary>Raised (on the running loop's thread; keep handlers short and non-throwing) whenever <see cref="State"/> changes.</summary>
    public event EventHandler<FeishuLongConnectionState>? StateChanged;

    /// <summary>Where the client is now.</summary>
    public FeishuLongConnectionState State => (FeishuLongConnectionState)Volatile.Read(ref _state);

    /// <summary>How many times a connection has been established (1 after the first connect, 2 after a reconnect, …).</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

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
        using var tracking = _telemetry.TrackConnection(_options.AppId, _options.AppName, () => State == FeishuLongConnectionState.Connected);
        var ct = stopping.Token;
        LongConnectionSession? session = null;
        try
        {
            SetState(FeishuLongConnectionState.Connecting);
            try
            {
                session = await ConnectAsync(ct).ConfigureAwait(false);
            }
            catch (FeishuLongConnectionException ex) when (!ex.IsFatal && _options.AutoReconnect)
            {
                LongConnectionLog.RetryableFailure(_logger, _options.AppId, ex.Reason, ex.Code, ex.Message);
            }

            while (true)
            {
                if (session is not null)
                {
                    var reason = await session.RunAsync(ct).ConfigureAwait(false);
                    var connectionId = session.ConnectionId;
                    await session.DisposeAsync().ConfigureAwait(false);
                    session = null;
                    LongConnectionLog.Disconnected(_logger, _options.AppId, connectionId, reason);
                    if (!_options.AutoReconnect)
                    {
                        throw new FeishuLongConnectionException(
                            FeishuLongConnectionErrorReason.ConnectionLost,
                            $"The Feishu long connection of app {_options.AppId} was lost ({reason}) and AutoReconnect is off.");
                    }
                }

                SetState(FeishuLongConnectionState.Reconnecting);
                session = await ReconnectAsync(ct).ConfigureAwait(false);
            }
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
            if (session is not null)
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }

            await _processor.WhenIdleAsync().ConfigureAwait(false);
            SetState(FeishuLongConnectionState.Stopped);
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
    }

    private async Task<LongConnectionSession> ReconnectAsync(CancellationToken cancellationToken)
    {
        // The first attempt waits a random part of the nonce, so that many clients dropped at once do not
        // all come back at once.
        var nonce = _config.Current.ReconnectNonce;
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
                await Task.Delay(Max(config.ReconnectInterval, MinReconnectDelay), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }

            attempt++;
            LongConnectionLog.ReconnectAttempt(_logger, _options.AppId, attempt, config.ReconnectCount);
            try
            {
                var session = await ConnectAsync(cancellationToken).ConfigureAwait(false);
                _telemetry.ReconnectAttempted(_options.AppId, _options.AppName, connected: true);
                return session;
            }
            catch (FeishuLongConnectionException ex)
            {
                _telemetry.ReconnectAttempted(_options.AppId, _options.AppName, connected: false);
                if (ex.IsFatal)
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

        var session = new LongConnectionSession(socket, endpoint, _options, _config, _processor, _logger);
        Interlocked.Increment(ref _connectionCount);
        SetState(FeishuLongConnectionState.Connected);
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
