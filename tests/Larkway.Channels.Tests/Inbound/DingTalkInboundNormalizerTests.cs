using System.Text.Json.Nodes;
using Larkway.Channels.Adapters;
using Larkway.Channels.Inbound;
using Larkway.Channels.Messages;
using Larkway.DingTalk.Stream;

namespace Larkway.Channels.Tests.Inbound;

/// <summary>Payloads follow DingTalk's documented robot message (机器人接收消息): conversationType, atUsers, isInAtList, content per msgtype.</summary>
public class DingTalkInboundNormalizerTests
{
    private const string ChatbotUserId = "$:LWCP_v1:$botbotbotbot";
    private static readonly ChannelBotIdentity Bot = new("dingrobot123", "Helper");
    private static readonly DateTimeOffset Received = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_group_text_that_mentions_the_robot_is_addressed_to_it_with_its_mentions_resolved()
    {
        var body = Message("2", "text");
        body["text"] = new JsonObject { ["content"] = " what is our leave policy?" };
        body["isInAtList"] = true;
        body["atUsers"] = new JsonArray(new JsonObject { ["dingtalkId"] = ChatbotUserId }, new JsonObject { ["dingtalkId"] = "$:LWCP_v1:$bob", ["staffId"] = "bob01" });

        var message = DingTalkChannelAdapter.Normalize(body.ToJsonString(), Bot, Received);

        message.Platform.ShouldBe(ChannelPlatform.DingTalk);
        message.Conversation.Kind.ShouldBe(ConversationKind.Group);
        message.Conversation.Id.ShouldBe("cidGroup==");
        message.Conversation.Title.ShouldBe("Ops");
        message.Text.ShouldBe("what is our leave policy?");
        message.MentionsBot.ShouldBeTrue();
        message.Mentions.ShouldBe([new ChannelMention(ChatbotUserId, "Helper", IsBot: true), new ChannelMention("bob01", "")]);
        message.Sender.ShouldBe(message.Sender with { Id = "alice01", DisplayName = "Alice", IsBot = false });
        message.Sender.OtherIds["senderId"].ShouldBe("$:LWCP_v1:$alice");
        message.App.Id.ShouldBe("dingrobot123");
        message.MessageId.ShouldBe("msgABC==");
        message.DedupKey.ShouldBe("dingtalk/dingrobot123/msgABC==");
        message.SentAt.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1764144000456));
    }

    [Fact]
    public void A_group_text_not_mentioning_the_robot_is_not_addressed_to_it()
    {
        var body = Message("2", "text");
        body["text"] = new JsonObject { ["content"] = "hello @Bob" };
        body["isInAtList"] = false;
        body["atUsers"] = new JsonArray(new JsonObject { ["dingtalkId"] = "$:LWCP_v1:$bob", ["staffId"] = "bob01" });

        var message = DingTalkChannelAdapter.Normalize(body.ToJsonString(), Bot, Received);

        message.MentionsBot.ShouldBeFalse();
        message.IsAddressedToBot.ShouldBeFalse();
    }

    [Fact]
    public void A_one_to_one_message_is_direct_and_addressed_to_the_robot()
    {
        var body = Message("1", "text");
        body["text"] = new JsonObject { ["content"] = "hi" };
        body.Remove("conversationTitle");

        var message = DingTalkChannelAdapter.Normalize(body.ToJsonString(), null, Received);

        message.Conversation.Kind.ShouldBe(ConversationKind.Direct);
        message.IsAddressedToBot.ShouldBeTrue();
        message.MentionsBot.ShouldBeFalse();
    }

    [Fact]
    public void Rich_text_gives_its_text_parts_and_pictures_and_loses_the_robots_name()
    {
        var body = Message("2", "richText");
        body["isInAtList"] = true;
        body["content"] = new JsonObject
        {
            ["richText"] = new JsonArray(
                new JsonObject { ["text"] = "@Helper " },
                new JsonObject { ["text"] = "what is in this chart?" },
                new JsonObject { ["text"] = "\n" },
                new JsonObject { ["type"] = "picture", ["downloadCode"] = "dl_pic_1", ["pictureDownloadCode"] = "pdl_pic_1" }),
        };

        var message = DingTalkChannelAdapter.Normalize(body.ToJsonString(), Bot, Received);

        message.Text.ShouldBe("what is in this chart?");
        message.Attachments.ShouldBe([new ChannelAttachment(AttachmentKind.Image, "dl_pic_1")]);
        message.MentionsBot.ShouldBeTrue();
    }

    [Theory]
    [InlineData("picture", "{\"downloadCode\":\"dl1\"}", AttachmentKind.Image, "dl1", null, "")]
    [InlineData("file", "{\"downloadCode\":\"dl2\",\"fileName\":\"report.pdf\",\"spaceId\":\"1\",\"fileId\":\"2\"}", AttachmentKind.File, "dl2", "report.pdf", "")]
    [InlineData("audio", "{\"downloadCode\":\"dl3\",\"duration\":3000,\"recognition\":\"what time is it\"}", AttachmentKind.Audio, "dl3", null, "what time is it")]
    [InlineData("video", "{\"downloadCode\":\"dl4\",\"duration\":5,\"videoType\":\"mp4\"}", AttachmentKind.Video, "dl4", null, "")]
    public void Media_messages_become_attachments_and_audio_brings_its_transcription(string type, string content, AttachmentKind kind, string key, string? name, string text)
    {
        var body = Message("1", type);
        body["content"] = JsonNode.Parse(content);

        var message = DingTalkChannelAdapter.Normalize(body.ToJsonString(), Bot, Received);

        message.Attachments.ShouldBe([new ChannelAttachment(kind, key, name)]);
        message.Text.ShouldBe(text);
    }

    [Fact]
    public void A_reply_to_a_message_names_it_and_its_text()
    {
        var body = Message("1", "text");
        body["text"] = new JsonObject
        {
            ["content"] = "and this one?",
            ["isReplyMsg"] = true,
            ["repliedMsg"] = new JsonObject { ["msgType"] = "text", ["msgId"] = "msgOld==", ["content"] = new JsonObject { ["text"] = "the old question" } },
        };

        var message = DingTalkChannelAdapter.Normalize(body.ToJsonString(), Bot, Received);

        message.ReplyToMessageId.ShouldBe("msgOld==");
        message.QuotedText.ShouldBe("the old question");
    }

    [Fact]
    public void The_typed_message_alone_still_normalizes_its_text()
    {
        var body = Message("2", "text");
        body["text"] = new JsonObject { ["content"] = " hi " };
        body["isInAtList"] = true;

        var message = DingTalkInboundNormalizer.Normalize(DingTalkRobotInboundMessage.Parse(body.ToJsonString()), Bot, Received);

        message.Text.ShouldBe("hi");
        message.MentionsBot.ShouldBeTrue();
    }

    [Fact]
    public void Json_that_is_not_a_robot_message_is_refused_clearly()
    {
        Should.Throw<ChannelInboundException>(() => DingTalkChannelAdapter.Normalize("{not json", Bot, Received)).Message.ShouldContain("not valid JSON");
        var body = Message("1", "text");
        body.Remove("conversationId");
        Should.Throw<ChannelInboundException>(() => DingTalkChannelAdapter.Normalize(body.ToJsonString(), Bot, Received)).Message.ShouldContain("conversationId");
    }

    private static JsonObject Message(string conversationType, string msgtype) => new()
    {
        ["conversationId"] = conversationType == "2" ? "cidGroup==" : "cidSingle==",
        ["chatbotCorpId"] = "dingcorp",
        ["chatbotUserId"] = ChatbotUserId,
        ["msgId"] = "msgABC==",
        ["senderNick"] = "Alice",
        ["isAdmin"] = false,
        ["senderStaffId"] = "alice01",
        ["sessionWebhookExpiredTime"] = 1764149400456,
        ["createAt"] = 1764144000456,
        ["senderCorpId"] = "dingcorp",
        ["conversationType"] = conversationType,
        ["senderId"] = "$:LWCP_v1:$alice",
        ["conversationTitle"] = "Ops",
        ["isInAtList"] = false,
        ["sessionWebhook"] = "https://oapi.dingtalk.com/robot/sendBySession?session=abc",
        ["robotCode"] = "dingrobot123",
        ["msgtype"] = msgtype,
    };
}
