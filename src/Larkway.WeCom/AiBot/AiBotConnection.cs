using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Larkway.Shared.Clients;

namespace Larkway.WeCom.AiBot;

/// <summary>
/// One WebSocket to WeCom's AI bot endpoint: reads frames, matches answers to the requests waiting for them by
/// <c>req_id</c>, sends one frame at a time, and keeps its signs of life and unanswered pings (<see cref="Liveness"/>). It knows nothing of
/// reconnecting: the client watches it and replaces it.
/// </summary>
internal sealed class AiBotConnection : IAsyncDisposable
{
    // The frames are JSON; a media chunk is 512 KB before base64 (~700 KB after). A larger frame is refused, not buffered.
    private const int MaxFrameBytes = 4 * 1024 * 1024;

    private readonly FrameSocket _socket;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<AiBotFrame>> _pending = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _closing;
    private string? _abortReason;

    public AiBotConnection(string id, WebSocket socket, TimeProvider time)
    {
        Id = id;
        _socket = new FrameSocket(socket, time, MaxFrameBytes);
        _time = time;

        // The subscribe's answer proves the link: the first ping is due a ping interval on.
        Liveness = new LivenessWatch(time, probeAtOnce: false);
    }

    public string Id { get; }

    public bool IsOpen => _socket.State == WebSocketState.Open && !_ended.Task.IsCompleted && Volatile.Read(ref _closing) == 0;

    /// <summary>Completes with the reason the connection ended, once its read loop is over.</summary>
    public Task<string> Ended => _ended.Task;

    /// <summary>Every frame is a sign of life; only a ping's answer answers a ping.</summary>
    public LivenessWatch Liveness { get; }

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

    private Task<string> ReadFramesAsync(Action<AiBotConnection, AiBotFrame> onPush) => _socket.ReadAsync(utf8 =>
    {
        Liveness.Heard();
        if (AiBotFrame.TryParse(utf8.Span) is not { } frame)
        {
            return ValueTask.CompletedTask;
        }

        if (frame.IsAnswer)
        {
            if (frame.ReqId.StartsWith(WeComAiBotCommands.Ping, StringComparison.Ordinal))
            {
                Liveness.Answered();
            }

            if (_pending.TryRemove(frame.ReqId, out var waiter))
            {
                waiter.TrySetResult(frame);
            }

            return ValueTask.CompletedTask;
        }

        onPush(this, frame);
        return ValueTask.CompletedTask;
    });

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

    /// <summary>Sends a <c>ping</c> and counts it as unanswered until its answer comes.</summary>
    public Task<bool> PingAsync(string reqId)
    {
        Liveness.Probed();
        return SendAsync(AiBotFrame.Write(WeComAiBotCommands.Ping, reqId, null), CancellationToken.None);
    }

    /// <summary>Sends one text message; false when the socket is gone.</summary>
    public Task<bool> SendAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken) => _socket.SendAsync(utf8, cancellationToken);

    /// <summary>Ends a connection found dead at once: no polite close (its peer would not answer), the read loop ends with <paramref name="reason"/>.</summary>
    public void Abort(string reason)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);
        _socket.Abort();
    }

    /// <summary>Closes politely when the socket still answers, within <paramref name="timeout"/>; aborts otherwise.</summary>
    public Task CloseAsync(string reason, TimeSpan timeout)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);
        Volatile.Write(ref _closing, 1);
        return _socket.CloseAsync("closing", timeout, _ended.Task);
    }

    public ValueTask DisposeAsync() => _socket.DisposeAsync();
}
