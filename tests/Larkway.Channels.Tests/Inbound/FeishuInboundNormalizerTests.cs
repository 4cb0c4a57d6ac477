using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Channels.Adapters;
using Larkway.Channels.Inbound;
using Larkway.Channels.Messages;
using Larkway.Feishu.Events.Models;
using Larkway.Feishu.Events.Models.Im;

namespace Larkway.Channels.Tests.Inbound;

/// <summary>Payloads follow the documented im.message.receive_v1 event body (sender, message, mentions[]).</summary>
public class FeishuInboundNormalizerTests
{
    private const string BotOpenId = "ou_bot0000000000000000000000000001";
    private static readonly ChannelBotIdentity Bot = new(BotOpenId, "Assistant");
    private static readonly DateTimeOffset Received = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_group_text_that_mentions_the_bot_and_a_colleague_resolves_both_and_takes_the_bot_out()
    {
        var message = Normalize(Event(chatType: "group", messageType: "text",
            content: new JsonObject { ["text"] = "@_user_1 ask @_user_2 about the Q3 budget" },
            mentions: [Mention("@_user_1", BotOpenId, "Assistant"), Mention("@_user_2", "ou_tom", "Tom")]));

        message.Platform.ShouldBe(ChannelPlatform.Feishu);
        message.Text.ShouldBe("ask @Tom about the Q3 budget");
        message.MentionsBot.ShouldBeTrue();
        message.IsAddressedToBot.ShouldBeTrue();
        message.Mentions.Count.ShouldBe(2);
        message.Mentions[0].ShouldBe(new ChannelMention(BotOpenId, "Assistant", IsBot: true));
        message.Mentions[1].ShouldBe(new ChannelMention("ou_tom", "Tom"));
        message.Conversation.Kind.ShouldBe(ConversationKind.Group);
        message.Conversation.Id.ShouldBe("oc_group1");
    }

    [Fact]
    public void A_group_text_that_mentions_someone_else_is_not_addressed_to_the_bot()
    {
        var message = Normalize(Event(chatType: "group", messageType: "text",
            content: new JsonObject { ["text"] = "@_user_1 lunch?" }, mentions: [Mention("@_user_1", "ou_tom", "Tom")]));

        message.MentionsBot.ShouldBeFalse();
        message.IsAddressedToBot.ShouldBeFalse();
        message.Text.ShouldBe("@Tom lunch?");
    }

    [Fact]
    public void Ten_or_more_mentions_do_not_confuse_user_1_with_user_10()
    {
        var mentions = Enumerable.Range(1, 10).Select(i => Mention($"@_user_{i}", $"ou_{i}", $"P{i}")).ToArray();
        var message = Normalize(Event(chatType: "group", messageType: "text",
            content: new JsonObject { ["text"] = "@_user_10 and @_user_1" }, mentions: mentions));

        message.Text.ShouldBe("@P10 and @P1");
    }

    [Fact]
    public void At_all_is_a_mention_of_everyone()
    {
        var message = Normalize(Event(chatType: "group", messageType: "text",
            content: new JsonObject { ["text"] = "@_all meeting at 3" }, mentions: []));

        message.MentionsAll.ShouldBeTrue();
        message.MentionsBot.ShouldBeFalse();
        message.Text.ShouldBe("@all meeting at 3");
    }

    [Fact]
    public void A_direct_message_is_addressed_to_the_bot_without_a_mention_and_carries_the_sender_ids_and_times()
    {
        var message = Normalize(Event(chatType: "p2p", messageType: "text", content: new JsonObject { ["text"] = " hi there " }, mentions: []));

        message.Conversation.Kind.ShouldBe(ConversationKind.Direct);
        message.IsAddressedToBot.ShouldBeTrue();
        message.Text.ShouldBe("hi there");
        message.Sender.Id.ShouldBe("ou_alice");
        message.Sender.IsBot.ShouldBeFalse();
        message.Sender.OtherIds["union_id"].ShouldBe("on_alice");
        message.Sender.OtherIds["user_id"].ShouldBe("alice01");
        message.SentAt.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1764144000123));
        message.ReceivedAt.ShouldBe(Received);
        message.MessageId.ShouldBe("om_msg1");
        message.App.Id.ShouldBe("cli_app1");
        message.DedupKey.ShouldBe("feishu/cli_app1/om_msg1");
    }

    [Fact]
    public void A_message_in_a_topic_is_a_thread_conversation_with_the_message_it_replies_to()
    {
        var message = Normalize(Event(chatType: "group", messageType: "text", content: new JsonObject { ["text"] = "@_user_1 and then?" },
            mentions: [Mention("@_user_1", BotOpenId, "Assistant")], threadId: "omt_thread1", parentId: "om_parent", rootId: "om_root"));

        message.Conversation.Kind.ShouldBe(ConversationKind.Thread);
        message.Conversation.ThreadId.ShouldBe("omt_thread1");
        message.Conversation.Key.ShouldBe("oc_group1#omt_thread1");
        message.ReplyToMessageId.ShouldBe("om_parent");
    }

    [Fact]
    public void A_reply_in_a_plain_group_stays_in_the_group_and_names_the_message_replied_to()
    {
        var message = Normalize(Event(chatType: "group", messageType: "text", content: new JsonObject { ["text"] = "@_user_1 this one" },
            mentions: [Mention("@_user_1", BotOpenId, "Assistant")], parentId: "om_parent", rootId: "om_parent"));

        message.Conversation.ShouldBe(new ChannelConversation("oc_group1", ConversationKind.Group));
        message.ReplyToMessageId.ShouldBe("om_parent");
    }

    [Fact]
    public void A_message_from_another_app_is_from_a_bot()
    {
        var message = Normalize(Event(chatType: "group", messageType: "text", content: new JsonObject { ["text"] = "@_user_1 ping" },
            mentions: [Mention("@_user_1", BotOpenId, "Assistant")], senderType: "app"));

        message.Sender.IsBot.ShouldBeTrue();
    }

    [Fact]
    public void A_post_gives_its_title_and_lines_with_mentions_code_and_images()
    {
        var content = new JsonObject
        {
            ["title"] = "Deploy",
            ["content"] = new JsonArray(
                new JsonArray(new JsonObject { ["tag"] = "at", ["user_id"] = "@_user_1", ["user_name"] = "Assistant" }, new JsonObject { ["tag"] = "text", ["text"] = " why does this fail?" }),
                new JsonArray(new JsonObject { ["tag"] = "code_block", ["language"] = "PYTHON", ["text"] = "print(1)\n" }),
                new JsonArray(new JsonObject { ["tag"] = "img", ["image_key"] = "img_v3_1" })),
        };
        var message = Normalize(Event(chatType: "group", messageType: "post", content: content, mentions: [Mention("@_user_1", BotOpenId, "Assistant")]));

        message.Text.ShouldBe("Deploy\nwhy does this fail?\n```python\nprint(1)\n```");
        message.MentionsBot.ShouldBeTrue();
        message.Attachments.ShouldBe([new ChannelAttachment(AttachmentKind.Image, "img_v3_1")]);
    }

    [Theory]
    [InlineData("image", "{\"image_key\":\"img_v3_x\"}", AttachmentKind.Image, "img_v3_x", null)]
    [InlineData("file", "{\"file_key\":\"file_v3_x\",\"file_name\":\"q3.xlsx\"}", AttachmentKind.File, "file_v3_x", "q3.xlsx")]
    [InlineData("audio", "{\"file_key\":\"file_v3_a\",\"duration\":2000}", AttachmentKind.Audio, "file_v3_a", null)]
    [InlineData("media", "{\"file_key\":\"file_v3_v\",\"image_key\":\"img_v3_t\",\"file_name\":\"demo.mp4\",\"duration\":9000}", AttachmentKind.Video, "file_v3_v", "demo.mp4")]
    public void Media_messages_become_attachments(string type, string content, AttachmentKind kind, string key, string? name)
    {
        var message = Normalize(Event(chatType: "p2p", messageType: type, content: JsonNode.Parse(content)!.AsObject(), mentions: []));

        message.Text.ShouldBe("");
        message.PlatformMessageType.ShouldBe(type);
        message.Attachments.ShouldBe([new ChannelAttachment(kind, key, name)]);
    }

    [Fact]
    public void A_redelivery_under_a_new_event_id_has_the_same_dedup_key()
    {
        var first = Normalize(Event(chatType: "p2p", messageType: "text", content: new JsonObject { ["text"] = "x" }, mentions: []));
        var again = Normalize(Event(chatType: "p2p", messageType: "text", content: new JsonObject { ["text"] = "x" }, mentions: []), Received.AddMinutes(5));

        again.DedupKey.ShouldBe(first.DedupKey);
    }

    [Fact]
    public void A_missing_bot_open_id_is_refused_with_where_to_get_it()
    {
        var received = Parse(Event(chatType: "p2p", messageType: "text", content: new JsonObject { ["text"] = "x" }, mentions: []));

        var ex = Should.Throw<ChannelInboundException>(() => FeishuChannelAdapter.Normalize(received, "cli_app1", new ChannelBotIdentity(""), Received));
        ex.Message.ShouldContain("bot/v3/info");
    }

    [Fact]
    public void A_message_without_an_id_is_refused_naming_the_field_and_not_the_text()
    {
        var body = Event(chatType: "p2p", messageType: "text", content: new JsonObject { ["text"] = "secret question" }, mentions: []);
        body["message"]!["message_id"] = "";

        var ex = Should.Throw<ChannelInboundException>(() => Normalize(body));
        ex.Message.ShouldContain("message_id");
        ex.Message.ShouldNotContain("secret");
    }

    private static InboundMessage Normalize(JsonObject body, DateTimeOffset? receivedAt = null) =>
        FeishuChannelAdapter.Normalize(Parse(body), "cli_app1", Bot, receivedAt ?? Received);

    private static MessageReceivedEvent Parse(JsonObject body)
    {
        using var document = JsonDocument.Parse(body.ToJsonString());
        return FeishuEventParser.Parse(MessageReceivedEvent.Type, document.RootElement).ShouldBeOfType<MessageReceivedEvent>();
    }

    private static JsonObject Mention(string key, string openId, string name) => new()
    {
        ["key"] = key,
        ["id"] = new JsonObject { ["union_id"] = "on_" + name.ToLowerInvariant(), ["user_id"] = null, ["open_id"] = openId },
        ["name"] = name,
        ["tenant_key"] = "736588c9260f175e",
    };

    private static JsonObject Event(string chatType, string messageType, JsonObject content, JsonObject[] mentions,
        string? threadId = null, string? parentId = null, string? rootId = null, string senderType = "user")
    {
        var message = new JsonObject
        {
            ["message_id"] = "om_msg1",
            ["root_id"] = rootId,
            ["parent_id"] = parentId,
            ["create_time"] = "1764144000123",
            ["update_time"] = "1764144000123",
            ["chat_id"] = chatType == "p2p" ? "oc_p2p1" : "oc_group1",
            ["thread_id"] = threadId,
            ["chat_type"] = chatType,
            ["message_type"] = messageType,
            ["content"] = content.ToJsonString(),
            ["user_agent"] = "Mozilla/5.0 Lark/7.30",
        };
        if (mentions.Length > 0)
        {
            message["mentions"] = new JsonArray([.. mentions]);
        }

        return new JsonObject
        {
            ["sender"] = new JsonObject
            {
                ["sender_id"] = new JsonObject { ["union_id"] = "on_alice", ["user_id"] = "alice01", ["open_id"] = "ou_alice" },
                ["sender_type"] = senderType,
                ["tenant_key"] = "736588c9260f175e",
            },
            ["message"] = message,
        };
    }
}
