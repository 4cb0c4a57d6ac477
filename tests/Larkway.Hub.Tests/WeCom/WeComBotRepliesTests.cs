using Larkway.Channels.Messages;
using Larkway.Hub.Bots;
using Larkway.Hub.WeCom;

namespace Larkway.Hub.Tests.WeCom;

/// <summary>A bot's card on WeCom shows no button that would answer nothing (WeCom sends a bot card's clicks to the business webhooks).</summary>
public sealed class WeComBotRepliesTests
{
    [Fact]
    public void The_sample_cards_callback_button_is_not_shown_on_WeCom_and_its_text_is()
    {
        var shown = WeComBotReplies.Shown(SampleCommands.SampleCard("Click the button.")).ShouldBeOfType<CardReply>();

        shown.Buttons.ShouldBeEmpty();
        shown.Title.ShouldBe("Larkway sample");
        shown.Markdown.ShouldBe("Click the button.");
        WeComBotMessenger.MessagesOf(SampleCommands.SampleCard("Click the button."), "alice").ShouldNotBeEmpty();
    }

    [Fact]
    public void A_link_button_stays_and_a_reply_without_buttons_is_the_same_reply()
    {
        var card = ChannelReply.ForCard("Deploy", "Ship it?", new ReplyButton("Yes", "deploy:yes"), new ReplyButton("Runbook", null, Url: "https://wiki.example.com/rb"));
        WeComBotReplies.Shown(card).ShouldBeOfType<CardReply>().Buttons.Select(b => b.Text).ShouldBe(["Runbook"]);

        var text = ChannelReply.ForText("hello");
        WeComBotReplies.Shown(text).ShouldBeSameAs(text);
    }
}
