using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;

namespace Larkway.Bench.DingTalkIngest;

/// <summary>
/// One Stream connection the Hub opened to the fake DingTalk: frames go out through a queue with one writer (a WebSocket
/// takes one send at a time), each push stamped the moment its write starts; every message that comes back is stamped
/// the moment its last byte is read, before it is parsed, and handed to <see cref="FakeDingTalk"/>.
/// </summary>
internal sealed class StreamPeer(string id, WebSocket socket, FakeDingTalk server)
{
    private readonly Channel<Outgoing> _outbox = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });

    public string Id { get; } = id;

    /// <summary>Queues push <paramref name="index"/> of <paramref name="run"/>.</summary>
    public void Push(StreamPushRun run, int index, byte[] frame) => _outbox.Writer.TryWrite(new Outgoing(frame, run, index));

    /// <summary>
    /// A SYSTEM ping, as DingTalk sends every few seconds: the client echoes it, and replaces a connection that has heard
    /// nothing for a minute — which the pauses between rounds could otherwise reach.
    /// </summary>
    public void Ping()
    {
        var opaque = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var frame = "{\"specVersion\":\"1.0\",\"type\":\"SYSTEM\",\"headers\":{\"contentType\":\"application/json\","
            + $"\"messageId\":\"{FakeDingTalk.PingPrefix}{opaque}\",\"time\":\"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}\",\"topic\":\"ping\"}},"
            + $"\"data\":\"{{\\\"opaque\\\":\\\"{opaque}\\\"}}\"}}";
        _outbox.Writer.TryWrite(new Outgoing(Encoding.UTF8.GetBytes(frame), null, -1));
    }

    /// <summary>
    /// Writes and reads until the socket ends and says why it ended; a push queued to a connection that is gone is never
    /// acked (DingTalk loses it too).
    /// </summary>
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var writing = WriteAsync(cancellationToken);
        try
        {
            await ReadAsync(cancellationToken);
            return "closed by the Hub";
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            return cancellationToken.IsCancellationRequested ? "the driver stopped" : $"lost ({e.GetType().Name}: {e.Message})";
        }
        finally
        {
            _outbox.Writer.TryComplete();
            await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        var reader = _outbox.Reader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            while (reader.TryRead(out var item))
            {
                item.Run?.Written(item.Index, Stopwatch.GetTimestamp());
                await socket.SendAsync(item.Frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
        }
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken);
                return;
            }

            length += result.Count;
            if (!result.EndOfMessage)
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                continue;
            }

            var at = Stopwatch.GetTimestamp();
            server.OnClientMessage(buffer.AsMemory(0, length), at);
            length = 0;
        }
    }

    private readonly record struct Outgoing(byte[] Frame, StreamPushRun? Run, int Index);
}
