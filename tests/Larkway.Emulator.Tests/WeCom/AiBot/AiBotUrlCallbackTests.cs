using System.Text.Json.Nodes;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Tests.Infrastructure;
using Larkway.Emulator.WeCom.AiBot;
using Microsoft.AspNetCore.Http;
using static Larkway.Emulator.Tests.WeCom.AiBot.AiBotTestHelpers;

namespace Larkway.Emulator.Tests.WeCom.AiBot;

/// <summary>
/// The AI bot's URL-callback mode: the URL check on save, encrypted JSON posts with a response_url, passive stream replies
/// that WeCom polls for until finish (or 6 minutes on the emulator's clock), and the response_url's one reply.
/// </summary>
public sealed class AiBotUrlCallbackTests
{
    [Fact]
    public async Task Saving_the_url_verifies_it_with_the_bots_token_and_key_and_shuts_the_long_connection_out()
    {
        await using var emulator = await StartAsync();
        await using var server = await AiBotCallbackServer.StartAsync();

        using var badKey = await emulator.PostJsonAsync("/_emulator/wecom/aibot/callback", new { url = server.Url, token = server.Token, encoding_aes_key = "short" });
        using var wrongToken = await emulator.PostJsonAsync("/_emulator/wecom/aibot/callback", new { url = server.Url, token = "anotherToken", encoding_aes_key = server.AesKey });
        using var saved = await emulator.PostJsonAsync("/_emulator/wecom/aibot/callback", server.Settings());
        using var listed = await emulator.GetAsync("/_emulator/wecom/aibot/callback", null);

        Assert.Equal(400, badKey.Status);
        Assert.Contains("encoding_aes_key must be 43", badKey.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, wrongToken.Status);
        Assert.Contains("URL verification failed", wrongToken.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, saved.Status);
        Assert.Equal("url_callback", saved.Json.GetProperty("mode").GetString());
        var item = Assert.Single(listed.Json.GetProperty("items").EnumerateArray());
        Assert.Equal((AiBotOptions.DefaultBotId, server.Url.ToString()), (item.GetProperty("bot_id").GetString(), item.GetProperty("url").GetString()));
        Assert.False(item.TryGetProperty("token", out _));

        await using var client = await AiBotTestClient.ConnectAsync(emulator);
        var ack = await client.RequestAsync(AiBotCmd.Subscribe, new JsonObject { ["bot_id"] = AiBotOptions.DefaultBotId, ["secret"] = AiBotOptions.DefaultSecret });
        Assert.Equal(853000, ack.Errcode());
        Assert.Contains("URL callback", ack.Errmsg(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_is_posted_as_an_encrypted_json_envelope_with_a_response_url()
    {
        await using var emulator = await StartAsync();
        await using var server = await ConfiguredServerAsync(emulator);

        var msgId = await emulator.UserSaysAsync("你好，机器人");

        var body = Assert.Single(server.Received);
        Assert.Equal((msgId, AiBotOptions.DefaultBotId, "single", "alice", "text", "你好，机器人"),
            ((string?)body["msgid"], (string?)body["aibotid"], (string?)body["chattype"], (string?)body["from"]!["userid"], (string?)body["msgtype"], (string?)body["text"]!["content"]));
        Assert.StartsWith(emulator.Server.BaseUrl.ToString().TrimEnd('/') + "/wecom/cgi-bin/aibot/response?response_code=", (string)body["response_url"]!, StringComparison.Ordinal);
        Assert.Null(body["chatid"]);
        Assert.Equal("callback", emulator.Messages().Single(m => m.From == "alice").Delivery);
        Assert.Equal("no_reply", Assert.Single(Records(emulator), r => r.Kind == "message").Outcome);
    }

    [Fact]
    public async Task A_passive_reply_with_a_wrong_signature_is_refused_and_not_shown()
    {
        await using var emulator = await StartAsync();
        await using var server = await ConfiguredServerAsync(emulator);
        server.Respond = (_, _, _) => Task.FromResult<IResult?>(server.PassiveReply(AiBotCallbackServer.Stream("s1", "forged?", finish: true), breakSignature: true));

        await emulator.UserSaysAsync("hi");

        var record = Assert.Single(Records(emulator), r => r.Kind == "message");
        Assert.Equal("bad_reply", record.Outcome);
        Assert.Contains("-40001", record.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(emulator.Messages(), m => m.From == "bot");
    }

    [Fact]
    public async Task An_unfinished_stream_is_polled_with_stream_refreshes_and_grows_until_finish()
    {
        await using var emulator = await StartAsync();
        await using var server = await ConfiguredServerAsync(emulator);
        string[] texts = ["正在", "正在思考", "正在思考……", "答案是 **42**"];
        server.Respond = (n, _, _) => Task.FromResult<IResult?>(server.PassiveReply(AiBotCallbackServer.Stream("s-grow", texts[Math.Min(n, 3)], finish: n >= 3)));

        var msgId = await emulator.UserSaysAsync("生命的意义？");
        await WaitUntilAsync(() => Records(emulator).Any(r => r.Kind == "polling_ended"), "polling to end");

        var refreshes = server.Received.Skip(1).ToList();
        Assert.Equal(3, refreshes.Count);
        Assert.All(refreshes, r => Assert.Equal(("stream", "s-grow", AiBotOptions.DefaultBotId, "alice"),
            ((string?)r["msgtype"], (string?)r["stream"]!["id"], (string?)r["aibotid"], (string?)r["from"]!["userid"])));
        Assert.Equal(3, refreshes.Select(r => (string?)r["msgid"]).Append(msgId).Distinct().Count() - 1);
        var reply = Assert.Single(emulator.Messages(), m => m.From == "bot");
        Assert.Equal(("stream", "答案是 **42**", true, 4, "s-grow"), (reply.MsgType, reply.Content, reply.Finished, reply.Frames, reply.StreamId));
        Assert.Equal("finished", Records(emulator).Single(r => r.Kind == "polling_ended").Outcome);
        Assert.Equal(["answered", "answered", "answered", "answered"], Records(emulator).Where(r => r.Kind is "message" or "stream_refresh").Select(r => r.Outcome));
    }

    [Fact]
    public async Task Polling_ends_six_minutes_after_the_users_message_on_the_emulators_clock()
    {
        await using var emulator = await StartAsync();
        await using var server = await ConfiguredServerAsync(emulator);
        server.Respond = (n, _, _) => Task.FromResult<IResult?>(server.PassiveReply(AiBotCallbackServer.Stream("s-slow", "still thinking " + n, finish: false)));

        await emulator.UserSaysAsync("take your time");
        await WaitUntilAsync(() => server.Received.Count >= 3, "two stream refreshes");
        emulator.Clock.Advance(TimeSpan.FromMinutes(6) + TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => Records(emulator).Any(r => r.Kind == "polling_ended"), "polling to end");

        var ended = Records(emulator).Single(r => r.Kind == "polling_ended");
        Assert.Equal("expired", ended.Outcome);
        Assert.Contains("6 minutes", ended.Error, StringComparison.Ordinal);
        var reply = Assert.Single(emulator.Messages(), m => m.From == "bot");
        Assert.False(reply.Finished);
        Assert.StartsWith("still thinking", reply.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_misses_the_deadline_gets_the_message_again()
    {
        await using var emulator = await StartAsync(o => o.WeComAiBot.CallbackTimeout = TimeSpan.FromMilliseconds(500));
        await using var server = await ConfiguredServerAsync(emulator);
        server.Respond = async (n, _, ct) =>
        {
            if (n == 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(3), ct);
            }

            return server.PassiveReply(AiBotCallbackServer.Stream("s-retry", "ok", finish: true));
        };

        await emulator.UserSaysAsync("are you there?");

        var attempts = Records(emulator).Where(r => r.Kind == "message").ToList();
        Assert.Equal([(1, "failed"), (2, "answered")], attempts.Select(a => (a.Attempt, a.Outcome)));
        Assert.Contains("no answer within", attempts[0].Error, StringComparison.Ordinal);
        Assert.Equal(server.Received[0]["msgid"]!.ToJsonString(), server.Received[1]["msgid"]!.ToJsonString());
        Assert.Equal("ok", Assert.Single(emulator.Messages(), m => m.From == "bot").Content);
    }

    [Fact]
    public async Task The_response_url_takes_one_markdown_reply_and_refuses_reuse_expiry_and_bad_bodies()
    {
        await using var emulator = await StartAsync();
        await using var server = await ConfiguredServerAsync(emulator);
        await emulator.UserSaysAsync("report later");
        await emulator.UserSaysAsync("and this one too");
        var first = new Uri((string)server.Received[0]["response_url"]!).PathAndQuery;
        var second = new Uri((string)server.Received[1]["response_url"]!).PathAndQuery;

        using var notJson = await emulator.SendAsync(HttpMethod.Post, first, "{not json", null);
        using var wrongType = await emulator.PostJsonAsync(first, new { msgtype = "text", text = new { content = "x" } });
        using var empty = await emulator.PostJsonAsync(first, new { msgtype = "markdown", markdown = new { content = "" } });
        using var accepted = await emulator.PostJsonAsync(first, new { msgtype = "markdown", markdown = new { content = "**报告**已生成" } });
        using var reused = await emulator.PostJsonAsync(first, new { msgtype = "markdown", markdown = new { content = "again" } });
        using var unknown = await emulator.PostJsonAsync("/wecom/cgi-bin/aibot/response?response_code=nope", new { msgtype = "markdown", markdown = new { content = "x" } });
        emulator.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        using var expired = await emulator.PostJsonAsync(second, new { msgtype = "markdown", markdown = new { content = "too late" } });

        Assert.Equal([47001, 40008, 44004, 0, 40058, 40058, 40058], new[] { notJson, wrongType, empty, accepted, reused, unknown, expired }.Select(r => r.Json.GetProperty("errcode").GetInt32()));
        Assert.Contains("used already", reused.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
        Assert.Contains("expired", expired.Json.GetProperty("errmsg").GetString(), StringComparison.Ordinal);
        var bot = Assert.Single(emulator.Messages(), m => m.From == "bot");
        Assert.Equal(("markdown", "**报告**已生成"), (bot.MsgType, bot.Content));
        using var deliveries = await emulator.GetAsync("/_emulator/wecom/aibot/callback/deliveries", null);
        Assert.Contains(deliveries.Json.GetProperty("items").EnumerateArray(), r => r.GetProperty("kind").GetString() == "response_url" && r.GetProperty("outcome").GetString() == "accepted");
    }

    [Fact]
    public async Task Events_are_posted_too_a_welcome_is_shown_and_a_card_click_updates_the_card_in_place()
    {
        await using var emulator = await StartAsync();
        await using var server = await ConfiguredServerAsync(emulator);
        var card = new JsonObject
        {
            ["card_type"] = "button_interaction", ["task_id"] = "task-cb-1", ["main_title"] = new JsonObject { ["title"] = "报销审批" },
            ["button_list"] = new JsonArray(new JsonObject { ["text"] = "同意", ["key"] = "approve" }),
        };
        server.Respond = (_, json, _) => Task.FromResult<IResult?>((string?)json["msgtype"] switch
        {
            "text" => server.PassiveReply(new JsonObject { ["msgtype"] = "template_card", ["template_card"] = card.DeepClone() }),
            "event" when (string?)json["event"]!["eventtype"] == "enter_chat" => server.PassiveReply(new JsonObject { ["msgtype"] = "text", ["text"] = new JsonObject { ["content"] = "欢迎！" } }),
            "event" => server.PassiveReply(new JsonObject
            {
                ["response_type"] = "update_template_card",
                ["template_card"] = new JsonObject { ["card_type"] = "text_notice", ["task_id"] = "task-cb-1", ["main_title"] = new JsonObject { ["title"] = "已同意" } },
            }),
            _ => null,
        });

        using var entered = await emulator.PostJsonAsync("/_emulator/wecom/aibot/enter-chat", new { userid = "alice" });
        await emulator.UserSaysAsync("请审批");
        var cardMessage = emulator.Messages().Single(m => m.MsgType == "template_card");
        using var clicked = await emulator.PostJsonAsync("/_emulator/wecom/aibot/card-clicks", new { message_id = cardMessage.Id, userid = "alice", event_key = "approve" });

        Assert.Equal(("callback", "callback"), (entered.Json.GetProperty("delivery").GetString(), clicked.Json.GetProperty("delivery").GetString()));
        var click = server.Received.Last();
        Assert.Equal(("event", "template_card_event", "approve", "task-cb-1"),
            ((string?)click["msgtype"], (string?)click["event"]!["eventtype"], (string?)click["event"]!["template_card_event"]!["event_key"], (string?)click["event"]!["template_card_event"]!["task_id"]));
        Assert.Contains("/wecom/cgi-bin/aibot/response?response_code=", (string?)click["response_url"], StringComparison.Ordinal);
        Assert.Equal("欢迎！", emulator.Messages().Single(m => m.MsgType == "text" && m.From == "bot").Content);
        Assert.Equal("已同意", (string?)emulator.Messages().Single(m => m.Id == cardMessage.Id).Card!["main_title"]!["title"]);
        Assert.All(Records(emulator).Where(r => r.Kind == "event"), r => Assert.Equal("answered", r.Outcome));
    }

    [Fact]
    public async Task Leaving_url_callback_mode_sends_messages_to_the_long_connection_again()
    {
        await using var emulator = await StartAsync();
        await using var server = await ConfiguredServerAsync(emulator);

        using var left = await emulator.SendAsync(HttpMethod.Delete, "/_emulator/wecom/aibot/callback", null, null);
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);
        await emulator.UserSaysAsync("back to the socket");

        Assert.Equal(200, left.Status);
        Assert.Equal("back to the socket", (string?)(await client.NextPushAsync(AiBotCmd.MsgCallback))["body"]!["text"]!["content"]);
        Assert.Empty(server.Received);
    }

    private static Task<TestEmulator> StartAsync(Action<EmulatorOptions>? configure = null) => TestEmulator.StartAsync(o =>
    {
        o.WeComAiBot.CallbackPollInterval = TimeSpan.FromMilliseconds(30);
        o.WeComAiBot.CallbackVerifyTimeout = TimeSpan.FromSeconds(10);
        o.WeComAiBot.CallbackRetryDelays = [TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10)];
        configure?.Invoke(o);
    });

    private static async Task<AiBotCallbackServer> ConfiguredServerAsync(TestEmulator emulator)
    {
        var server = await AiBotCallbackServer.StartAsync();
        using var saved = await emulator.PostJsonAsync("/_emulator/wecom/aibot/callback", server.Settings());
        Assert.Equal(200, saved.Status);
        return server;
    }

    private static IReadOnlyList<AiBotCallbackRecord> Records(TestEmulator emulator) => emulator.Server.GetService<AiBotUrlCallbackStore>().Records();
}
