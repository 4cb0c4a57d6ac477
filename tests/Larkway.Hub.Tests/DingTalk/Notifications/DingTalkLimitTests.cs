using Larkway.Hub.Notifications.Cards;
using Larkway.Hub.DingTalk.Notifications;
using static Larkway.Hub.Tests.DingTalk.Notifications.DingTalkCardRendererTests;
using Limits = Larkway.Hub.DingTalk.Notifications.DingTalkMessageLimits;

namespace Larkway.Hub.Tests.DingTalk.Notifications;

/// <summary>Each limit at its boundary and one past it; lengths counted as DingTalk counts them.</summary>
public sealed class DingTalkLimitTests
{
    private static string Markdown(string text) => V1($$"""[{"tag":"markdown","content":"{{text}}"}]""", "T");

    [Fact]
    public void A_title_of_the_limit_is_kept_and_one_more_is_cut_with_a_marker()
    {
        Rendered(V1("[]", new string('a', Limits.TitleChars))).Title.ShouldBe(new string('a', Limits.TitleChars));

        var rendering = Rendered(V1("[]", new string('a', Limits.TitleChars + 1)));

        rendering.Title.Length.ShouldBe(Limits.TitleChars);
        rendering.Title.ShouldEndWith("…");
        rendering.Fallbacks.ShouldContain(f => f.Kind == CardFallbackKind.TitleShortened);
        rendering.Robot.Text.ShouldStartWith("#### " + new string('a', Limits.TitleChars + 1)); // the body keeps it whole
    }

    [Fact]
    public void A_button_title_of_the_limit_is_kept_and_one_more_is_cut()
    {
        string Card(int length) => V1("[{\"tag\":\"action\",\"actions\":[{\"tag\":\"button\",\"text\":{\"tag\":\"plain_text\",\"content\":" + Json(new string('b', length)) + "},\"value\":{}}]}]");

        Rendered(Card(Limits.ButtonTitleChars)).Robot.Buttons[0].Title.ShouldBe(new string('b', Limits.ButtonTitleChars));
        var cut = Rendered(Card(Limits.ButtonTitleChars + 1));
        cut.Robot.Buttons[0].Title.ShouldBe(new string('b', Limits.ButtonTitleChars - 1) + "…");
        cut.Fallbacks.ShouldContain(f => f.Kind == CardFallbackKind.ButtonTitleShortened);
    }

    [Fact]
    public void Five_buttons_are_an_action_card_and_six_are_plain_text_listing_every_link()
    {
        Rendered(V1(Buttons(Limits.MaxButtons))).Robot.Kind.ShouldBe(DingTalkMessageKind.ActionCard);

        var rendering = Rendered(V1(Buttons(Limits.MaxButtons + 1)));

        rendering.Robot.Kind.ShouldBe(DingTalkMessageKind.Text);
        rendering.Fallbacks.ShouldContain(f => f.Kind == CardFallbackKind.PlainTextForButtons);
        for (var i = 0; i <= Limits.MaxButtons; i++)
        {
            rendering.Robot.Text.ShouldContain($"B{i + 1}: https://hub.example.com/dt/{i}");
            rendering.WorkNotification.Text.ShouldContain($"B{i + 1}: https://hub.example.com/dt/{i}");
        }
    }

    [Fact]
    public void A_work_notification_body_at_its_character_limit_is_whole_and_past_it_is_cut()
    {
        var heading = "#### T\n\n".Length;
        var fits = Rendered(Markdown(new string('x', Limits.WorkNotificationTextChars - heading)));
        fits.WorkNotification.Text.Length.ShouldBe(Limits.WorkNotificationTextChars);
        fits.Fallbacks.ShouldBeEmpty();

        var over = Rendered(Markdown(new string('x', Limits.WorkNotificationTextChars - heading + 1)));
        over.WorkNotification.Text.Length.ShouldBeLessThanOrEqualTo(Limits.WorkNotificationTextChars);
        over.WorkNotification.Text.ShouldEndWith("…");
        over.Robot.Text.Length.ShouldBe(Limits.WorkNotificationTextChars + 1); // the robot takes more
        over.Fallbacks.ShouldHaveSingleItem().Path.ShouldBe("work_notification.text");
    }

    [Fact]
    public void An_action_card_body_may_be_longer_than_a_markdown_one()
    {
        var text = new string('x', Limits.WorkNotificationActionCardChars - 100);
        var card = V1("[{\"tag\":\"markdown\",\"content\":" + Json(text) + "},{\"tag\":\"action\",\"actions\":[{\"tag\":\"button\",\"text\":{\"tag\":\"plain_text\",\"content\":\"Go\"},\"value\":{}}]}]", "T");

        var rendering = Rendered(card);

        rendering.WorkNotification.Text.ShouldEndWith(text);
        Limits.WorkNotificationSize(rendering.WorkNotification).ShouldBeLessThanOrEqualTo(Limits.WorkNotificationMsgBytes);
    }

    [Fact]
    public void The_work_notification_stays_within_2048_bytes_as_sent()
    {
        // Chinese is 6 bytes each as the library writes JSON (\uXXXX): 400 characters are under 500 but over 2048 bytes.
        var rendering = Rendered(Markdown(new string('采', 400)));

        Limits.WorkNotificationSize(rendering.WorkNotification).ShouldBeLessThanOrEqualTo(Limits.WorkNotificationMsgBytes);
        Limits.WorkNotificationSize(rendering.WorkNotification with { Text = rendering.WorkNotification.Text + "采" }).ShouldBeGreaterThan(Limits.WorkNotificationMsgBytes);
        rendering.WorkNotification.Text.ShouldEndWith("采…");
        rendering.ToWorkNotification().MessageType.ShouldBe("markdown");
    }

    [Fact]
    public void The_robots_param_stays_within_its_bytes_and_the_library_accepts_it()
    {
        var card = V1(string.Concat("[", string.Join(',', Enumerable.Range(0, 4).Select(_ => $$"""{"tag":"markdown","content":"{{new string('采', 1500)}}"}""")), "]"), "T");

        var rendering = Rendered(card);

        Limits.RobotParamSize(rendering.Robot.RobotParameters()).ShouldBeLessThanOrEqualTo(Limits.RobotParamBytes);
        Limits.RobotParamSize(rendering.Robot.RobotParameters()).ShouldBeGreaterThan(Limits.RobotParamBytes - 12);
        rendering.ToAppRobotMessage().Key.ShouldBe("sampleMarkdown"); // would throw past the limit
        rendering.Fallbacks.ShouldContain(f => f.Path == "robot.text");
    }

    [Fact]
    public void A_cut_links_to_the_full_message_when_there_is_one()
    {
        var rendering = Rendered(Markdown(new string('x', 3000)), new DingTalkRenderOptions { FullContentUrl = "https://hub.example.com/n/42" });

        rendering.WorkNotification.Text.ShouldEndWith("…\n\n[Read the full message](https://hub.example.com/n/42)");
    }

    [Fact]
    public void A_cut_uses_the_cards_own_https_link_when_no_other_is_given()
    {
        var card = """{"card_link":{"url":"https://erp.example.com/po/1"},"header":{"title":{"tag":"plain_text","content":"T"}},"elements":[{"tag":"markdown","content":"LONG"}]}""".Replace("LONG", new string('x', 3000), StringComparison.Ordinal);

        Rendered(card).WorkNotification.Text.ShouldEndWith("(https://erp.example.com/po/1)");
    }

    [Theory]
    [InlineData("👍", 2)]
    [InlineData("采", 1)]
    [InlineData("👨‍👩‍👧", 8)]
    [InlineData("e\u0301", 2)]
    public void Characters_count_as_utf16_units_and_a_cut_never_splits_one(string unit, int chars)
    {
        Limits.Chars(unit).ShouldBe(chars);
        var text = string.Concat(Enumerable.Repeat(unit, 30));

        var cut = Limits.Shorten(text, 21);

        cut.Length.ShouldBeLessThanOrEqualTo(21);
        cut.ShouldEndWith("…");
        cut[..^1].ShouldBe(string.Concat(Enumerable.Repeat(unit, (21 - 1) / chars)));
    }

    [Fact]
    public void An_emoji_title_is_cut_between_emoji()
    {
        var rendering = Rendered(V1("[]", string.Concat(Enumerable.Repeat("🎉", 40))));

        rendering.Title.ShouldBe(string.Concat(Enumerable.Repeat("🎉", (Limits.TitleChars - 1) / 2)) + "…");
    }

    [Fact]
    public void Button_links_too_long_for_a_work_notification_are_a_problem()
    {
        var result = DingTalkCardRenderer.Render(V1(Buttons(5)), b => "https://hub.example.com/" + new string('a', 500) + b.Index);

        result.Rendering.ShouldBeNull();
        result.Problems.ShouldHaveSingleItem().Message.ShouldContain("2048 bytes");
    }

    [Fact]
    public void A_very_long_string_renders_within_the_limits()
    {
        var card = V1($$"""[{"tag":"markdown","content":"{{string.Concat(Enumerable.Repeat("**[a](https://x.example.com)** ", 700))}}"}]""");

        var rendering = Rendered(card);

        Limits.WorkNotificationSize(rendering.WorkNotification).ShouldBeLessThanOrEqualTo(Limits.WorkNotificationMsgBytes);
        Limits.RobotParamSize(rendering.Robot.RobotParameters()).ShouldBeLessThanOrEqualTo(Limits.RobotParamBytes);
    }
}
