using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Larkway.Emulator.DingTalk.Stream;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.DingTalk.Stream;

/// <summary>A frame as the client read it off the socket.</summary>
internal sealed record ReceivedFrame(JsonElement Root)
{
    public string Type => Root.GetProperty("type").GetString()!;

    public string Topic => Header("topic")!;

    public string MessageId => Header("messageId")!;

    public string Data => Root.GetProperty("data").GetString()!;

    public JsonElement DataJson => JsonDocument.Parse(Data).RootElement;

    public string? Header(string name) =>
        Root.GetProperty("headers").TryGetProperty(name, out var value) ? value.GetString() : null;
}

/// <summary>
/// A bare Stream client on <see cref="ClientWebSocket"/>, written from the protocol as the official Node client
/// (dingtalk-stream 2.1.5) behaves: gateway POST with Accept: application/json, connect to endpoint?ticket=…, echo
/// SYSTEM ping as {code:200, headers: the ping's headers, message:"OK", data: the ping's data}, ack with
/// {code, headers:{contentType, messageId}, message, data: JSON string}.
/// </summary>
internal sealed class StreamTestClient : IAsyncDisposable
{
    /// <summary>A failure guard only: tests wait on signals, this bounds a hang.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    public static readonly object[] DefaultSubscriptions =
    [
        new { type = "EVENT", topic = "*" },
        new { type = "CALLBACK", topic = StreamTopics.RobotMessage },
        new { type = "CALLBACK", topic = StreamTopics.CardCallback },
    ];

    private readonly Channel<ReceivedFrame> _frames = Channel.CreateUnbounded<ReceivedFrame>();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;

    private StreamTestClient(ClientWebSocket socket, bool echoPings)
    {
        Socket = socket;
        EchoPings = echoPings;
        _reader = Task.Run(ReadAsync);
    }

    public ClientWebSocket Socket { get; }

    /// <summary>Answers pings as the official client does; off, the client stays silent.</summary>
    public bool EchoPings { get; set; }

    /// <summary>Completes when the server closes or drops the socket.</summary>
    public Task Closed => _closed.Task;

    /// <summary>True when the server ended the connection with a close frame (false: the TCP connection just went).</summary>
    public bool ClosedWithCloseFrame { get; private set; }

    public static async Task<Reply> OpenAsync(TestEmulator emulator, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dingtalk/v1.0/gateway/connections/open")
        {
            Content = new StringContent(JsonSerializer.Serialize(body ?? GatewayBody(emulator)), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        return await Reply.ReadAsync(await emulator.Http.SendAsync(request));
    }

    public static object GatewayBody(TestEmulator emulator, object[]? subscriptions = null, string? clientId = null, string? clientSecret = null) => new
    {
        clientId = clientId ?? emulator.Options.DingTalkStream.ClientId,
        clientSecret = clientSecret ?? emulator.Options.DingTalkStream.ClientSecret,
        subscriptions = subscriptions ?? DefaultSubscriptions,
        ua = "larkway-tests/1.0",
        localIp = "127.0.0.1",
    };

    /// <summary>The URL to connect to, as the Node client builds it: <c>${endpoint}?ticket=${ticket}</c>.</summary>
    public static async Task<Uri> TicketUrlAsync(TestEmulator emulator, object[]? subscriptions = null)
    {
        using var reply = await OpenAsync(emulator, GatewayBody(emulator, subscriptions));
        Assert.Equal(200, reply.Status);
        return new Uri($"{reply.Json.GetProperty("endpoint").GetString()}?ticket={reply.Json.GetProperty("ticket").GetString()}");
    }

    public static async Task<StreamTestClient> ConnectAsync(TestEmulator emulator, object[]? subscriptions = null, bool echoPings = true) =>
        await ConnectAsync(emulator, await TicketUrlAsync(emulator, subscriptions), echoPings);

    /// <summary>
    /// Connects and waits until the server has the connection in its pool: the client sees the 101 a moment before the
    /// server registers the socket, and a push in between would find no connection.
    /// </summary>
    public static async Task<StreamTestClient> ConnectAsync(TestEmulator emulator, Uri url, bool echoPings = true)
    {
        var before = emulator.Server.DingTalkStream.Connections().Count;
        var client = await ConnectAsync(url, echoPings);
        await StreamTestHelpers.WaitUntilAsync(() => emulator.Server.DingTalkStream.Connections().Count > before, "the server to register the connection");
        return client;
    }

    public static async Task<StreamTestClient> ConnectAsync(Uri url, bool echoPings = true)
    {
        var socket = new ClientWebSocket();
        using var guard = new CancellationTokenSource(Guard);
        await socket.ConnectAsync(url, guard.Token);
        return new StreamTestClient(socket, echoPings);
    }

    /// <summary>A WebSocket handshake expected to fail: the HTTP status the client saw.</summary>
    public static async Task<int> RefusedStatusAsync(Uri url)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        using var guard = new CancellationTokenSource(Guard);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(url, guard.Token));
        return (int)socket.HttpStatusCode;
    }

    /// <summary>The same refused upgrade over plain HTTP, to read the JSON reason (ClientWebSocket does not expose bodies).</summary>
    public static async Task<Reply> RefusedUpgradeAsync(TestEmulator emulator, Uri url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.Server.BaseUrl, url.PathAndQuery));
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
        return await Reply.ReadAsync(await emulator.Http.SendAsync(request));
    }

    /// <summary>The next frame that matches (others are skipped), within the guard.</summary>
    public async Task<ReceivedFrame> NextAsync(Func<ReceivedFrame, bool>? match = null)
    {
        using var guard = new CancellationTokenSource(Guard);
        try
        {
            while (true)
            {
                var frame = await _frames.Reader.ReadAsync(guard.Token);
                if (match is null || match(frame))
                {
                    return frame;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no matching frame arrived");
        }
    }

    public Task<ReceivedFrame> NextOfTopicAsync(string topic) => NextAsync(f => f.Topic == topic);

    /// <summary>Frames already received and not yet taken.</summary>
    public IReadOnlyList<ReceivedFrame> Drain()
    {
        var list = new List<ReceivedFrame>();
        while (_frames.Reader.TryRead(out var frame))
        {
            list.Add(frame);
        }

        return list;
    }

    /// <summary>An ack as the Node client's <c>send</c>: data serialised to a JSON string.</summary>
    public Task AckAsync(ReceivedFrame frame, object data, int code = 200) =>
        SendAsync(JsonSerializer.Serialize(new
        {
            code,
            headers = new { contentType = "application/json", messageId = frame.MessageId },
            message = "OK",
            data = JsonSerializer.Serialize(data),
        }));

    /// <summary>The Node client's ping answer: the ping's own headers and data sent back.</summary>
    public Task EchoAsync(ReceivedFrame ping) =>
        SendAsync(JsonSerializer.Serialize(new { code = 200, headers = ping.Root.GetProperty("headers"), message = "OK", data = ping.Data }));

    public async Task SendAsync(string json)
    {
        using var guard = new CancellationTokenSource(Guard);
        await Socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, guard.Token);
    }

    public async Task WaitClosedAsync() => await Closed.WaitAsync(Guard);

    public async ValueTask DisposeAsync()
    {
        Socket.Abort();
        await _reader;
        Socket.Dispose();
    }

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
                    ClosedWithCloseFrame = true;
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var frame = new ReceivedFrame(JsonDocument.Parse(message.ToArray()).RootElement.Clone());
                message.SetLength(0);
                if (EchoPings && frame.Type == "SYSTEM" && frame.Topic == "ping")
                {
                    await EchoAsync(frame);
                }

                _frames.Writer.TryWrite(frame);
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
