using System.Buffers;
using System.Net.WebSockets;

namespace Larkway.Shared.Clients;

/// <summary>
/// The transport half of a long connection (DingTalk's Stream, WeCom's AI bot): reads whole text frames up to a size
/// limit, sends one frame at a time (a WebSocket takes one send at a time), and closes
/// politely or aborts. What the frames mean — pings, acks, pushes — stays with each library's connection.
/// </summary>
internal sealed class FrameSocket(WebSocket socket, TimeProvider timeProvider, int maxFrameBytes) : IAsyncDisposable
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private int _disposed;

    public WebSocketState State => socket.State;

    /// <summary>
    /// Opens a client WebSocket to <paramref name="url"/> that sends WebSocket pings every
    /// <paramref name="keepAliveInterval"/> with <paramref name="keepAliveTimeout"/> for their pongs: a half-open socket is
    /// aborted instead of waiting for TCP.
    /// </summary>
    public static async Task<WebSocket> ConnectAsync(Uri url, TimeSpan keepAliveInterval, TimeSpan keepAliveTimeout, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = keepAliveInterval;
        socket.Options.KeepAliveTimeout = keepAliveTimeout;
        try
        {
            await socket.ConnectAsync(url, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads until the socket ends, handing each whole frame to <paramref name="onFrame"/> (its bytes are valid only until
    /// the returned task completes). Returns the reason it ended; a fault of <paramref name="onFrame"/> is thrown.
    /// </summary>
    public async Task<string> ReadAsync(Func<ReadOnlyMemory<byte>, ValueTask> onFrame)
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
                    result = await socket.ReceiveAsync(buffer.AsMemory(), _stop.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return $"closed by the server ({socket.CloseStatus} {socket.CloseStatusDescription})";
                    }

                    if (message.WrittenCount + result.Count > maxFrameBytes)
                    {
                        return $"a frame over {maxFrameBytes} bytes";
                    }

                    message.Write(buffer.AsSpan(0, result.Count));
                }
                while (!result.EndOfMessage);

                await onFrame(message.WrittenMemory).ConfigureAwait(false);
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

    /// <summary>Sends one text frame; false when the socket is gone.</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (socket.State != WebSocketState.Open)
            {
                return false;
            }

            await socket.SendAsync(utf8, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Ends the connection at once: no polite close (a dead peer would not answer); the read loop ends.</summary>
    public void Abort()
    {
        _stop.Cancel();
        socket.Abort();
    }

    /// <summary>
    /// Closes politely when the socket still answers — sends the close, then waits for <paramref name="readEnded"/> (the
    /// read loop seeing the server's close), within <paramref name="timeout"/> — and aborts otherwise.
    /// </summary>
    public async Task CloseAsync(string description, TimeSpan timeout, Task? readEnded)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var deadline = new CancellationTokenSource(timeout, timeProvider);
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, description, deadline.Token).ConfigureAwait(false);
                if (readEnded is not null)
                {
                    await readEnded.WaitAsync(deadline.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                // A socket that cannot close politely, or a server that does not answer in time, is aborted below.
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        socket.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        socket.Abort();
        socket.Dispose();
    }
}
