using System.Text.Json.Nodes;
using Larkway.Emulator.Tests.Infrastructure;
using Larkway.Emulator.WeCom.AiBot;
using static Larkway.Emulator.Tests.WeCom.AiBot.AiBotTestHelpers;

namespace Larkway.Emulator.Tests.WeCom.AiBot;

/// <summary>Subscribe, pings, takeover and faults on the AI bot's long connection, over a plain ClientWebSocket.</summary>
public sealed class AiBotConnectionTests
{
    [Fact]
    public async Task A_subscribe_with_the_bots_secret_is_acked_under_its_req_id_and_pings_are_answered()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.ConnectAsync(emulator);

        var ack = await client.RequestAsync(AiBotCmd.Subscribe, new JsonObject { ["bot_id"] = AiBotOptions.DefaultBotId, ["secret"] = AiBotOptions.DefaultSecret }, "aibot_subscribe_1_abcd");
        Assert.Equal("aibot_subscribe_1_abcd", AiBotTestClient.ReqId(ack));
        Assert.Null(ack["cmd"]);
        Assert.Equal((0, "ok"), (ack.Errcode(), ack.Errmsg()));

        var pong = await client.RequestAsync(AiBotCmd.Ping, null, "ping_2_beef");
        Assert.Equal(("ping_2_beef", 0), (AiBotTestClient.ReqId(pong), pong.Errcode()));
        var view = Assert.Single(emulator.Server.GetService<AiBotHub>().Connections());
        Assert.Equal(("open", AiBotOptions.DefaultBotId), (view.State, view.BotId));
    }

    [Theory]
    [InlineData(AiBotOptions.DefaultBotId, "not-the-secret")]
    [InlineData("no-such-bot", AiBotOptions.DefaultSecret)]
    public async Task A_wrong_bot_id_or_secret_is_refused_with_853000_and_the_socket_closed(string botId, string secret)
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.ConnectAsync(emulator);

        var ack = await client.RequestAsync(AiBotCmd.Subscribe, new JsonObject { ["bot_id"] = botId, ["secret"] = secret });

        Assert.Equal(853000, ack.Errcode());
        Assert.Contains("bot_id or secret", ack.Errmsg(), StringComparison.Ordinal);
        await client.WaitClosedAsync();
        Assert.Null(emulator.Server.GetService<AiBotHub>().CurrentOf(AiBotOptions.DefaultBotId));
    }

    [Fact]
    public async Task A_bot_configured_for_url_callbacks_cannot_also_subscribe_the_long_connection()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.WeComAiBot.Bots.Add(new AiBotDefinition { BotId = "aibcallbackbot01", Secret = "callback-bot-secret", CallbackUrl = "http://127.0.0.1:9/aibot" }));
        await using var client = await AiBotTestClient.ConnectAsync(emulator);

        var ack = await client.RequestAsync(AiBotCmd.Subscribe, new JsonObject { ["bot_id"] = "aibcallbackbot01", ["secret"] = "callback-bot-secret" });

        Assert.Equal(853000, ack.Errcode());
        Assert.Contains("URL callback", ack.Errmsg(), StringComparison.Ordinal);
        await client.WaitClosedAsync();
    }

    [Fact]
    public async Task A_first_frame_other_than_subscribe_is_answered_with_what_to_send_and_the_socket_closed()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.ConnectAsync(emulator);

        var ack = await client.RequestAsync(AiBotCmd.Ping, null);

        Assert.Equal(40058, ack.Errcode());
        Assert.Contains("aibot_subscribe", ack.Errmsg(), StringComparison.Ordinal);
        await client.WaitClosedAsync();
    }

    [Fact]
    public async Task A_second_subscribe_takes_over_the_old_connection_hears_disconnected_event_and_is_closed()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var first = await AiBotTestClient.SubscribedAsync(emulator);
        await using var second = await AiBotTestClient.SubscribedAsync(emulator);

        var evt = await first.NextPushAsync(AiBotCmd.EventCallback);
        Assert.Equal("disconnected_event", (string?)evt["body"]!["event"]!["eventtype"]);
        Assert.Equal(AiBotOptions.DefaultBotId, (string?)evt["body"]!["aibotid"]);
        Assert.Equal("event", (string?)evt["body"]!["msgtype"]);
        await first.WaitClosedAsync();

        // Messages now go to the new connection only.
        await emulator.UserSaysAsync("hello");
        var push = await second.NextPushAsync(AiBotCmd.MsgCallback);
        Assert.Equal("hello", (string?)push["body"]!["text"]!["content"]);
        var hub = emulator.Server.GetService<AiBotHub>();
        Assert.Contains(hub.Connections(), c => c is { State: "closed", CloseReason: "taken over by a new connection" });
        Assert.Equal("open", hub.CurrentOf(AiBotOptions.DefaultBotId)!.State);
    }

    [Fact]
    public async Task Without_a_connection_a_users_message_is_kept_as_undelivered()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var reply = await emulator.PostJsonAsync("/_emulator/wecom/aibot/messages", new { userid = "alice", chattype = "single", msgtype = "text", text = "anyone?" });

        Assert.Equal("no-connection", reply.Json.GetProperty("delivery").GetString());
        Assert.Equal("no-connection", Assert.Single(emulator.Messages()).Delivery);
    }

    [Fact]
    public async Task Drop_aborts_the_socket_and_the_bot_has_no_connection()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);

        using var reply = await emulator.PostJsonAsync("/_emulator/wecom/aibot/faults", new { kind = "drop" });

        Assert.Equal(200, reply.Status);
        await client.WaitClosedAsync();
        Assert.Null(emulator.Server.GetService<AiBotHub>().CurrentOf(AiBotOptions.DefaultBotId));
    }

    [Fact]
    public async Task Half_open_keeps_the_socket_but_answers_nothing_and_pushes_nothing()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);

        using var fault = await emulator.PostJsonAsync("/_emulator/wecom/aibot/faults", new { kind = "half-open" });
        Assert.Equal(200, fault.Status);
        await client.SendAsync(AiBotCmd.Ping, "ping_half", null);
        using var said = await emulator.PostJsonAsync("/_emulator/wecom/aibot/messages", new { userid = "alice", chattype = "single", msgtype = "text", text = "lost?" });

        Assert.Equal("lost", said.Json.GetProperty("delivery").GetString());
        Assert.False(await client.ReceivesAsync(_ => true, TimeSpan.FromMilliseconds(500)));
        Assert.False(client.Closed.IsCompleted);
        Assert.Equal("halfopen", emulator.Server.GetService<AiBotHub>().CurrentOf(AiBotOptions.DefaultBotId)!.State);
    }

    [Fact]
    public async Task Deaf_pings_leave_pings_unanswered_while_other_commands_are_answered()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);

        using var fault = await emulator.PostJsonAsync("/_emulator/wecom/aibot/faults", new { kind = "deaf-pings" });
        Assert.Equal(200, fault.Status);
        await client.SendAsync(AiBotCmd.Ping, "ping_deaf", null);
        var send = await client.RequestAsync(AiBotCmd.SendMsg, new JsonObject { ["chatid"] = "alice", ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["content"] = "still here" } });

        Assert.Equal(0, send.Errcode());
        Assert.False(await client.ReceivesAsync(f => AiBotTestClient.ReqId(f) == "ping_deaf", TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Refused_subscribes_are_answered_system_busy_until_the_fault_ends()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var fault = await emulator.PostJsonAsync("/_emulator/wecom/aibot/faults", new { kind = "refuse-subscribes", seconds = 30 });
        Assert.Equal(200, fault.Status);

        await using (var refused = await AiBotTestClient.ConnectAsync(emulator))
        {
            var ack = await refused.RequestAsync(AiBotCmd.Subscribe, new JsonObject { ["bot_id"] = AiBotOptions.DefaultBotId, ["secret"] = AiBotOptions.DefaultSecret });
            Assert.Equal(-1, ack.Errcode());
            await refused.WaitClosedAsync();
        }

        emulator.Clock.Advance(TimeSpan.FromSeconds(31));
        await using var admitted = await AiBotTestClient.SubscribedAsync(emulator);
        Assert.NotNull(emulator.Server.GetService<AiBotHub>().CurrentOf(AiBotOptions.DefaultBotId));
    }
}
