using Larkway.Channels.Messages;

namespace Larkway.Channels.Tests.Messages;

public class ChannelModelTests
{
    [Fact]
    public void A_thread_is_keyed_apart_from_its_group()
    {
        var group = new ChannelConversation("oc_1", ConversationKind.Group);
        var thread = new ChannelConversation("oc_1", ConversationKind.Thread, "omt_9");

        group.Key.ShouldBe("oc_1");
        thread.Key.ShouldBe("oc_1#omt_9");
        thread.IsShared.ShouldBeTrue();
        new ChannelConversation("u1", ConversationKind.Direct).IsShared.ShouldBeFalse();
    }

    [Fact]
    public void A_conversation_needs_its_id_and_only_a_thread_takes_a_thread_id()
    {
        Should.Throw<ArgumentException>(() => new ChannelConversation(" ", ConversationKind.Group)).Message.ShouldContain("chat id");
        Should.Throw<ArgumentException>(() => new ChannelConversation("oc_1", ConversationKind.Thread)).Message.ShouldContain("thread id");
        Should.Throw<ArgumentException>(() => new ChannelConversation("oc_1", ConversationKind.Group, "omt_1")).Message.ShouldContain("Only a thread");
    }

    [Fact]
    public void The_dedup_key_names_platform_app_and_message()
    {
        InboundMessage.DedupKeyFor(ChannelPlatform.DingTalk, "robot1", "msg1").ShouldBe("dingtalk/robot1/msg1");
        InboundMessage.DedupKeyFor(ChannelPlatform.WeCom, "robot1", "msg1").ShouldNotBe(InboundMessage.DedupKeyFor(ChannelPlatform.DingTalk, "robot1", "msg1"));
    }

    [Fact]
    public void A_bot_identity_knows_its_other_ids()
    {
        var bot = new ChannelBotIdentity("chatbot1") { OtherIds = ["robotcode1"] };

        bot.Is("robotcode1").ShouldBeTrue();
        bot.Is("chatbot1").ShouldBeTrue();
        bot.Is("someone").ShouldBeFalse();
        bot.Is(null).ShouldBeFalse();
    }

    [Fact]
    public void A_link_button_does_not_call_back()
    {
        new ReplyButton("Open", null, Url: "https://example.com").IsCallback.ShouldBeFalse();
        new ReplyButton("Yes", "yes").IsCallback.ShouldBeTrue();
    }
}
