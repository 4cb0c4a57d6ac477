using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace Larkway.WeCom.AiBot;

/// <summary>
/// One WebSocket to WeCom's AI bot endpoint: reads frames, matches answers to the requests waiting for them by
/// <c>req_id</c>, sends one frame at a time, and counts the pings it sent that are still unanswered. It knows nothing of
/// reconnecting: the client watches it and replaces it.
/// </summary>
internal sealed class AiBotConnection : IAsyncDisposable
{
    // The frames are JSON; a media chunk is 512 KB before base64 (~700 KB after). A larger frame is refused, not buffered.
    private const int MaxFrameBytes = 4 * 1024 * 1024;

    private readonly WebSocket _socket;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<AiBotFrame>> _pending = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastFrameTimestamp;
    private int _missedPongs;
    private string? _abortReason;
    private int _disposed;

    public AiBotConnection(string id, WebSocket socket, TimeProvider time)
    {
        Id = id;
        _socket = socket;
        _time = time;
        _lastFrameTimestamp = time.GetTimestamp();
    }

    public string Id { get; }

    public bool IsOpen => _socket.State == WebSocketState.Open && !_ended.Task.IsCompleted;

    /// <summary>Completes with the reason the connection ended, once its read loop is over.</summary>
    public Task<string> Ended => _ended.Task;

    /// <summary>How long since the last frame of any kind arrived.</summary>
    public TimeSpan Silence => _time.GetElapsedTime(Interlocked.Read(ref _lastFrameTimestamp));

    /// <summary>Pings sent and not answered yet.</summary>
    public int MissedPongs => Volatile.Read(ref _missedPongs);

    /// <summary>True once the server said another connection took over (<c>disconnected_event</c>).</summary>
    public bool TakenOver { get; set; }

    /// <summary>Reads until the socket ends; <paramref name="onPush"/> gets every frame with a <c>cmd</c> (it must not block).</summary>
    public async Task ReadAsync(Action<AiBotConnection, AiBotFrame> onPush)
    {
        string reason;
        try
        {
            reason = await ReadFramesAsync(onPush).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever ends the read loop ends the connection, and is its reason: a fault here must not leave it open and unread.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            reason = $"failed ({ex.GetType().Name}: {ex.Message})";
            _socket.Abort();
        }

        Finish(reason);
    }

    private async Task<string> ReadFramesAsync(Action<AiBotConnection, AiBotFrame> onPush)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var message = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (true)
            {
                message.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(), _stop.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return $"closed by the server ({_socket.CloseStatus} {_socket.CloseStatusDescription})";
                    }

                    if (message.WrittenCount + result.Count > MaxFrameBytes)
                    {
                        return $"a frame over {MaxFrameBytes} bytes";
                    }

                    message.Write(buffer.AsSpan(0, result.Count));
                }
                while (!result.EndOfMessage);

                Interlocked.Exchange(ref _lastFrameTimestamp, _time.GetTimestamp());
                if (AiBotFrame.TryParse(message.WrittenSpan) is not { } frame)
                {
                    continue;
                }

                if (frame.IsAnswer)
                {
                    if (frame.ReqId.StartsWith(WeComAiBotCommands.Ping, StringComparison.Ordinal))
                    {
                        Interlocked.Exchange(ref _missedPongs, 0);
                    }

                    if (_pending.TryRemove(frame.ReqId, out var waiter))
                    {
                        waiter.TrySetResult(frame);
                    }

                    continue;
                }

                onPush(this, frame);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return "closed by the client";
        }
        catch (WebSocketException ex)
        {
            // A missed keep-alive pong aborts the socket here too: a half-open connection ends this way.
            return $"lost ({ex.WebSocketErrorCode}: {ex.Message})";
        }
        catch (IOException ex)
        {
            return $"lost ({ex.Message})";
        }
        catch (ObjectDisposedException)
        {
            return "closed by the client";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Finish(string reason)
    {
        var final = Volatile.Read(ref _abortReason) ?? reason;
        _ended.TrySetResult(final);
        foreach (var (reqId, waiter) in _pending)
        {
            if (_pending.TryRemove(reqId, out _))
            {
                waiter.TrySetException(new WeComApiException(WeComErrorCodes.NetworkError, $"The AI bot connection ended before the answer to {reqId} came ({final})."));
            }
        }
    }

    /// <summary>
    /// Sends a frame and waits for the answer with the same req_id, up to <paramref name="timeout"/>. The answer is
    /// returned whatever its errcode; a timeout, a lost connection or a failed send throw.
    /// </summary>
    public async Task<AiBotFrame> RequestAsync(string cmd, string reqId, JsonObject? body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource<AiBotFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(reqId, waiter))
        {
            throw new InvalidOperationException($"A request with req_id {reqId} is already waiting for its answer on this connection.");
        }

        try
        {
            if (!await SendAsync(AiBotFrame.Write(cmd, reqId, body), cancellationToken).ConfigureAwait(false))
            {
                throw new WeComApiException(WeComErrorCodes.NetworkError, $"The AI bot connection is closed; {cmd} ({reqId}) was not sent.");
            }

            if (_ended.Task.IsCompleted)
            {
                throw new WeComApiException(WeComErrorCodes.NetworkError, $"The AI bot connection ended before the answer to {reqId} came ({_ended.Task.Result}).");
            }

            try
            {
                return await waiter.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                throw new WeComApiException(WeComErrorCodes.Timeout, $"WeCom did not answer {cmd} ({reqId}) within {timeout.TotalSeconds:0.#} s.", innerException: ex);
            }
        }
        finally
        {
            _pending.TryRemove(KeyValuePair.Create(reqId, waiter));
        }
    }

    /// <summary>Sends a <c>ping</c> and counts it as missed until its answer comes.</summary>
    public Task<bool> PingAsync(string reqId)
    {
        Interlocked.Increment(ref _missedPongs);
        return SendAsync(AiBotFrame.Write(WeComAiBotCommands.Ping, reqId, null), CancellationToken.None);
    }

    /// <summary>Sends one text message; false when the socket is gone.</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_socket.State != WebSocketState.Open)
            {
                return false;
            }

            await _socket.SendAsync(utf8, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Ends a connection found dead at once: no polite close (its peer would not answer), the read loop ends with <paramref name="reason"/>.</summary>
    public void Abort(string reason)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);
        _stop.Cancel();
        _socket.Abort();
    }

    /// <summary>Closes politely when the socket still answers, within <paramref name="timeout"/>; aborts otherwise.</summary>
    public async Task CloseAsync(string reason, TimeSpan timeout)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var deadline = new CancellationTokenSource(timeout, _time);
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closing", deadline.Token).ConfigureAwait(false);
                await _ended.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                // A socket that cannot close politely, or a server that does not answer in time, is aborted below.
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        _socket.Dispose();
    }
}
