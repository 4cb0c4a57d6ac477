using System.Net.WebSockets;
using System.Text;
using Larkway.Emulator.Platform;

namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>Where a long connection is in its life.</summary>
public enum AiBotConnectionState
{
    /// <summary>Accepted, no successful <c>aibot_subscribe</c> yet.</summary>
    Connecting,

    /// <summary>Subscribed: the bot's current connection.</summary>
    Open,

    /// <summary>A fault: the TCP stays open but the server neither answers nor pushes.</summary>
    HalfOpen,

    Closed,
}

/// <summary>A connection as the control API lists it.</summary>
public sealed record AiBotConnectionView(string Id, string? BotId, string State, bool AnswersPings, long OpenedAtMs, long FramesIn, long FramesOut, long? ClosedAtMs, string? CloseReason);

/// <summary>One accepted WebSocket. State is guarded by the hub's lock; writes are serialised here (one writer at a time).</summary>
internal sealed class AiBotConnection(string id, WebSocket socket, DateTimeOffset openedAt)
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private long _framesIn;
    private long _framesOut;

    public string Id { get; } = id;

    public WebSocket Socket { get; } = socket;

    public DateTimeOffset OpenedAt { get; } = openedAt;

    public string? BotId { get; set; }

    public AiBotConnectionState State { get; set; } = AiBotConnectionState.Connecting;

    /// <summary>False under the "stop answering pings" fault.</summary>
    public bool AnswersPings { get; set; } = true;

    public DateTimeOffset? ClosedAt { get; set; }

    public string? CloseReason { get; set; }

    public long FramesIn => Interlocked.Read(ref _framesIn);

    public long FramesOut => Interlocked.Read(ref _framesOut);

    public void CountIn() => Interlocked.Increment(ref _framesIn);

    public AiBotConnectionView View() => new(Id, BotId, State.ToString().ToLowerInvariant(), AnswersPings, OpenedAt.ToUnixTimeMilliseconds(), FramesIn, FramesOut, ClosedAt?.ToUnixTimeMilliseconds(), CloseReason);

    /// <summary>Writes one text frame; false when the socket is gone (it is then aborted).</summary>
    public async Task<bool> SendAsync(string json, CancellationToken ct = default)
    {
        if (!await ClientSockets.SendAsync(Socket, _sendLock, json, Abort, ct))
        {
            return false;
        }

        Interlocked.Increment(ref _framesOut);
        return true;
    }

    /// <summary>Sends a close frame; a peer that does not answer it is cut off shortly after.</summary>
    public async Task CloseAsync(string reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _sendLock.WaitAsync(timeout.Token);
            try
            {
                if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason.Length > 100 ? reason[..100] : reason, timeout.Token);
                }
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

        _ = Task.Delay(TimeSpan.FromSeconds(2)).ContinueWith(_ => Abort(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
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
}
