using Larkway.Channels.Messages;
using Larkway.Hub.Bots;
using Larkway.Hub.WeCom;

namespace Larkway.Hub.Tests.WeCom;

/// <summary>
/// A bot's card through a WeCom AI bot shows no button that would answer nothing (its clicks go to the business
/// webhooks); an app's card keeps its buttons, whose clicks come back to the bot's card actions.
/// </summary>
public sealed class WeComBotRepliesTests
{
    [Fact]
    public void The_sample_cards_callback_button_is_not_shown_through_an_AI_bot_and_its_text_is()
    {
        var shown = WeComBotReplies.Shown(SampleCommands.SampleCard("Click the button.")).ShouldBeOfType<CardReply>();

        shown.Buttons.ShouldBeEmpty();
        shown.Title.ShouldBe("Larkway sample");
        shown.Markdown.ShouldBe("Click the button.");
    }

    [Fact]
    public void An_apps_sample_card_keeps_its_button_keyed_by_the_action()
    {
        var card = WeComBotMessenger.MessagesOf(SampleCommands.SampleCard("Click the button."), "alice")
            .OfType<Larkway.WeCom.Messages.WeComTemplateCardAppMessage>().ShouldHaveSingleItem().Card;

        card.ButtonList.ShouldNotBeNull().ShouldHaveSingleItem().Key.ShouldBe(SampleCommands.AcknowledgeAction);

        // Its click is the bot's; a click on a card a business system sent through the same app stays the business system's.
        WeComBotCardClicks.Claims(System.Text.Json.JsonSerializer.SerializeToElement(new { TaskId = card.TaskId })).ShouldBeTrue();
        WeComBotCardClicks.Claims(System.Text.Json.JsonSerializer.SerializeToElement(new { TaskId = "erp-po-4711" })).ShouldBeFalse();
        WeComBotCardClicks.Claims(System.Text.Json.JsonSerializer.SerializeToElement(new { EventKey = "sample.ack" })).ShouldBeFalse();
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
