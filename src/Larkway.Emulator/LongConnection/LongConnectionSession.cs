using System.Net.WebSockets;
using Google.Protobuf;
using Larkway.Emulator.LongConnection.Wire;

namespace Larkway.Emulator.LongConnection;

/// <summary>One accepted WebSocket of an app. Sends are serialised: a WebSocket allows one writer at a time.</summary>
internal sealed class LongConnectionSession(string appId, string deviceId, int serviceId, WebSocket socket, DateTimeOffset connectedAt) : IDisposable
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private long _seq;

    public string AppId { get; } = appId;

    public string DeviceId { get; } = deviceId;

    public int ServiceId { get; } = serviceId;

    public DateTimeOffset ConnectedAt { get; } = connectedAt;

    public WebSocket Socket { get; } = socket;

    /// <summary>
    /// A fault: the server's frames to this connection vanish and what the client sends is ignored, but the socket is
    /// still read, so the client's close takes it out of the rotation. The server cannot tell: events still go to it.
    /// </summary>
    public bool HalfOpen
    {
        get => Volatile.Read(ref _halfOpen) != 0;
        set => Volatile.Write(ref _halfOpen, value ? 1 : 0);
    }

    private int _halfOpen;

    public ulong NextSeq() => (ulong)Interlocked.Increment(ref _seq);

    /// <summary>Sends frames in order; false when the socket is gone (the receive loop then detaches the session).</summary>
    public async Task<bool> SendAsync(IReadOnlyList<Frame> frames, CancellationToken ct)
    {
        try
        {
            await _sendLock.WaitAsync(ct);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }

        try
        {
            foreach (var frame in frames)
            {
                await Socket.SendAsync(frame.ToByteArray(), WebSocketMessageType.Binary, endOfMessage: true, ct);
            }

            return true;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            Abort();
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Starts the close handshake from the server's side (status 1001, going away); the receive loop sees the client's answer.</summary>
    public async Task CloseAsync(CancellationToken ct)
    {
        try
        {
            await _sendLock.WaitAsync(ct);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            return;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await Socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "server going away", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            Abort();
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Drops the TCP connection without a close handshake, as a network failure would.</summary>
    public void Abort()
    {
        try
        {
            Socket.Abort();
        }
        catch (ObjectDisposedException)
        {
            // already gone
        }
    }

    // The semaphore is not disposed: a send may still be releasing it, and it holds no wait handle.
    public void Dispose() => Socket.Dispose();
}
