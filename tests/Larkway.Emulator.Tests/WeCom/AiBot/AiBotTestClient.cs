using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Larkway.Emulator.Tests.Infrastructure;
using Larkway.Emulator.WeCom.AiBot;

namespace Larkway.Emulator.Tests.WeCom.AiBot;

/// <summary>A bare long-connection client over a plain ClientWebSocket: it sends frames and queues what the server sends.</summary>
internal sealed class AiBotTestClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonObject> _frames = Channel.CreateUnbounded<JsonObject>();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private int _reqIds;

    private AiBotTestClient()
    {
    }

    public Task Closed => _closed.Task;

    public static Task<AiBotTestClient> ConnectAsync(TestEmulator emulator) =>
        ConnectAsync(new UriBuilder(emulator.Server.BaseUrl) { Scheme = "ws", Path = emulator.Options.WeComAiBot.WebSocketPath }.Uri);

    /// <summary>Connects to <paramref name="uri"/> (ws:// or wss://), checking the server's certificate with <paramref name="validate"/> when given.</summary>
    public static async Task<AiBotTestClient> ConnectAsync(Uri uri, System.Net.Security.RemoteCertificateValidationCallback? validate = null)
    {
        var client = new AiBotTestClient();
        client._socket.Options.RemoteCertificateValidationCallback = validate;
        await client._socket.ConnectAsync(uri, CancellationToken.None);
        _ = client.ReceiveLoopAsync();
        return client;
    }

    /// <summary>Connects and subscribes with the default bot's credentials; asserts the subscribe was accepted.</summary>
    public static async Task<AiBotTestClient> SubscribedAsync(TestEmulator emulator, string? botId = null, string? secret = null) =>
        await SubscribedAsync(await ConnectAsync(emulator), botId, secret);

    /// <summary>Subscribes an already connected client with the default bot's credentials; asserts the subscribe was accepted.</summary>
    public static async Task<AiBotTestClient> SubscribedAsync(AiBotTestClient client, string? botId = null, string? secret = null)
    {
        var ack = await client.RequestAsync(AiBotCmd.Subscribe, new JsonObject { ["bot_id"] = botId ?? AiBotOptions.DefaultBotId, ["secret"] = secret ?? AiBotOptions.DefaultSecret });
        Assert.Equal(0, (int)ack["errcode"]!);
        return client;
    }

    public string NewReqId(string cmd) => $"{cmd}_{Interlocked.Increment(ref _reqIds)}_test";

    public async Task SendAsync(JsonObject frame) =>
        await _socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    public async Task SendAsync(string cmd, string reqId, JsonObject? body)
    {
        var frame = new JsonObject { ["cmd"] = cmd, ["headers"] = new JsonObject { ["req_id"] = reqId } };
        if (body is not null)
        {
            frame["body"] = body;
        }

        await SendAsync(frame);
    }

    /// <summary>Sends a command with a fresh req_id (or the one given) and returns the server's answer to it.</summary>
    public async Task<JsonObject> RequestAsync(string cmd, JsonObject? body, string? reqId = null)
    {
        reqId ??= NewReqId(cmd);
        await SendAsync(cmd, reqId, body);
        return await NextAsync(f => f["cmd"] is null && ReqId(f) == reqId);
    }

    /// <summary>A reply under a pushed req_id; returns the answer.</summary>
    public Task<JsonObject> ReplyAsync(string pushedReqId, JsonObject body, string cmd = AiBotCmd.RespondMsg) => RequestAsync(cmd, body, pushedReqId);

    public Task<JsonObject> NextPushAsync(string cmd) => NextAsync(f => (string?)f["cmd"] == cmd);

    /// <summary>The next frame matching (others before it are dropped); the bound is a hang guard, not a timing assertion.</summary>
    public async Task<JsonObject> NextAsync(Func<JsonObject, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var frame = await _frames.Reader.ReadAsync(timeout.Token);
            if (match(frame))
            {
                return frame;
            }
        }
    }

    /// <summary>True when a frame matching arrives before the socket closes or <paramref name="wait"/> passes.</summary>
    public async Task<bool> ReceivesAsync(Func<JsonObject, bool> match, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            while (true)
            {
                if (match(await _frames.Reader.ReadAsync(timeout.Token)))
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            return false;
        }
    }

    public async Task WaitClosedAsync() => await _closed.Task.WaitAsync(TimeSpan.FromSeconds(20));

    public static string ReqId(JsonObject frame) => (string)frame["headers"]!["req_id"]!;

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    _frames.Writer.TryWrite((JsonObject)JsonNode.Parse(Encoding.UTF8.GetString(message.ToArray()))!);
                    message.SetLength(0);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or JsonException)
        {
            // gone
        }

        _frames.Writer.TryComplete();
        _closed.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // already gone
        }

        await _stop.CancelAsync();
        _socket.Dispose();
        _stop.Dispose();
    }
}

/// <summary>Control-API shortcuts for the AI bot tests.</summary>
internal static class AiBotTestHelpers
{
    public static async Task<string> UserSaysAsync(this TestEmulator emulator, string text, string userid = "alice", string chattype = "single", bool mentioned = true)
    {
        using var reply = await emulator.PostJsonAsync("/_emulator/wecom/aibot/messages", new { userid, chattype, chatid = chattype == "group" ? AiBotDirectory.DefaultGroupChatId : null, msgtype = "text", text, mentioned });
        Assert.Equal(200, reply.Status);
        return reply.Json.GetProperty("req_id").GetString() ?? string.Empty;
    }

    public static IReadOnlyList<AiBotMessage> Messages(this TestEmulator emulator, string userid = "alice") =>
        emulator.Server.GetService<AiBotConversations>().Messages(AiBotConversations.SingleId(AiBotOptions.DefaultBotId, userid));

    public static JsonObject Stream(string id, string content, bool finish, string? feedbackId = null)
    {
        var stream = new JsonObject { ["id"] = id, ["finish"] = finish, ["content"] = content };
        if (feedbackId is not null)
        {
            stream["feedback"] = new JsonObject { ["id"] = feedbackId };
        }

        return new JsonObject { ["msgtype"] = "stream", ["stream"] = stream };
    }

    public static int Errcode(this JsonObject ack) => (int)ack["errcode"]!;

    public static string Errmsg(this JsonObject ack) => (string)ack["errmsg"]!;

    public static JsonElement AsElement(this JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement;

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 1000; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("waited in vain for: " + what);
    }
}
