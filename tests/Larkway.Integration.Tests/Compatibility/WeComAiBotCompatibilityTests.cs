using System.Net.Http.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.WeCom.AiBot;
using Larkway.Integration.Tests.Infrastructure;

namespace Larkway.Integration.Tests.Compatibility;

/// <summary>
/// WeCom's official AI bot client, <c>@wecom/aibot-node-sdk</c> 1.0.7 (npm), unchanged against the emulator — only its
/// <c>wsUrl</c> option points at the emulator: it subscribes, pings, receives a user's message and streams a reply in
/// several frames that the emulator shows as one growing message; and when a second client subscribes, the first hears
/// <c>disconnected_event</c> and does not reconnect; and a picture a user sends is the same bytes once the SDK's
/// <c>downloadFile</c> has decrypted it with the message's <c>aeskey</c>; and the same over the TLS listener (wss://),
/// with Node trusting the emulator's certificate authority through <c>NODE_EXTRA_CA_CERTS</c>.
/// </summary>
public sealed class WeComAiBotCompatibilityTests
{
    private static readonly string CompatDirectory = Path.Combine(RepoPaths.Root, "tests", "compat", "wecom-aibot");

    [Fact]
    public async Task The_official_sdk_subscribes_receives_a_message_and_streams_a_reply_the_emulator_shows()
    {
        AssertInstalled();
        var options = new EmulatorOptions { Port = 0 };
        await using var emulator = await EmulatorServer.StartAsync(options);
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl };

        await using var node = NodeScript.Start(CompatDirectory, "aibot.mjs", WsUrl(emulator, options), AiBotOptions.DefaultBotId, AiBotOptions.DefaultSecret, "reply");
        await node.NextAsync("ready");

        using var said = await http.PostAsJsonAsync("/_emulator/wecom/aibot/messages", new { userid = "alice", chattype = "single", msgtype = "text", text = "what is Larkway?" });
        said.EnsureSuccessStatusCode();
        var message = await node.NextAsync("message");
        Assert.Equal(("what is Larkway?", "single", "alice"), (message.GetProperty("text").GetString(), message.GetProperty("chattype").GetString(), message.GetProperty("from").GetString()));
        Assert.Equal(0, (await node.NextAsync("replied")).GetProperty("errcode").GetInt32());
        Assert.Equal(0, await node.ExitCodeAsync());

        var reply = emulator.GetService<AiBotConversations>().Messages(AiBotConversations.SingleId(AiBotOptions.DefaultBotId, "alice")).Single(m => m.From == "bot");
        Assert.Equal(("stream", true, 3), (reply.MsgType, reply.Finished, reply.Frames));
        Assert.Equal("<think>reading the question</think>Hello from the official SDK: what is Larkway?", reply.Content);
        Assert.Equal("stream-" + message.GetProperty("msgid").GetString(), reply.StreamId);
    }

    [Fact]
    public async Task A_second_subscribe_takes_over_and_the_first_official_client_stops_without_reconnecting()
    {
        AssertInstalled();
        var options = new EmulatorOptions { Port = 0 };
        await using var emulator = await EmulatorServer.StartAsync(options);
        var hub = emulator.GetService<AiBotHub>();

        await using var first = NodeScript.Start(CompatDirectory, "aibot.mjs", WsUrl(emulator, options), AiBotOptions.DefaultBotId, AiBotOptions.DefaultSecret, "hold");
        await first.NextAsync("ready");
        var firstConnection = hub.CurrentOf(AiBotOptions.DefaultBotId)!.Id;
        await using var second = NodeScript.Start(CompatDirectory, "aibot.mjs", WsUrl(emulator, options), AiBotOptions.DefaultBotId, AiBotOptions.DefaultSecret, "hold");
        await second.NextAsync("ready");

        var kicked = await first.NextAsync("kicked");
        Assert.Equal(0, kicked.GetProperty("reconnects").GetInt32());
        Assert.Equal(0, await first.ExitCodeAsync());

        var connections = hub.Connections();
        Assert.Equal(2, connections.Count);
        Assert.Equal("taken over by a new connection", connections.Single(c => c.Id == firstConnection).CloseReason);
        Assert.NotEqual(firstConnection, hub.CurrentOf(AiBotOptions.DefaultBotId)!.Id);
    }

    [Fact]
    public async Task The_official_sdk_downloads_and_decrypts_a_picture_a_user_sent_to_its_bytes()
    {
        AssertInstalled();
        var options = new EmulatorOptions { Port = 0 };
        await using var emulator = await EmulatorServer.StartAsync(options);
        using var http = new HttpClient { BaseAddress = emulator.BaseUrl };

        await using var node = NodeScript.Start(CompatDirectory, "aibot.mjs", WsUrl(emulator, options), AiBotOptions.DefaultBotId, AiBotOptions.DefaultSecret, "image");
        await node.NextAsync("ready");

        // A length that is not a multiple of the 32-byte padding block, so the SDK must strip a partial pad.
        var picture = new byte[3001];
        Random.Shared.NextBytes(picture);
        using var sent = await http.PostAsJsonAsync("/_emulator/wecom/aibot/messages", new { userid = "alice", chattype = "single", msgtype = "image", data_base64 = Convert.ToBase64String(picture), filename = "receipt.png" });
        sent.EnsureSuccessStatusCode();

        var image = await node.NextAsync("image");
        Assert.Equal(picture.Length, image.GetProperty("length").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(picture)), image.GetProperty("sha256").GetString());
        Assert.Equal(0, await node.ExitCodeAsync());
    }

    [Fact]
    public async Task The_official_sdk_streams_a_reply_over_wss_trusting_the_emulators_authority_through_NODE_EXTRA_CA_CERTS()
    {
        AssertInstalled();
        var folder = Directory.CreateTempSubdirectory("larkway-compat-tls-");
        try
        {
            var options = new EmulatorOptions { Port = 0, HttpsPort = 0, TlsFolder = folder.FullName };
            await using var emulator = await EmulatorServer.StartAsync(options);
            using var http = new HttpClient { BaseAddress = emulator.BaseUrl };
            var wss = new UriBuilder(emulator.HttpsBaseUrl!) { Scheme = "wss", Path = options.WeComAiBot.WebSocketPath }.Uri.ToString();

            // Node trusts the emulator's authority only through the variable the docs print; nothing in the script changes.
            var environment = new Dictionary<string, string> { ["NODE_EXTRA_CA_CERTS"] = emulator.Tls!.AuthorityFile };
            await using var node = NodeScript.StartWith(environment, CompatDirectory, "aibot.mjs", wss, AiBotOptions.DefaultBotId, AiBotOptions.DefaultSecret, "reply");
            await node.NextAsync("ready");

            using var said = await http.PostAsJsonAsync("/_emulator/wecom/aibot/messages", new { userid = "alice", chattype = "single", msgtype = "text", text = "over wss?" });
            said.EnsureSuccessStatusCode();
            Assert.Equal("over wss?", (await node.NextAsync("message")).GetProperty("text").GetString());
            Assert.Equal(0, (await node.NextAsync("replied")).GetProperty("errcode").GetInt32());
            Assert.Equal(0, await node.ExitCodeAsync());
            var reply = emulator.GetService<AiBotConversations>().Messages(AiBotConversations.SingleId(AiBotOptions.DefaultBotId, "alice")).Single(m => m.From == "bot");
            Assert.Equal("<think>reading the question</think>Hello from the official SDK: over wss?", reply.Content);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string WsUrl(EmulatorServer emulator, EmulatorOptions options) =>
        new UriBuilder(emulator.BaseUrl) { Scheme = "ws", Path = options.WeComAiBot.WebSocketPath }.Uri.ToString();

    private static void AssertInstalled() =>
        Assert.True(Directory.Exists(Path.Combine(CompatDirectory, "node_modules", "@wecom", "aibot-node-sdk")),
            "@wecom/aibot-node-sdk is not installed: run scripts/install-test-deps.sh (scripts/test.sh does)");
}
