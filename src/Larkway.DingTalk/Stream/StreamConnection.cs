using System.Buffers;
using System.Net.WebSockets;

namespace Larkway.DingTalk.Stream;

/// <summary>
/// One WebSocket to DingTalk: reads frames, answers SYSTEM pings at once (however busy the handlers are), notes the
/// server's <c>disconnect</c>, and sends acks one at a time (a WebSocket takes one send at a time). It knows nothing of
/// reconnecting: the Stream client watches it and replaces it.
/// </summary>
internal sealed class StreamConnection : IAsyncDisposable
{
    // DingTalk's frames are small JSON documents; a larger one is refused rather than buffered without bound.
    private const int MaxFrameBytes = 4 * 1024 * 1024;

    private readonly WebSocket _socket;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private long _lastFrameTimestamp;
    private readonly TaskCompletionSource _readEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pushesElsewhere;
    private long _streakReachedTimestamp;
    private int _reading;
    private int _disposed;

    public StreamConnection(string id, int slot, WebSocket socket, TimeProvider timeProvider)
    {
        Id = id;
        Slot = slot;
        _socket = socket;
        _timeProvider = timeProvider;
        _lastFrameTimestamp = timeProvider.GetTimestamp();
    }

    public string Id { get; }

    /// <summary>Which of the client's connections this one is (they are replaced one by one).</summary>
    public int Slot { get; }

    /// <summary>
    /// Counts a push that reached another of the app's connections; returns how many in a row this one has missed, and how
    /// long ago that run reached <paramref name="streak"/> (zero until it has, and when it just did).
    /// </summary>
    public (int Missed, TimeSpan SinceStreak) MissedPush(int streak)
    {
        var missed = Interlocked.Increment(ref _pushesElsewhere);
        if (missed < streak)
        {
            return (missed, TimeSpan.Zero);
        }

        var now = _timeProvider.GetTimestamp();
        var reached = Interlocked.CompareExchange(ref _streakReachedTimestamp, now, 0);
        return (missed, reached == 0 ? TimeSpan.Zero : _timeProvider.GetElapsedTime(reached, now));
    }

    /// <summary>This connection got a push: its run of misses ends.</summary>
    public void GotPush()
    {
        Interlocked.Exchange(ref _pushesElsewhere, 0);
        Interlocked.Exchange(ref _streakReachedTimestamp, 0);
    }

    /// <summary>True once the server sent <c>disconnect</c>: it delivers nothing more here and closes the socket soon.</summary>
    public bool DisconnectAnnounced { get; private set; }

    /// <summary>How long since the last frame of any kind (pings included) arrived.</summary>
    public TimeSpan Silence => _timeProvider.GetElapsedTime(Interlocked.Read(ref _lastFrameTimestamp));

    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>
    /// Reads until the socket ends, calling <paramref name="onSystem"/> for SYSTEM frames other than ping and
    /// <paramref name="onFrame"/> for the rest (which must not block: it hands the frame on). Returns the reason it ended.
    /// </summary>
    public async Task<string> ReadAsync(Action<StreamConnection, StreamFrame> onFrame, Action<StreamConnection, StreamFrame> onSystem)
    {
        Interlocked.Exchange(ref _reading, 1);
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

                Interlocked.Exchange(ref _lastFrameTimestamp, _timeProvider.GetTimestamp());
                if (StreamFrame.TryParse(message.WrittenSpan) is not { } frame)
                {
                    continue;
                }

                if (frame.Type == "SYSTEM")
                {
                    if (frame.Topic == DingTalkStreamTopics.Ping)
                    {
                        await SendAsync(frame.PingReply(), CancellationToken.None).ConfigureAwait(false);
                        continue;
                    }

                    if (frame.Topic == DingTalkStreamTopics.Disconnect)
                    {
                        DisconnectAnnounced = true;
                    }

                    onSystem(this, frame);
                    continue;
                }

                onFrame(this, frame);
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
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _readEnded.TrySetResult();
        }
    }

    /// <summary>Sends one text message; false when the socket is gone (the frame's ack is then lost with it).</summary>
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

    /// <summary>
    /// Closes politely when the socket still answers, within <paramref name="timeout"/>; aborts otherwise. Until the
    /// server answers the close, the frames it sent before it saw ours are still read and handed on (their acks can no
    /// longer go out): DingTalk never sends a robot message again, so dropping them unread would lose them.
    /// </summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var deadline = new CancellationTokenSource(timeout, _timeProvider);
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "replaced", deadline.Token).ConfigureAwait(false);
                if (Volatile.Read(ref _reading) == 1)
                {
                    await _readEnded.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
                }
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
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
