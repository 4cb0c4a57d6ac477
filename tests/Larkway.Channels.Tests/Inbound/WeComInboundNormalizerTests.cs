using System.Text.Json.Nodes;
using Larkway.Channels.Adapters;
using Larkway.Channels.Inbound;
using Larkway.Channels.Messages;
using Larkway.WeCom.AiBot;
using Larkway.WeCom.Callbacks;

namespace Larkway.Channels.Tests.Inbound;

/// <summary>AI bot payloads follow WeCom's 接收消息 (path/100719); app payloads the 接收消息 XML (path/90239).</summary>
public class WeComInboundNormalizerTests
{
    private static readonly ChannelBotIdentity Bot = new("aib_001", "RobotA");
    private static readonly DateTimeOffset Received = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_group_text_to_the_ai_bot_mentions_it_and_loses_the_mention()
    {
        var message = WeComChannelAdapter.Normalize(AiBot("group", "text", new JsonObject { ["content"] = "@RobotA hello robot" }), Bot, Received);

        message.Platform.ShouldBe(ChannelPlatform.WeCom);
        message.Conversation.ShouldBe(new ChannelConversation("wrkSFfCgAAxxxx", ConversationKind.Group));
        message.Text.ShouldBe("hello robot");
        message.MentionsBot.ShouldBeTrue();
        message.Mentions.ShouldBe([new ChannelMention("aib_001", "RobotA", IsBot: true)]);
        message.Sender.Id.ShouldBe("zhangsan");
        message.App.Id.ShouldBe("aib_001");
        message.DedupKey.ShouldBe("wecom/aib_001/CAIQ16HMjQYY");
    }

    [Fact]
    public void Without_the_bots_name_the_leading_mention_is_taken_as_the_bots()
    {
        var message = WeComChannelAdapter.Normalize(AiBot("group", "text", new JsonObject { ["content"] = "@智能助手 请假流程是什么" }), new ChannelBotIdentity("aib_001"), Received);

        message.Text.ShouldBe("请假流程是什么");
        message.Mentions.Single().Name.ShouldBe("智能助手");
    }

    [Fact]
    public void A_single_chat_is_direct_keyed_by_the_user_and_addressed_to_the_bot()
    {
        var message = WeComChannelAdapter.Normalize(AiBot("single", "text", new JsonObject { ["content"] = "@RobotA is not special here" }), Bot, Received);

        message.Conversation.ShouldBe(new ChannelConversation("zhangsan", ConversationKind.Direct));
        message.Text.ShouldBe("@RobotA is not special here");
        message.MentionsBot.ShouldBeFalse();
        message.IsAddressedToBot.ShouldBeTrue();
    }

    [Fact]
    public void A_mixed_message_gives_its_text_and_images_with_their_keys_and_a_quote_its_text()
    {
        var body = AiBotJson("single", "mixed", null, "mixed");
        body["mixed"] = new JsonObject
        {
            ["msg_item"] = new JsonArray(
                new JsonObject { ["msgtype"] = "text", ["text"] = new JsonObject { ["content"] = "what is this?" } },
                new JsonObject { ["msgtype"] = "image", ["image"] = new JsonObject { ["url"] = "https://ww-aibot-img.example/1", ["aeskey"] = "k1" } }),
        };
        body["quote"] = new JsonObject { ["msgtype"] = "text", ["text"] = new JsonObject { ["content"] = "earlier answer" } };

        var message = WeComChannelAdapter.Normalize(WeComAiBotMessage.Parse(body.ToJsonString()), Bot, Received);

        message.Text.ShouldBe("what is this?");
        var image = message.Attachments.ShouldHaveSingleItem();
        image.Kind.ShouldBe(AttachmentKind.Image);
        image.Url.ShouldBe("https://ww-aibot-img.example/1");
        image.DecryptionKey.ShouldBe("k1");
        message.QuotedText.ShouldBe("earlier answer");
    }

    [Fact]
    public void A_voice_message_is_its_transcription_and_a_file_an_attachment()
    {
        WeComChannelAdapter.Normalize(AiBot("single", "voice", new JsonObject { ["content"] = "明天天气" }), Bot, Received).Text.ShouldBe("明天天气");
        var file = WeComChannelAdapter.Normalize(AiBot("single", "file", new JsonObject { ["url"] = "https://ww-aibot-file.example/f" }), Bot, Received);
        file.Attachments.ShouldHaveSingleItem().Kind.ShouldBe(AttachmentKind.File);
    }

    [Fact]
    public void A_group_message_without_a_chat_id_is_refused()
    {
        var body = AiBotJson("group", "text", new JsonObject { ["content"] = "@RobotA hi" }, "text");
        body.Remove("chatid");

        Should.Throw<ChannelInboundException>(() => WeComChannelAdapter.Normalize(WeComAiBotMessage.Parse(body.ToJsonString()), Bot, Received)).Message.ShouldContain("chatid");
    }

    [Fact]
    public void An_app_text_message_is_a_direct_message_from_the_user_to_the_agent()
    {
        var xml = "<xml><ToUserName><![CDATA[ww_corp]]></ToUserName><FromUserName><![CDATA[lisi]]></FromUserName><CreateTime>1764144000</CreateTime>"
            + "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[  报销怎么走  ]]></Content><MsgId>7321234567890123456</MsgId><AgentID>1000002</AgentID></xml>";

        var message = WeComChannelAdapter.Normalize(WeComCallbackMessage.Parse(xml).ShouldBeAssignableTo<WeComMessage>()!, Received);

        message.Conversation.ShouldBe(new ChannelConversation("lisi", ConversationKind.Direct));
        message.App.Id.ShouldBe("1000002");
        message.Text.ShouldBe("报销怎么走");
        message.Sender.OtherIds["corpid"].ShouldBe("ww_corp");
        message.MessageId.ShouldBe("7321234567890123456");
        message.DedupKey.ShouldBe("wecom/1000002/7321234567890123456");
        message.SentAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1764144000));
    }

    [Fact]
    public void An_app_image_message_is_an_attachment_with_its_media_id_and_url()
    {
        var xml = "<xml><ToUserName><![CDATA[ww_corp]]></ToUserName><FromUserName><![CDATA[lisi]]></FromUserName><CreateTime>1764144000</CreateTime>"
            + "<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[https://wework.qpic.cn/x]]></PicUrl><MediaId><![CDATA[media_1]]></MediaId><MsgId>1</MsgId><AgentID>1000002</AgentID></xml>";

        var message = WeComChannelAdapter.Normalize((WeComMessage)WeComCallbackMessage.Parse(xml), Received);

        message.Attachments.ShouldBe([new ChannelAttachment(AttachmentKind.Image, "media_1") { Url = "https://wework.qpic.cn/x" }]);
    }

    [Fact]
    public void An_app_message_without_agent_id_is_refused()
    {
        var xml = "<xml><ToUserName>c</ToUserName><FromUserName>lisi</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>";

        Should.Throw<ChannelInboundException>(() => WeComChannelAdapter.Normalize((WeComMessage)WeComCallbackMessage.Parse(xml), Received)).Message.ShouldContain("AgentID");
    }

    private static WeComAiBotMessage AiBot(string chatType, string msgType, JsonObject? payload) =>
        WeComAiBotMessage.Parse(AiBotJson(chatType, msgType, payload, msgType).ToJsonString());

    private static JsonObject AiBotJson(string chatType, string msgType, JsonObject? payload, string field)
    {
        var body = new JsonObject
        {
            ["msgid"] = "CAIQ16HMjQYY",
            ["aibotid"] = "aib_001",
            ["chattype"] = chatType,
            ["from"] = new JsonObject { ["userid"] = "zhangsan" },
            ["response_url"] = "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC",
            ["msgtype"] = msgType,
        };
        if (chatType == "group")
        {
            body["chatid"] = "wrkSFfCgAAxxxx";
        }

        if (payload is not null)
        {
            body[field] = payload;
        }

        return body;
    }
}
