using System.Net.WebSockets;
using System.Text;
using Larkway.Emulator.Platform;

namespace Larkway.Emulator.DingTalk.Stream;

/// <summary>One subscription named at the gateway: <c>EVENT</c> with a topic (<c>*</c> = all) or <c>CALLBACK</c> with a topic.</summary>
public sealed record DingTalkStreamSubscription(string Type, string Topic);

/// <summary>Where a connection is in its life.</summary>
public enum DingTalkStreamConnectionState
{
    /// <summary>In the delivery pool.</summary>
    Open,

    /// <summary>Sent <c>disconnect</c>: gets nothing new, closed after the grace.</summary>
    Disconnecting,

    /// <summary>A fault: still in the pool, but the server neither reads nor writes it.</summary>
    HalfOpen,

    /// <summary>Gone (kept in the list for tests).</summary>
    Closed,
}

/// <summary>
/// One accepted WebSocket. Its mutable state is guarded by the hub's lock; sends are serialised here because a
/// WebSocket allows one writer at a time.
/// </summary>
internal sealed class StreamConnection(string id, StreamTicket ticket, WebSocket socket, DateTimeOffset openedAt)
{
    /// <summary>How long a peer has to answer the server's close frame.</summary>
    private static readonly TimeSpan CloseAnswerWait = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _framesOut;
    private long _acksIn;

    public string Id { get; } = id;

    public string AppKey { get; } = ticket.AppKey;

    public IReadOnlyList<DingTalkStreamSubscription> Subscriptions { get; } = ticket.Subscriptions;

    /// <summary>What the client said about itself at the gateway (<c>ua</c>, <c>localIp</c>), for the connection list.</summary>
    public string? Ua { get; } = ticket.Ua;

    public string? LocalIp { get; } = ticket.LocalIp;

    public DateTimeOffset OpenedAt { get; } = openedAt;

    public WebSocket Socket { get; } = socket;

    public DingTalkStreamConnectionState State { get; set; } = DingTalkStreamConnectionState.Open;

    public string? CloseReason { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>The last ping sent and not yet echoed (its messageId and opaque), or null.</summary>
    public (string MessageId, string Opaque)? PendingPing { get; set; }

    public int MissedPings { get; set; }

    /// <summary>The last few pings (messageId, opaque), so a late echo still counts as a sign of life.</summary>
    public List<(string MessageId, string Opaque)> RecentPings { get; } = [];

    public ITimer? PingTimer { get; set; }

    public ITimer? DisconnectTimer { get; set; }

    public ITimer? CloseTimer { get; set; }

    public long FramesOut => Interlocked.Read(ref _framesOut);

    public long AcksIn => Interlocked.Read(ref _acksIn);

    /// <summary>Completes when the server has closed the connection (its request then ends).</summary>
    public Task Closed => _closed.Task;

    /// <summary>True when this connection should get frames of <paramref name="type"/> / <paramref name="topic"/>.</summary>
    public bool Subscribes(string type, string topic) =>
        Subscriptions.Any(s => s.Type == type && (s.Topic == topic || (type == StreamFrameTypes.Event && s.Topic == StreamTopics.AllEvents)));

    public void CountAck() => Interlocked.Increment(ref _acksIn);

    /// <summary>Writes one text frame; false when the socket is gone (it is then aborted).</summary>
    public async Task<bool> SendAsync(string json, CancellationToken ct)
    {
        if (!await ClientSockets.SendAsync(Socket, _sendLock, json, Abort, ct))
        {
            return false;
        }

        Interlocked.Increment(ref _framesOut);
        return true;
    }

    /// <summary>
    /// Sends a close frame. The peer's answer ends the receive loop, which releases the socket; a peer that does not
    /// answer is cut off shortly after. Aborting at once could reset the connection before the close frame is read.
    /// </summary>
    public async Task CloseGracefullyAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _sendLock.WaitAsync(timeout.Token);
            try
            {
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "disconnect", timeout.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            Abort();
            return;
        }

        _ = Task.Delay(CloseAnswerWait).ContinueWith(_ => Abort(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Drops the TCP connection without a close frame, as a network failure would.</summary>
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

    public void MarkClosed() => _closed.TrySetResult();

    public void DisposeTimers()
    {
        PingTimer?.Dispose();
        DisconnectTimer?.Dispose();
        CloseTimer?.Dispose();
        PingTimer = DisconnectTimer = CloseTimer = null;
    }
}
