using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Google.Protobuf;
using Larkway.Emulator.Tests.Infrastructure;
using Larkway.Emulator.Tests.LongConnection.Wire;

namespace Larkway.Emulator.Tests.LongConnection;

/// <summary>An event as the client reassembled it: its frames (in arrival order) and the joined JSON.</summary>
internal sealed record ReceivedEvent(string MessageId, IReadOnlyList<Frame> Frames, string Json)
{
    public Frame First => Frames[0];

    public string Header(string key) => Frames[0].Headers.First(h => h.Key == key).Value;

    public JsonElement Body => JsonDocument.Parse(Json).RootElement;
}

/// <summary>
/// A bare long-connection client on <see cref="ClientWebSocket"/> with the tests' own protobuf copy:
/// discovery, connect, a background reader into a channel, ping, ack.
/// </summary>
internal sealed class LcTestClient : IAsyncDisposable
{
    /// <summary>A failure guard only: tests wait on signals, this bounds a hang.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    private readonly Channel<Frame> _frames = Channel.CreateUnbounded<Frame>();
    private readonly Dictionary<string, Frame?[]> _fragments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Frame>> _arrived = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;

    private LcTestClient(ClientWebSocket socket, Uri url)
    {
        Socket = socket;
        Url = url;
        _reader = Task.Run(ReadAsync);
    }

    public ClientWebSocket Socket { get; }

    public Uri Url { get; }

    public int ServiceId => int.Parse(Query("service_id"), System.Globalization.CultureInfo.InvariantCulture);

    public string DeviceId => Query("device_id");

    /// <summary>Completes when the server closes or drops the socket.</summary>
    public Task Closed => _closed.Task;

    public static async Task<Reply> DiscoverAsync(TestEmulator emulator, string? appId = null, string? secret = null) =>
        await emulator.PostJsonAsync("/callback/ws/endpoint", new { AppID = appId ?? emulator.Options.AppId, AppSecret = secret ?? emulator.Options.AppSecret });

    public static async Task<Uri> DiscoverUrlAsync(TestEmulator emulator)
    {
        using var reply = await DiscoverAsync(emulator);
        Assert.Equal(0, reply.Code);
        return new Uri(reply.Data.GetProperty("URL").GetString()!);
    }

    public static async Task<LcTestClient> ConnectAsync(TestEmulator emulator) => await ConnectAsync(await DiscoverUrlAsync(emulator));

    public static async Task<LcTestClient> ConnectAsync(Uri url)
    {
        var socket = new ClientWebSocket();
        using var guard = new CancellationTokenSource(Guard);
        await socket.ConnectAsync(url, guard.Token);
        return new LcTestClient(socket, url);
    }

    /// <summary>A handshake expected to fail: the HTTP status and the Handshake-* headers.</summary>
    public static async Task<(int Status, IReadOnlyDictionary<string, IEnumerable<string>> Headers)> RefusedHandshakeAsync(Uri url)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        using var guard = new CancellationTokenSource(Guard);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(url, guard.Token));
        return ((int)socket.HttpStatusCode, socket.HttpResponseHeaders ?? new Dictionary<string, IEnumerable<string>>());
    }

    public async Task<Frame> NextFrameAsync()
    {
        using var guard = new CancellationTokenSource(Guard);
        try
        {
            return await _frames.Reader.ReadAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no frame arrived");
        }
    }

    public int Buffered => _frames.Reader.Count;

    /// <summary>The next complete event, reassembled from its fragments by seq.</summary>
    public async Task<ReceivedEvent> NextEventAsync()
    {
        while (true)
        {
            var frame = await NextFrameAsync();
            if (frame.Method != 1)
            {
                continue;
            }

            var id = Header(frame, "message_id");
            var sum = int.Parse(Header(frame, "sum"), System.Globalization.CultureInfo.InvariantCulture);
            var seq = int.Parse(Header(frame, "seq"), System.Globalization.CultureInfo.InvariantCulture);
            if (!_fragments.TryGetValue(id, out var slots) || slots.Length != sum)
            {
                slots = new Frame?[sum];
                _fragments[id] = slots;
                _arrived[id] = [];
            }

            slots[seq] = frame;
            _arrived[id].Add(frame);
            if (slots.All(s => s is not null))
            {
                _fragments.Remove(id);
                var arrived = _arrived[id];
                _arrived.Remove(id);
                var bytes = slots.SelectMany(s => s!.Payload.ToByteArray()).ToArray();
                return new ReceivedEvent(id, arrived, Encoding.UTF8.GetString(bytes));
            }
        }
    }

    public async Task PingAsync(int? service = null)
    {
        var ping = new Frame { SeqID = 0, LogID = 0, Service = service ?? ServiceId, Method = 0 };
        ping.Headers.Add(new Header { Key = "type", Value = "ping" });
        await SendAsync(ping);
    }

    /// <summary>Acks as the SDKs do: the same frame, its headers plus biz_rt, payload {"code","headers","data"}.</summary>
    public async Task AckAsync(ReceivedEvent received, int code = 200, string? dataJson = null)
    {
        var ack = received.First.Clone();
        ack.Headers.Add(new Header { Key = "biz_rt", Value = "3" });
        var payload = JsonSerializer.Serialize(new { code, headers = (object?)null, data = dataJson is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(dataJson)) });
        ack.Payload = ByteString.CopyFromUtf8(payload);
        await SendAsync(ack);
    }

    public async Task SendAsync(Frame frame)
    {
        using var guard = new CancellationTokenSource(Guard);
        await Socket.SendAsync(frame.ToByteArray(), WebSocketMessageType.Binary, true, guard.Token);
    }

    public static string Header(Frame frame, string key) => frame.Headers.First(h => h.Key == key).Value;

    public async ValueTask DisposeAsync()
    {
        Socket.Abort();
        await _reader;
        Socket.Dispose();
    }

    private string Query(string name) =>
        Url.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).First(p => p[0] == name)[1];

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await Socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    _frames.Writer.TryWrite(Frame.Parser.ParseFrom(message.ToArray()));
                    message.SetLength(0);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // dropped
        }
        finally
        {
            _closed.TrySetResult();
        }
    }
}
