using System.Text.Json;
using Larkway.DingTalk.Robots;

namespace Larkway.DingTalk.Tests.Robots;

public sealed class RobotMessageTests
{
    [Fact]
    public void A_text_message_carries_its_mentions_in_at()
    {
        var json = Parse(DingTalkRobotMessage.Text("deploy done", new DingTalkMentions { Mobiles = ["13800000001"], UserIds = ["manager01"] }));

        json.GetProperty("msgtype").GetString().ShouldBe("text");
        json.GetProperty("text").GetProperty("content").GetString().ShouldBe("deploy done");
        var at = json.GetProperty("at");
        at.GetProperty("atMobiles")[0].GetString().ShouldBe("13800000001");
        at.GetProperty("atUserIds")[0].GetString().ShouldBe("manager01");
        at.GetProperty("isAtAll").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public void A_markdown_message_names_in_its_text_each_person_it_mentions()
    {
        var json = Parse(DingTalkRobotMessage.Markdown("Alert", "### Disk full @13800000001", new DingTalkMentions { Mobiles = ["13800000001", "13800000002"] }));

        var text = json.GetProperty("markdown").GetProperty("text").GetString()!;
        text.ShouldStartWith("### Disk full @13800000001");
        text.ShouldEndWith("@13800000002");
        text.Split("@13800000001").Length.ShouldBe(2);
        json.GetProperty("markdown").GetProperty("title").GetString().ShouldBe("Alert");
    }

    [Fact]
    public void An_action_card_with_one_button_uses_single_title_and_url()
    {
        var body = Parse(DingTalkRobotMessage.ActionCard("PO 42", "**Approve?**", "Open", "https://erp.example/po/42")).GetProperty("actionCard");

        body.GetProperty("singleTitle").GetString().ShouldBe("Open");
        body.GetProperty("singleURL").GetString().ShouldBe("https://erp.example/po/42");
        body.GetProperty("btnOrientation").GetString().ShouldBe("0");
        body.TryGetProperty("btns", out _).ShouldBeFalse();
    }

    [Fact]
    public void An_action_card_with_several_buttons_lists_them_side_by_side_when_asked()
    {
        var body = Parse(DingTalkRobotMessage.ActionCard("PO 42", "text",
            [new DingTalkRobotButton("Approve", "https://erp.example/a"), new DingTalkRobotButton("Reject", "https://erp.example/r")], DingTalkButtonOrientation.Horizontal)).GetProperty("actionCard");

        body.GetProperty("btnOrientation").GetString().ShouldBe("1");
        body.GetProperty("btns").GetArrayLength().ShouldBe(2);
        body.GetProperty("btns")[1].GetProperty("title").GetString().ShouldBe("Reject");
        body.GetProperty("btns")[1].GetProperty("actionURL").GetString().ShouldBe("https://erp.example/r");
    }

    [Fact]
    public void Link_and_feed_cards_use_dingtalks_field_spellings()
    {
        var link = Parse(DingTalkRobotMessage.Link("Report", "Q3 numbers", "https://bi.example/q3", "https://bi.example/q3.png")).GetProperty("link");
        link.GetProperty("messageUrl").GetString().ShouldBe("https://bi.example/q3");
        link.GetProperty("picUrl").GetString().ShouldBe("https://bi.example/q3.png");

        var feed = Parse(DingTalkRobotMessage.FeedCard([new DingTalkFeedLink("One", "https://news.example/1", "https://news.example/1.png")])).GetProperty("feedCard");
        feed.GetProperty("links")[0].GetProperty("messageURL").GetString().ShouldBe("https://news.example/1");
        feed.GetProperty("links")[0].GetProperty("picURL").GetString().ShouldBe("https://news.example/1.png");
    }

    [Fact]
    public void A_message_that_cannot_be_sent_is_refused_naming_the_field()
    {
        Should.Throw<ArgumentException>(() => DingTalkRobotMessage.Text(" ")).Message.ShouldContain("content");
        Should.Throw<ArgumentException>(() => DingTalkRobotMessage.Link("t", "x", "not a url")).Message.ShouldContain("messageUrl");
        Should.Throw<ArgumentException>(() => DingTalkRobotMessage.ActionCard("t", "x", [])).Message.ShouldContain("btns");
        Should.Throw<ArgumentException>(() => DingTalkRobotMessage.ActionCard("t", "x", [new DingTalkRobotButton("", "https://a.example")])).Message.ShouldContain("btns[0].title");
        Should.Throw<ArgumentException>(() => DingTalkRobotMessage.FeedCard([])).Message.ShouldContain("links");
    }

    private static JsonElement Parse(DingTalkRobotMessage message) => JsonDocument.Parse(message.ToJson()).RootElement;
}
