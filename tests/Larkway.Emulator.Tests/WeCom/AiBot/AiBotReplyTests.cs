using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Larkway.Emulator.Tests.Infrastructure;
using Larkway.Emulator.WeCom.AiBot;
using static Larkway.Emulator.Tests.WeCom.AiBot.AiBotTestHelpers;

namespace Larkway.Emulator.Tests.WeCom.AiBot;

/// <summary>Message pushes and the replies to them: streams, windows, cards, welcomes, proactive sends and uploads.</summary>
public sealed class AiBotReplyTests
{
    [Fact]
    public async Task A_users_message_is_pushed_with_its_fields_and_a_stream_in_several_frames_grows_in_place()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);

        await emulator.UserSaysAsync("你好，机器人");
        var push = await client.NextPushAsync(AiBotCmd.MsgCallback);
        var body = push["body"]!.AsObject();
        var reqId = AiBotTestClient.ReqId(push);
        Assert.StartsWith("aibot_msg_callback_", reqId, StringComparison.Ordinal);
        Assert.Equal((AiBotOptions.DefaultBotId, "single", "alice", "text", "你好，机器人"),
            ((string?)body["aibotid"], (string?)body["chattype"], (string?)body["from"]!["userid"], (string?)body["msgtype"], (string?)body["text"]!["content"]));
        Assert.False(string.IsNullOrEmpty((string?)body["msgid"]));
        Assert.Null(body["chatid"]);

        Assert.Equal(0, (await client.ReplyAsync(reqId, Stream("s1", "<think>用户在打招呼</think>", finish: false))).Errcode());
        Assert.Equal("<think>用户在打招呼</think>", emulator.Messages().Single(m => m.From == "bot").Content);
        Assert.Equal(0, (await client.ReplyAsync(reqId, Stream("s1", "<think>用户在打招呼</think>你好", finish: false))).Errcode());
        Assert.Equal(0, (await client.ReplyAsync(reqId, Stream("s1", "<think>用户在打招呼</think>你好！有什么可以帮你？", finish: true, feedbackId: "fb-1"))).Errcode());

        var reply = Assert.Single(emulator.Messages(), m => m.From == "bot");
        Assert.Equal(("stream", "<think>用户在打招呼</think>你好！有什么可以帮你？", true, 3, "fb-1"), (reply.MsgType, reply.Content, reply.Finished, reply.Frames, reply.FeedbackId));
        Assert.Equal("connection", emulator.Messages().Single(m => m.From == "alice").Delivery);
    }

    [Fact]
    public async Task A_req_id_the_server_never_pushed_is_846605_and_one_past_the_six_minute_window_is_846608()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);
        await emulator.UserSaysAsync("hi");
        var reqId = AiBotTestClient.ReqId(await client.NextPushAsync(AiBotCmd.MsgCallback));

        var unknown = await client.ReplyAsync("aibot_msg_callback_0_deadbeef", Stream("s1", "x", finish: false));
        Assert.Equal(846605, unknown.Errcode());

        Assert.Equal(0, (await client.ReplyAsync(reqId, Stream("s1", "thinking", finish: false))).Errcode());
        emulator.Clock.Advance(TimeSpan.FromMinutes(6) + TimeSpan.FromSeconds(1));
        var late = await client.ReplyAsync(reqId, Stream("s1", "too late", finish: true));

        Assert.Equal(846608, late.Errcode());
        Assert.Equal("thinking", emulator.Messages().Single(m => m.From == "bot").Content);
    }

    [Fact]
    public async Task Content_over_20480_bytes_a_missing_stream_id_and_frames_after_finish_are_refused_with_what_to_fix()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);
        await emulator.UserSaysAsync("hi");
        var reqId = AiBotTestClient.ReqId(await client.NextPushAsync(AiBotCmd.MsgCallback));

        var tooLong = await client.ReplyAsync(reqId, Stream("s1", new string('字', 6827), finish: false));
        Assert.Equal(40058, tooLong.Errcode());
        Assert.Contains("20480", tooLong.Errmsg(), StringComparison.Ordinal);
        Assert.Equal(0, (await client.ReplyAsync(reqId, Stream("s1", new string('字', 6826), finish: false))).Errcode());

        var noId = await client.ReplyAsync(reqId, Stream(string.Empty, "x", finish: false));
        Assert.Contains("stream.id", noId.Errmsg(), StringComparison.Ordinal);

        var itemsEarly = await client.ReplyAsync(reqId, new JsonObject
        {
            ["msgtype"] = "stream",
            ["stream"] = new JsonObject { ["id"] = "s1", ["finish"] = false, ["content"] = "x", ["msg_item"] = new JsonArray(new JsonObject { ["msgtype"] = "image", ["image"] = new JsonObject { ["base64"] = "AA==", ["md5"] = "x" } }) },
        });
        Assert.Contains("finish=true", itemsEarly.Errmsg(), StringComparison.Ordinal);

        Assert.Equal(0, (await client.ReplyAsync(reqId, Stream("s1", "done", finish: true))).Errcode());
        var after = await client.ReplyAsync(reqId, Stream("s1", "more", finish: false));
        Assert.NotEqual(0, after.Errcode());
        Assert.Contains("finished", after.Errmsg(), StringComparison.Ordinal);
        Assert.Equal("done", emulator.Messages().Single(m => m.From == "bot").Content);
    }

    [Fact]
    public async Task A_stream_id_is_bound_to_the_message_it_first_answered()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);
        await emulator.UserSaysAsync("one");
        var first = AiBotTestClient.ReqId(await client.NextPushAsync(AiBotCmd.MsgCallback));
        await emulator.UserSaysAsync("two");
        var second = AiBotTestClient.ReqId(await client.NextPushAsync(AiBotCmd.MsgCallback));

        Assert.Equal(0, (await client.ReplyAsync(first, Stream("shared", "a", finish: false))).Errcode());
        var reused = await client.ReplyAsync(second, Stream("shared", "b", finish: false));

        Assert.Equal(40058, reused.Errcode());
        Assert.Contains("another message", reused.Errmsg(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_a_group_only_messages_that_mention_the_bot_reach_it_and_they_carry_the_chatid()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);

        await emulator.UserSaysAsync("just chatting", userid: "bob", chattype: "group", mentioned: false);
        await emulator.UserSaysAsync("@Larkway AI Bot 总结一下", userid: "bob", chattype: "group");
        var push = await client.NextPushAsync(AiBotCmd.MsgCallback);

        Assert.Equal("@Larkway AI Bot 总结一下", (string?)push["body"]!["text"]!["content"]);
        Assert.Equal(("group", AiBotDirectory.DefaultGroupChatId, "bob"), ((string?)push["body"]!["chattype"], (string?)push["body"]!["chatid"], (string?)push["body"]!["from"]!["userid"]));
        var group = emulator.Server.GetService<AiBotConversations>().Messages(AiBotConversations.GroupId(AiBotOptions.DefaultBotId, AiBotDirectory.DefaultGroupChatId));
        Assert.Equal(["not-mentioned", "connection"], group.Select(m => m.Delivery));

        using var image = await emulator.PostJsonAsync("/_emulator/wecom/aibot/messages", new { userid = "bob", chattype = "group", chatid = AiBotDirectory.DefaultGroupChatId, msgtype = "image", data_base64 = "iVBORw0KGgo=" });
        Assert.Equal(400, image.Status);
        Assert.Contains("single chats only", image.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_message_carries_a_url_serving_the_file_encrypted_with_its_aeskey()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);
        var content = RandomNumberGenerator.GetBytes(100);

        using var said = await emulator.PostJsonAsync("/_emulator/wecom/aibot/messages", new { userid = "alice", chattype = "single", msgtype = "image", data_base64 = Convert.ToBase64String(content) });
        Assert.Equal(200, said.Status);
        var image = (await client.NextPushAsync(AiBotCmd.MsgCallback))["body"]!["image"]!;
        var encrypted = await emulator.Http.GetByteArrayAsync(new Uri((string)image["url"]!));

        var key = Convert.FromBase64String((string)image["aeskey"]!);
        using var aes = Aes.Create();
        aes.Key = key;
        var plain = aes.DecryptCbc(encrypted, key.AsSpan(0, 16), PaddingMode.None);
        Assert.Equal(0, plain.Length % 32);
        Assert.Equal(content, plain.AsSpan(0, plain.Length - plain[^1]).ToArray());
    }

    [Fact]
    public async Task Enter_chat_admits_one_welcome_within_five_seconds_and_not_a_message_reply()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);

        using var entered = await emulator.PostJsonAsync("/_emulator/wecom/aibot/enter-chat", new { userid = "carol" });
        var evt = await client.NextPushAsync(AiBotCmd.EventCallback);
        Assert.Equal(("enter_chat", "carol"), ((string?)evt["body"]!["event"]!["eventtype"], (string?)evt["body"]!["from"]!["userid"]));
        var reqId = AiBotTestClient.ReqId(evt);

        var wrongCmd = await client.ReplyAsync(reqId, Stream("w", "hi", finish: true));
        Assert.Equal(846605, wrongCmd.Errcode());
        var welcome = new JsonObject { ["msgtype"] = "text", ["text"] = new JsonObject { ["content"] = "欢迎！" } };
        Assert.Equal(0, (await client.ReplyAsync(reqId, welcome, AiBotCmd.RespondWelcome)).Errcode());
        Assert.Equal(846605, (await client.ReplyAsync(reqId, welcome.DeepClone().AsObject(), AiBotCmd.RespondWelcome)).Errcode());
        Assert.Equal("欢迎！", emulator.Messages("carol").Single().Content);

        using var again = await emulator.PostJsonAsync("/_emulator/wecom/aibot/enter-chat", new { userid = "carol" });
        var late = AiBotTestClient.ReqId(await client.NextPushAsync(AiBotCmd.EventCallback));
        emulator.Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(846608, (await client.ReplyAsync(late, welcome.DeepClone().AsObject(), AiBotCmd.RespondWelcome)).Errcode());
    }

    [Fact]
    public async Task A_card_click_raises_template_card_event_and_an_update_within_five_seconds_replaces_the_card_in_place()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);
        await emulator.UserSaysAsync("approve?");
        var reqId = AiBotTestClient.ReqId(await client.NextPushAsync(AiBotCmd.MsgCallback));

        var card = ButtonCard("task-1", "请审批");
        Assert.Equal(0, (await client.ReplyAsync(reqId, new JsonObject { ["msgtype"] = "template_card", ["template_card"] = card })).Errcode());
        var duplicate = await client.ReplyAsync(reqId, new JsonObject { ["msgtype"] = "template_card", ["template_card"] = ButtonCard("task-1", "again") });
        Assert.Contains("task-1", duplicate.Errmsg(), StringComparison.Ordinal);
        var cardMessage = emulator.Messages().Single(m => m.MsgType == "template_card");

        using var click = await emulator.PostJsonAsync("/_emulator/wecom/aibot/card-clicks", new { message_id = cardMessage.Id, userid = "alice", event_key = "approve" });
        var evt = await client.NextPushAsync(AiBotCmd.EventCallback);
        var detail = evt["body"]!["event"]!["template_card_event"]!;
        Assert.Equal(("template_card_event", "approve", "task-1", "button_interaction"), ((string?)evt["body"]!["event"]!["eventtype"], (string?)detail["event_key"], (string?)detail["task_id"], (string?)detail["card_type"]));

        var update = new JsonObject { ["response_type"] = "update_template_card", ["template_card"] = ButtonCard("task-1", "已同意") };
        var eventReqId = AiBotTestClient.ReqId(evt);
        Assert.Equal(846605, (await client.ReplyAsync(eventReqId, Stream("x", "y", finish: true))).Errcode());
        Assert.Equal(0, (await client.ReplyAsync(eventReqId, update, AiBotCmd.RespondUpdate)).Errcode());
        Assert.Equal("已同意", (string?)emulator.Messages().Single(m => m.Id == cardMessage.Id).Card!["main_title"]!["title"]);

        emulator.Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(846608, (await client.ReplyAsync(eventReqId, update.DeepClone().AsObject(), AiBotCmd.RespondUpdate)).Errcode());
    }

    [Fact]
    public async Task A_card_without_task_id_or_buttons_is_refused_with_the_rule()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);
        await emulator.UserSaysAsync("card?");
        var reqId = AiBotTestClient.ReqId(await client.NextPushAsync(AiBotCmd.MsgCallback));

        var noTask = ButtonCard("t", "x");
        noTask.Remove("task_id");
        Assert.Contains("task_id is required", (await client.ReplyAsync(reqId, new JsonObject { ["msgtype"] = "template_card", ["template_card"] = noTask })).Errmsg(), StringComparison.Ordinal);
        var noButtons = ButtonCard("t2", "x");
        noButtons["button_list"] = new JsonArray();
        Assert.Contains("button_list", (await client.ReplyAsync(reqId, new JsonObject { ["msgtype"] = "template_card", ["template_card"] = noButtons })).Errmsg(), StringComparison.Ordinal);
        Assert.Contains("msgtype", (await client.ReplyAsync(reqId, new JsonObject { ["msgtype"] = "news" })).Errmsg(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feedback_on_a_reply_with_a_feedback_id_raises_feedback_event()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);
        await emulator.UserSaysAsync("rate me");
        var reqId = AiBotTestClient.ReqId(await client.NextPushAsync(AiBotCmd.MsgCallback));
        await client.ReplyAsync(reqId, Stream("s", "answer", finish: true, feedbackId: "fb-42"));
        var reply = emulator.Messages().Single(m => m.From == "bot");

        using var feedback = await emulator.PostJsonAsync("/_emulator/wecom/aibot/feedback", new { message_id = reply.Id, userid = "alice", type = 1 });
        var evt = await client.NextPushAsync(AiBotCmd.EventCallback);

        Assert.Equal(("feedback_event", "fb-42", 1), ((string?)evt["body"]!["event"]!["eventtype"], (string?)evt["body"]!["event"]!["feedback_event"]!["id"], (int)evt["body"]!["event"]!["feedback_event"]!["type"]!));
        Assert.Equal(1, emulator.Messages().Single(m => m.From == "bot").FeedbackGiven);
    }

    [Fact]
    public async Task A_proactive_send_reaches_a_user_or_the_group_and_an_unknown_chatid_is_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);

        var toUser = await client.RequestAsync(AiBotCmd.SendMsg, new JsonObject { ["chatid"] = "bob", ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["content"] = "**提醒**：周会" } });
        var toGroup = await client.RequestAsync(AiBotCmd.SendMsg, new JsonObject { ["chatid"] = AiBotDirectory.DefaultGroupChatId, ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["content"] = "大家好" } });
        var unknown = await client.RequestAsync(AiBotCmd.SendMsg, new JsonObject { ["chatid"] = "nobody", ["msgtype"] = "markdown", ["markdown"] = new JsonObject { ["content"] = "?" } });

        Assert.Equal((0, 0, 40058), (toUser.Errcode(), toGroup.Errcode(), unknown.Errcode()));
        Assert.Equal("**提醒**：周会", emulator.Messages("bob").Single().Content);
        Assert.Equal("大家好", emulator.Server.GetService<AiBotConversations>().Messages(AiBotConversations.GroupId(AiBotOptions.DefaultBotId, AiBotDirectory.DefaultGroupChatId)).Single().Content);
    }

    [Fact]
    public async Task A_chunked_upload_ends_in_a_media_id_the_bot_can_send_and_its_limits_are_checked()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await using var client = await AiBotTestClient.SubscribedAsync(emulator);
        var content = RandomNumberGenerator.GetBytes(600 * 1024);
#pragma warning disable CA5351 // the upload names MD5 as its integrity check
        var md5 = Convert.ToHexStringLower(MD5.HashData(content));
#pragma warning restore CA5351

        var init = await client.RequestAsync(AiBotCmd.UploadInit, new JsonObject { ["type"] = "file", ["filename"] = "report.pdf", ["total_size"] = content.Length, ["total_chunks"] = 2, ["md5"] = md5 });
        var uploadId = (string)init["body"]!["upload_id"]!;
        var oversize = await client.RequestAsync(AiBotCmd.UploadChunk, new JsonObject { ["upload_id"] = uploadId, ["chunk_index"] = 0, ["base64_data"] = Convert.ToBase64String(content) });
        Assert.Contains("524288", oversize.Errmsg(), StringComparison.Ordinal);
        var early = await client.RequestAsync(AiBotCmd.UploadFinish, new JsonObject { ["upload_id"] = uploadId });
        Assert.Contains("missing", early.Errmsg(), StringComparison.Ordinal);
        Assert.Equal(0, (await client.RequestAsync(AiBotCmd.UploadChunk, new JsonObject { ["upload_id"] = uploadId, ["chunk_index"] = 0, ["base64_data"] = Convert.ToBase64String(content.AsSpan(0, 512 * 1024)) })).Errcode());
        Assert.Equal(0, (await client.RequestAsync(AiBotCmd.UploadChunk, new JsonObject { ["upload_id"] = uploadId, ["chunk_index"] = 1, ["base64_data"] = Convert.ToBase64String(content.AsSpan(512 * 1024)) })).Errcode());
        var finish = await client.RequestAsync(AiBotCmd.UploadFinish, new JsonObject { ["upload_id"] = uploadId });
        var mediaId = (string)finish["body"]!["media_id"]!;
        Assert.Equal("file", (string?)finish["body"]!["type"]);

        var sent = await client.RequestAsync(AiBotCmd.SendMsg, new JsonObject { ["chatid"] = "alice", ["msgtype"] = "file", ["file"] = new JsonObject { ["media_id"] = mediaId } });
        Assert.Equal(0, sent.Errcode());
        Assert.Equal("report.pdf", emulator.Messages().Single().FileName);
        var unknown = await client.RequestAsync(AiBotCmd.SendMsg, new JsonObject { ["chatid"] = "alice", ["msgtype"] = "image", ["image"] = new JsonObject { ["media_id"] = "3nothere" } });
        Assert.Equal(40007, unknown.Errcode());
        var tooMany = await client.RequestAsync(AiBotCmd.UploadInit, new JsonObject { ["type"] = "file", ["filename"] = "big", ["total_size"] = 1000, ["total_chunks"] = 101 });
        Assert.Contains("1..100", tooMany.Errmsg(), StringComparison.Ordinal);
    }

    private static JsonObject ButtonCard(string taskId, string title) => new()
    {
        ["card_type"] = "button_interaction",
        ["main_title"] = new JsonObject { ["title"] = title },
        ["task_id"] = taskId,
        ["button_list"] = new JsonArray(new JsonObject { ["text"] = "同意", ["key"] = "approve", ["style"] = 1 }, new JsonObject { ["text"] = "拒绝", ["key"] = "reject", ["style"] = 2 }),
    };
}
