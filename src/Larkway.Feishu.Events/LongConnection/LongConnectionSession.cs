using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Google.Protobuf;
using Larkway.Feishu.Events.LongConnection.Wire;
using Microsoft.Extensions.Logging;

namespace Larkway.Feishu.Events.LongConnection;

/// <summary>
/// One open WebSocket: a receive loop (frames in, fragments reassembled, data handed to the processor)
/// and a heartbeat loop (pings every ping interval, the liveness watchdog). Sends are serialized by one
/// lock: a WebSocket allows one sender at a time, and acks, pings and the close share it.
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
    private long _lastInbound;
    private string? _abortReason;

    public LongConnectionSession(
        ClientWebSocket socket,
        DiscoveredEndpoint endpoint,
        FeishuLongConnectionOptions options,
        LongConnectionConfigState config,
        DataFrameProcessor processor,
        ILogger logger)
    {
        _socket = socket;
        _serviceId = endpoint.ServiceId;
        ConnectionId = endpoint.ConnectionId;
        _options = options;
        _config = config;
        _processor = processor;
        _logger = logger;
        _time = options.TimeProvider;
        _lastInbound = _time.GetTimestamp();
        _fragments = new FragmentAssembler(
            options.MaxPendingFragmentedMessages,
            options.MaxFragmentedMessageBytes,
            options.FragmentTimeout,
            _time,
            (messageId, reason) => LongConnectionLog.FragmentsDropped(_logger, ConnectionId, messageId, reason));
    }

    /// <summary>The URL's <c>device_id</c>.</summary>
    public string ConnectionId { get; }

    /// <summary>Runs until the connection ends; returns why (for the log). Never throws but for cancellation of <paramref name="cancellationToken"/>.</summary>
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = HeartbeatAsync(connection.Token);
        try
        {
            return await ReceiveLoopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Whatever broke the socket, the outcome is the same: this connection is over.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Volatile.Read(ref _abortReason) ?? $"{ex.GetType().Name}: {ex.Message}";
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

    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        _sendLock.Dispose();
        return ValueTask.CompletedTask;
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
                Volatile.Write(ref _lastInbound, _time.GetTimestamp());
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

        _processor.Process(this, frame, type, payload, cancellationToken);
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

    /// <summary>Pings at once and then every ping interval (re-read live, so a pong's config applies at once), and drops a silent connection.</summary>
    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            long? lastPing = null;
            while (!cancellationToken.IsCancellationRequested)
            {
                var changed = _config.Changed;
                var config = _config.Current;
                if (lastPing is null || _time.GetElapsedTime(lastPing.Value) >= config.PingInterval)
                {
                    lastPing = _time.GetTimestamp();
                    if (!await SendAsync(Frames.Ping(_serviceId), cancellationToken).ConfigureAwait(false))
                    {
                        return; // the socket is gone; the receive loop reports why
                    }
                }

                var wait = config.PingInterval - _time.GetElapsedTime(lastPing.Value);
                var watchdog = _options.WatchdogTimeout ?? config.PingInterval * 3;
                if (watchdog > TimeSpan.Zero && watchdog != Timeout.InfiniteTimeSpan)
                {
                    var silent = _time.GetElapsedTime(Volatile.Read(ref _lastInbound));
                    if (silent >= watchdog)
                    {
                        LongConnectionLog.WatchdogFired(_logger, ConnectionId, watchdog);
                        Volatile.Write(ref _abortReason, $"nothing received for {watchdog}");
                        _socket.Abort();
                        return;
                    }

                    wait = wait < watchdog - silent ? wait : watchdog - silent;
                }

                if (wait > TimeSpan.Zero)
                {
                    using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    await Task.WhenAny(Task.Delay(wait, _time, wake.Token), changed).ConfigureAwait(false);
                    await wake.CancelAsync().ConfigureAwait(false); // stop the timer when the config changed first
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
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
