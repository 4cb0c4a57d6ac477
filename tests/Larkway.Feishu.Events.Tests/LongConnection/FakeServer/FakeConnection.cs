using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Google.Protobuf;
using Larkway.Feishu.Events.Tests.LongConnection.FakeServer.Wire;

namespace Larkway.Feishu.Events.Tests.LongConnection.FakeServer;

/// <summary>The server side of one accepted WebSocket.</summary>
internal sealed class FakeConnection
{
    private readonly WebSocket _socket;
    private readonly Action _abort;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Channel<Frame> _pings = Channel.CreateUnbounded<Frame>();
    private readonly Channel<Frame> _acks = Channel.CreateUnbounded<Frame>();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _requestGate = new();
    private long _nextSeq = 1000;
    private bool _requestEnded;
    private byte[]? _nextPongPayload;

    public FakeConnection(WebSocket socket, string deviceId, Action abort)
    {
        _socket = socket;
        DeviceId = deviceId;
        _abort = abort;
    }

    public string DeviceId { get; }

    public bool RespondToPings { get; set; } = true;

    /// <summary>The payload of the next pong only (a ClientConfig JSON); null sends none.</summary>
    public byte[]? NextPongPayload
    {
        get => Volatile.Read(ref _nextPongPayload);
        set => Volatile.Write(ref _nextPongPayload, value);
    }

    /// <summary>
    /// When set, the client's close is answered (with a close frame of this side's own) after this has run: what it sends
    /// is what the server had sent before it saw the close. When null, the request just ends.
    /// </summary>
    public Func<FakeConnection, Task>? BeforeAnsweringClose { get; set; }

    /// <summary>Completes when the socket is over (closed by either side or aborted).</summary>
    public Task Closed => _closed.Task;

    public async Task<Frame> NextPingAsync() => await _pings.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.HangGuard);

    public async Task<Frame> NextAckAsync() => await _acks.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.HangGuard);

    public bool TryReadAck(out Frame? ack) => _acks.Reader.TryRead(out ack);

    /// <summary>Sends one whole event (or card) frame; returns it.</summary>
    public async Task<Frame> SendDataAsync(byte[] payload, string messageId, string type = "event")
    {
        var frame = DataFrame(payload, messageId, sum: 1, seq: 0, type);
        await SendAsync(frame);
        return frame;
    }

    /// <summary>A data frame with every header the official clients require.</summary>
    public Frame DataFrame(byte[] payload, string messageId, int sum, int seq, string type = "event")
    {
        var id = (ulong)Interlocked.Increment(ref _nextSeq);
        return new Frame
        {
            SeqID = id,
            LogID = id * 10,
            Service = FakeLongConnectionServer.ServiceId,
            Method = 1,
            Headers =
            {
                new Header { Key = "type", Value = type },
                new Header { Key = "message_id", Value = messageId },
                new Header { Key = "sum", Value = sum.ToString(CultureInfo.InvariantCulture) },
                new Header { Key = "seq", Value = seq.ToString(CultureInfo.InvariantCulture) },
                new Header { Key = "trace_id", Value = "trace-" + messageId },
            },
            Payload = ByteString.CopyFrom(payload),
        };
    }

    public Task SendAsync(Frame frame) => SendRawAsync(frame.ToByteArray(), WebSocketMessageType.Binary);

    public Task SendTextAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public async Task CloseAsync()
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            // The client went first (on a loaded machine it may already be replacing this connection): it is closed either way.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public void Abort()
    {
        // Under the gate: once the request has ended, ASP.NET Core recycles its HttpContext, and aborting the socket
        // then reaches into a context that is no longer there (a NullReferenceException in DefaultHttpContext.Abort).
        lock (_requestGate)
        {
            if (_requestEnded || _closed.Task.IsCompleted)
            {
                return;
            }

            try
            {
                _socket.Abort();
                _abort();
            }
            catch (ObjectDisposedException)
            {
                // the socket was disposed meanwhile
            }
        }
    }

    /// <summary>Called by the request before it returns: from then on <see cref="Abort"/> leaves the socket alone.</summary>
    internal void EndRequest()
    {
        lock (_requestGate)
        {
            _requestEnded = true;
        }
    }

    internal async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.GetMemory(8192), cancellationToken);
                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (BeforeAnsweringClose is { } lastWords)
                    {
                        await lastWords(this);
                        await CloseAsync();
                    }

                    return;
                }

                var frame = Frame.Parser.ParseFrom(buffer.WrittenSpan);
                if (frame.Method == 0 && frame.Headers.Any(h => h is { Key: "type", Value: "ping" }))
                {
                    _pings.Writer.TryWrite(frame);
                    if (RespondToPings)
                    {
                        await SendAsync(Pong(frame));
                    }
                }
                else
                {
                    _acks.Writer.TryWrite(frame);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    private Frame Pong(Frame ping)
    {
        var pong = new Frame
        {
            SeqID = 0,
            LogID = 0,
            Service = ping.Service,
            Method = 0,
            Headers = { new Header { Key = "type", Value = "pong" } },
        };
        if (Interlocked.Exchange(ref _nextPongPayload, null) is { } payload)
        {
            pong.Payload = ByteString.CopyFrom(payload);
        }

        return pong;
    }

    private async Task SendRawAsync(byte[] bytes, WebSocketMessageType type)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
