using System.Net.WebSockets;
using Larkway.Shared.Clients;

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

    private readonly FrameSocket _socket;
    private readonly TaskCompletionSource _readEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _reading;

    public StreamConnection(string id, int slot, WebSocket socket, TimeProvider timeProvider)
    {
        Id = id;
        Slot = slot;
        _socket = new FrameSocket(socket, timeProvider, MaxFrameBytes);
        Liveness = new LivenessWatch(timeProvider, probeAtOnce: false);
    }

    public string Id { get; }

    /// <summary>Which of the client's connections this one is (they are replaced one by one).</summary>
    public int Slot { get; }

    /// <summary>
    /// This connection's signs of life (every frame, the server's pings included), the server's ping cadence and its run
    /// of pushes missed. DingTalk gives the client no frame to probe with (it sends acks only): the server's pings, which
    /// the application answers, are the end-to-end proof, and their absence is the probe's verdict.
    /// </summary>
    public LivenessWatch Liveness { get; }

    /// <summary>True once the server sent <c>disconnect</c>: it delivers nothing more here and closes the socket soon.</summary>
    public bool DisconnectAnnounced { get; private set; }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>
    /// Reads until the socket ends, calling <paramref name="onSystem"/> for SYSTEM frames other than ping and
    /// <paramref name="onFrame"/> for the rest (which must not block: it hands the frame on). Returns the reason it ended.
    /// </summary>
    public async Task<string> ReadAsync(Action<StreamConnection, StreamFrame> onFrame, Action<StreamConnection, StreamFrame> onSystem)
    {
        Interlocked.Exchange(ref _reading, 1);
        try
        {
            return await _socket.ReadAsync(async utf8 =>
            {
                Liveness.Heard();
                if (StreamFrame.TryParse(utf8.Span) is not { } frame)
                {
                    return;
                }

                if (frame.Type == "SYSTEM")
                {
                    if (frame.Topic == DingTalkStreamTopics.Ping)
                    {
                        Liveness.HeardServerPing();
                        await SendAsync(frame.PingReply(), CancellationToken.None).ConfigureAwait(false);
                        return;
                    }

                    if (frame.Topic == DingTalkStreamTopics.Disconnect)
                    {
                        DisconnectAnnounced = true;
                    }

                    onSystem(this, frame);
                    return;
                }

                onFrame(this, frame);
            }).ConfigureAwait(false);
        }
        finally
        {
            _readEnded.TrySetResult();
        }
    }

    /// <summary>Sends one text message; false when the socket is gone (the frame's ack is then lost with it).</summary>
    public Task<bool> SendAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken) => _socket.SendAsync(utf8, cancellationToken);

    /// <summary>
    /// Closes politely when the socket still answers, within <paramref name="timeout"/>; aborts otherwise. Until the
    /// server answers the close, the frames it sent before it saw ours are still read and handed on (their acks can no
    /// longer go out): DingTalk never sends a robot message again, so dropping them unread would lose them.
    /// </summary>
    public Task CloseAsync(TimeSpan timeout) =>
        _socket.CloseAsync("replaced", timeout, Volatile.Read(ref _reading) == 1 ? _readEnded.Task : null);

    public ValueTask DisposeAsync() => _socket.DisposeAsync();
}
