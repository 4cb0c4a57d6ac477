using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Google.Protobuf;
using Larkway.Feishu.Events.LongConnection.Wire;
using Larkway.Shared.Clients;
using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.Events.LongConnection;

/// <summary>
/// One open WebSocket: a receive loop (frames in, fragments reassembled, data handed to the processor)
/// and a heartbeat loop (pings every ping interval, the pong deadline and the silence watchdog: the shared
/// <see cref="LivenessWatch"/> with Feishu's intervals). Sends are
/// serialized by one lock: a WebSocket allows one sender at a time, and acks, pings and the close share it.
/// <see cref="Trouble"/> completes the first time the connection should be replaced — it ended, or a liveness
/// rule no longer trusts it — while the socket is left as it is, so that the client can open the replacement
/// before it closes this one (<see cref="RetireAsync"/>).
/// </summary>
internal sealed class LongConnectionSession : IAsyncDisposable
{
    private const int ReceiveChunk = 16 * 1024;
    private const int KeepBufferBelow = 1024 * 1024;

    private readonly ClientWebSocket _socket;
    private readonly int _serviceId;
    private readonly FeishuLongConnectionOptions _options;
    private readonly LongConnectionConfigState _config;
    private readonly DataFrameProcessor _processor;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly FragmentAssembler _fragments;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource<string> _trouble = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _running = new();
    private readonly Action<LongConnectionSession>? _onData;
    private readonly LivenessWatch _liveness;
    private readonly Lock _troubleGate = new();
    private int _disposed;

    // Handlers outlive a retired connection: their acks still try it, and the server redelivers what they cannot ack.
    private CancellationToken _handlersToken;
    private Task _completion = Task.CompletedTask;

    public LongConnectionSession(
        ClientWebSocket socket,
        DiscoveredEndpoint endpoint,
        FeishuLongConnectionOptions options,
        LongConnectionConfigState config,
        DataFrameProcessor processor,
        ILogger logger,
        Action<LongConnectionSession>? onData = null)
    {
        _onData = onData;
        _socket = socket;
        _serviceId = endpoint.ServiceId;
        ConnectionId = endpoint.ConnectionId;
        _options = options;
        _config = config;
        _processor = processor;
        _logger = logger;
        _time = options.TimeProvider;
        _liveness = new LivenessWatch(_time, probeAtOnce: true); // the first pong brings the server's config
        _fragments = new FragmentAssembler(
            options.MaxPendingFragmentedMessages,
            options.MaxFragmentedMessageBytes,
            options.FragmentTimeout,
            _time,
            (messageId, reason) => LongConnectionLog.FragmentsDropped(_logger, ConnectionId, messageId, reason));
    }

    /// <summary>The URL's <c>device_id</c>.</summary>
    public string ConnectionId { get; }

    /// <summary>Completes with a reason the first time this connection should be replaced: it ended, or a liveness rule fired.</summary>
    public Task<string> Trouble => _trouble.Task;

    /// <summary>True until the receive loop ends or the connection is retired.</summary>
    public bool IsOpen => !_completion.IsCompleted && !_running.IsCancellationRequested;

    /// <summary>True while open and no liveness rule has asked for its replacement.</summary>
    public bool IsHealthy => IsOpen && !_trouble.Task.IsCompleted;

    /// <summary>Starts the receive and heartbeat loops in the background; they stop when the connection ends, is retired, or <paramref name="cancellationToken"/> is cancelled.</summary>
    public void Start(CancellationToken cancellationToken)
    {
        _handlersToken = cancellationToken;
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _running.Token);
        _completion = Task.Run(async () =>
        {
            try
            {
                var (reason, kind) = await RunAsync(linked.Token).ConfigureAwait(false);
                ReportTrouble(reason, kind);
            }
            finally
            {
                linked.Dispose();
            }
        }, CancellationToken.None);
    }

    /// <summary>What ended trust in the connection, as a <c>larkway.reason</c> tag value (<c>closed</c>, <c>lost</c>, a liveness failure); set with <see cref="Trouble"/>.</summary>
    public string TroubleKind { get; private set; } = "lost";

    /// <summary>Asks for this connection's replacement (once; later reasons are ignored).</summary>
    /// <param name="reason">Why, in words.</param>
    /// <param name="kind">Why, as a tag value (<see cref="ConnectionTelemetry.ReasonTag"/> for liveness failures).</param>
    public void ReportTrouble(string reason, string kind)
    {
        lock (_troubleGate)
        {
            if (!_trouble.Task.IsCompleted)
            {
                TroubleKind = kind;
                _trouble.TrySetResult(reason);
            }
        }
    }

    /// <summary>This connection's signs of life, probes and run of missed events (the deaf rule is the client's, across its connections).</summary>
    public LivenessWatch Liveness => _liveness;

    /// <summary>
    /// Closes a replaced connection: a close frame first (what tells the server to stop routing events to it), then it
    /// keeps reading until the server answers (2 s at most), so what Feishu sent before it saw the close is still
    /// handled, though no ack can follow the close frame; then the socket goes. Unacknowledged events on it are pushed
    /// again by Feishu.
    /// </summary>
    public async Task RetireAsync()
    {
        await CloseOutputAsync(CancellationToken.None).ConfigureAwait(false);
        await _completion.WaitAsync(TimeSpan.FromSeconds(2), _time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _running.CancelAsync().ConfigureAwait(false);
        await _completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Runs until the connection ends; returns why (for the log, and as a tag value). Never throws but for cancellation of <paramref name="cancellationToken"/>.</summary>
    private async Task<(string Reason, string Kind)> RunAsync(CancellationToken cancellationToken)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = HeartbeatAsync(connection.Token);
        try
        {
            return (await ReceiveLoopAsync(cancellationToken).ConfigureAwait(false), "closed");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ("closed by the client", "closed");
        }
#pragma warning disable CA1031 // Whatever broke the socket, the outcome is the same: this connection is over.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ($"{ex.GetType().Name}: {ex.Message}", "lost");
        }
        finally
        {
            await connection.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Sends one frame; false when the socket is gone (the caller has nothing better to do).</summary>
    public async Task<bool> SendAsync(Frame frame, CancellationToken cancellationToken)
    {
        var bytes = frame.ToByteArray();
        try
        {
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                return true;
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException or IOException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LongConnectionLog.SendFailed(_logger, ConnectionId, ex.GetType().Name);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _running.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        await _completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();

        // The send lock is not disposed: an ack of a handler still running may yet try it (and find the socket gone).
        _running.Dispose();
    }

    private async Task<string> ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var limit = _options.MaxFragmentedMessageBytes;
        var buffer = new ArrayBufferWriter<byte>(ReceiveChunk);
        while (true)
        {
            if (buffer.Capacity > KeepBufferBelow)
            {
                buffer = new ArrayBufferWriter<byte>(ReceiveChunk);
            }

            buffer.ResetWrittenCount();
            var oversized = false;
            ValueWebSocketReceiveResult result;
            do
            {
                var memory = buffer.GetMemory(ReceiveChunk);
                result = await _socket.ReceiveAsync(memory, cancellationToken).ConfigureAwait(false);
                // Any frame after a ping proves the socket carries data to us, not only a pong: fewer false alarms on a busy link.
                _liveness.Heard();
                _liveness.Answered();
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await CloseOutputAsync(cancellationToken).ConfigureAwait(false);
                    return $"the server closed the connection ({(int?)_socket.CloseStatus} {_socket.CloseStatusDescription})";
                }

                // Past the limit the rest of the message is read into the same chunk and discarded.
                if (!oversized)
                {
                    buffer.Advance(result.Count);
                    oversized = buffer.WrittenCount > limit;
                }
            }
            while (!result.EndOfMessage);

            if (oversized)
            {
                LongConnectionLog.OversizedMessage(_logger, ConnectionId, limit);
                continue;
            }

            if (result.MessageType != WebSocketMessageType.Binary)
            {
                LongConnectionLog.TextIgnored(_logger, ConnectionId);
                continue;
            }

            Frame frame;
            try
            {
                frame = Frame.Parser.ParseFrom(buffer.WrittenSpan);
            }
            catch (InvalidProtocolBufferException)
            {
                LongConnectionLog.InvalidFrame(_logger, ConnectionId, buffer.WrittenCount);
                continue;
            }

            OnFrame(frame, cancellationToken);
        }
    }

    private void OnFrame(Frame frame, CancellationToken cancellationToken)
    {
        var type = frame.GetHeader(Frames.HeaderType) ?? "";
        if (frame.Method == Frames.MethodControl)
        {
            // Inbound pings are ignored and control frames are never acknowledged.
            if (type == Frames.TypePong)
            {
                ApplyServerConfig(frame.Payload.Span);
            }

            return;
        }

        if (frame.Method != Frames.MethodData || type is not (Frames.TypeEvent or Frames.TypeCard))
        {
            LongConnectionLog.FrameIgnored(_logger, ConnectionId, frame.Method, type);
            return;
        }

        _onData?.Invoke(this);
        _fragments.DropExpired();
        var sum = frame.GetIntHeader(Frames.HeaderSum, 1);
        ReadOnlyMemory<byte> payload;
        if (sum <= 1)
        {
            payload = frame.Payload.Memory;
        }
        else
        {
            var messageId = frame.GetHeader(Frames.HeaderMessageId) ?? "";
            var whole = _fragments.Add(messageId, sum, frame.GetIntHeader(Frames.HeaderSeq, -1), frame.Payload.Memory);
            if (whole is null)
            {
                return;
            }

            payload = whole;
        }

        _processor.Process(this, frame, type, payload, _handlersToken);
    }

    private void ApplyServerConfig(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return;
        }

        FeishuLongConnectionConfig updated;
        bool ignoredPing;
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var document = JsonDocument.ParseValue(ref reader);
            updated = _config.Current.Overlay(document.RootElement, out ignoredPing);
        }
        catch (JsonException)
        {
            return; // a pong is a pong even with an unreadable config
        }

        _config.Set(updated);
        if (ignoredPing)
        {
            LongConnectionLog.PingIntervalIgnored(_logger, ConnectionId, updated.PingInterval);
        }

        LongConnectionLog.ConfigApplied(_logger, ConnectionId, updated.ReconnectCount, updated.ReconnectInterval, updated.ReconnectNonce, updated.PingInterval);
    }

    /// <summary>
    /// Pings at once and then every ping interval (re-read live, so a pong's config applies at once). Reports trouble
    /// when nothing at all arrives within the pong deadline of a ping, or for the watchdog's whole timeout.
    /// </summary>
    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested && !_trouble.Task.IsCompleted)
            {
                var changed = _config.Changed;
                var config = _config.Current;
                var verdict = _liveness.Check(Rule(config));
                if (verdict.IsDead)
                {
                    ReportDead(verdict, config);
                    return;
                }

                if (verdict.ProbeDue)
                {
                    _liveness.Probed();
                    if (!await SendAsync(Frames.Ping(_serviceId), cancellationToken).ConfigureAwait(false))
                    {
                        return; // the socket is gone; the receive loop reports why
                    }

                    continue;
                }

                using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                await Task.WhenAny(Task.Delay(verdict.RecheckIn, _time, wake.Token), changed, _trouble.Task).ConfigureAwait(false);
                await wake.CancelAsync().ConfigureAwait(false); // stop the timer when the config changed first
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // Feishu's intervals: the server's ping interval, our pong deadline, and the watchdog (three pings' worth by default);
    // an idle connection is pinged sooner, so a half-open one is found in seconds rather than at the next regular ping.
    private LivenessRule Rule(FeishuLongConnectionConfig config) =>
        new(_options.WatchdogTimeout ?? config.PingInterval * 3, config.PingInterval, _options.PongTimeout) { IdleProbe = _options.ProbeWhenIdle };

    private void ReportDead(LivenessVerdict verdict, FeishuLongConnectionConfig config)
    {
        if (verdict.Failure == LivenessFailure.Silence)
        {
            LongConnectionLog.WatchdogFired(_logger, ConnectionId, _options.WatchdogTimeout ?? config.PingInterval * 3);
        }
        else
        {
            LongConnectionLog.PongMissed(_logger, ConnectionId, _options.PongTimeout);
        }

        ReportTrouble(verdict.Reason!, ConnectionTelemetry.ReasonTag(verdict.Failure!.Value));
    }

    private async Task CloseOutputAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, linked.Token).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException or IOException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // closing politely is best effort
        }
    }
}
