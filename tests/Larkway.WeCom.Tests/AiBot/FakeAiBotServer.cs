using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.WeCom.AiBot;

namespace Larkway.WeCom.Tests.AiBot;

/// <summary>
/// A scripted AI bot server for unit tests: WebSockets over loopback TCP (no HTTP handshake; both ends are made with
/// <see cref="WebSocket.CreateFromStream(Stream, bool, string?, TimeSpan)"/>). It answers subscribe, ping and every
/// request as told, records every frame and event in order, and pushes callbacks.
/// </summary>
internal sealed class FakeAiBotServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private readonly ConcurrentDictionary<string, int> _inFlight = new();
    private int _connections;

    public FakeAiBotServer()
    {
        _listener.Start();
    }

    /// <summary>Frames received, in order, with the connection they came on.</summary>
    public ConcurrentQueue<(int Connection, JsonObject Frame)> Frames { get; } = new();

    /// <summary>What happened, in order: "open 1", "subscribe 1", "closed 1"…</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    public int SubscribeErrCode { get; set; }

    public bool AnswerPings { get; set; } = true;

    /// <summary>How long the server waits before acking a reply; the ack answers errcode <see cref="ReplyErrCode"/>.</summary>
    public TimeSpan ReplyDelay { get; set; }

    public int ReplyErrCode { get; set; }

    /// <summary>Requests whose req_id this returns true for get no answer.</summary>
    public Func<JsonObject, bool> Ignore { get; set; } = _ => false;

    /// <summary>The most frames of one req_id that were waiting for their ack at once.</summary>
    public int MaxInFlightPerReqId { get; private set; }

    public WebSocket? Current { get; private set; }

    public int CurrentConnection => Volatile.Read(ref _connections);

    public IEnumerable<JsonObject> Sent(string cmd) => Frames.Select(f => f.Frame).Where(f => (string?)f["cmd"] == cmd);

    /// <summary>The client's way to connect: a loopback TCP socket, then a client WebSocket over it.</summary>
    public async Task<WebSocket> ConnectAsync(Uri url, CancellationToken cancellationToken)
    {
        var accept = _listener.AcceptTcpClientAsync(cancellationToken).AsTask();
        var client = new TcpClient();
        await client.ConnectAsync((IPEndPoint)_listener.LocalEndpoint, cancellationToken);
        var server = await accept;
        var id = Interlocked.Increment(ref _connections);
        var serverSocket = WebSocket.CreateFromStream(server.GetStream(), isServer: true, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        Current = serverSocket;
        Log.Enqueue($"open {id}");
        lock (_tasks)
        {
            _tasks.Add(Task.Run(() => ServeAsync(id, serverSocket, server)));
        }

        return WebSocket.CreateFromStream(client.GetStream(), isServer: false, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
    }

    public static WeComAiBotOptions Options(Action<WeComAiBotOptions>? configure = null)
    {
        var options = new WeComAiBotOptions
        {
            BotId = "aibot-test", Secret = "s3cr3t-never-logged", WebSocketUrl = new Uri("ws://127.0.0.1:1/"),
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(50), ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
            ReplyAckTimeout = TimeSpan.FromSeconds(5), StreamMinInterval = TimeSpan.Zero,
        };
        configure?.Invoke(options);
        return options;
    }

    public WeComAiBotClient Client(WeComAiBotHandler handler, Action<WeComAiBotOptions>? configure = null, TimeProvider? time = null) =>
        new(Options(configure), handler, loggerFactory: null, time, meterFactory: null, ConnectAsync);

    /// <summary>Pushes a callback on the current connection; returns its req_id.</summary>
    public async Task<string> PushAsync(string cmd, object body)
    {
        var reqId = $"{cmd}_{Guid.NewGuid():N}";
        var frame = new JsonObject { ["cmd"] = cmd, ["headers"] = new JsonObject { ["req_id"] = reqId }, ["body"] = JsonSerializer.SerializeToNode(body) };
        await SendAsync(Current!, frame);
        return reqId;
    }

    public Task<string> PushTextAsync(string msgId, string text, string user = "zhangsan") =>
        PushAsync(WeComAiBotCommands.MessageCallback, new Dictionary<string, object>
        {
            ["msgid"] = msgId, ["aibotid"] = "aibot-test", ["chattype"] = "single", ["from"] = new Dictionary<string, string> { ["userid"] = user },
            ["msgtype"] = "text", ["text"] = new Dictionary<string, string> { ["content"] = text },
        });

    public Task<string> PushEventAsync(string msgId, string eventType, Dictionary<string, object>? extra = null)
    {
        var @event = new Dictionary<string, object> { ["eventtype"] = eventType };
        foreach (var (k, v) in extra ?? [])
        {
            @event[k] = v;
        }

        return PushAsync(WeComAiBotCommands.EventCallback, new Dictionary<string, object>
        {
            ["msgid"] = msgId, ["create_time"] = 1700000000, ["aibotid"] = "aibot-test", ["from"] = new Dictionary<string, string> { ["userid"] = "zhangsan" },
            ["msgtype"] = "event", ["event"] = @event,
        });
    }

    private async Task ServeAsync(int id, WebSocket socket, TcpClient tcp)
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                        return;
                    }

                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                var frame = JsonNode.Parse(message.ToArray())!.AsObject();
                Frames.Enqueue((id, frame));
                var cmd = (string)frame["cmd"]!;
                var reqId = (string)frame["headers"]!["req_id"]!;
                if (cmd == WeComAiBotCommands.Subscribe)
                {
                    Log.Enqueue($"subscribe {id}");
                }

                if (Ignore(frame) || (cmd == WeComAiBotCommands.Ping && !AnswerPings))
                {
                    continue;
                }

                _ = Task.Run(() => AnswerAsync(socket, cmd, reqId, frame));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            Log.Enqueue($"closed {id}");
            tcp.Dispose();
        }
    }

    private async Task AnswerAsync(WebSocket socket, string cmd, string reqId, JsonObject frame)
    {
        var errcode = 0;
        JsonObject? body = null;
        switch (cmd)
        {
            case WeComAiBotCommands.Subscribe:
                errcode = SubscribeErrCode;
                break;
            case WeComAiBotCommands.Ping:
                break;
            case WeComAiBotCommands.UploadMediaInit:
                body = new JsonObject { ["upload_id"] = "up-1" };
                break;
            case WeComAiBotCommands.UploadMediaFinish:
                body = new JsonObject { ["type"] = "file", ["media_id"] = "media-1", ["created_at"] = "1700000000" };
                break;
            case WeComAiBotCommands.UploadMediaChunk:
                break;
            default:
                var now = _inFlight.AddOrUpdate(reqId, 1, (_, n) => n + 1);
                lock (_inFlight)
                {
                    MaxInFlightPerReqId = Math.Max(MaxInFlightPerReqId, now);
                }

                if (ReplyDelay > TimeSpan.Zero)
                {
                    await Task.Delay(ReplyDelay);
                }

                _inFlight.AddOrUpdate(reqId, 0, (_, n) => n - 1);
                errcode = ReplyErrCode;
                break;
        }

        var answer = new JsonObject { ["headers"] = new JsonObject { ["req_id"] = reqId }, ["errcode"] = errcode, ["errmsg"] = errcode == 0 ? "ok" : "refused" };
        if (body is not null)
        {
            answer["body"] = body;
        }

        await SendAsync(socket, answer);
    }

    private readonly SemaphoreSlim _sendLock = new(1, 1);

    private async Task SendAsync(WebSocket socket, JsonObject frame)
    {
        await _sendLock.WaitAsync();
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Task[] tasks;
        lock (_tasks)
        {
            tasks = [.. _tasks];
        }

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    /// <summary>Waits for a condition, failing with <paramref name="what"/> after 10 s (a bound on a hang, not an assertion on time).</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Waited 10 s for " + what);
            }

            await Task.Delay(10);
        }
    }
}
