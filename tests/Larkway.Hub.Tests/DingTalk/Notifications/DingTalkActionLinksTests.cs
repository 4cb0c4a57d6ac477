using Larkway.Hub.DingTalk.Notifications;
using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.Hosting;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.AspNetCore.DataProtection;
using Shouldly;

namespace Larkway.Hub.Tests.DingTalk.Notifications;

/// <summary>A DingTalk button's link: made for one click, readable for its lifetime (a setting) and not a moment longer.</summary>
public sealed class DingTalkActionLinksTests
{
    private static readonly DingTalkActionClick Click = new("ntf_1", 7, "alice", "approve", 0, "Approve");

    private static DingTalkActionLinks Links(ManualTimeProvider time, TimeSpan lifetime) =>
        new(new EphemeralDataProtectionProvider(), new HubAddress(new HubSettings { PublicUrl = new Uri("https://hub.example.com") }), time,
            new DingTalkActionLinkOptions { Lifetime = lifetime });

    // The token's own expiry is checked by Data Protection against the machine's clock too: the fake one starts at now.
    private static ManualTimeProvider Now() => new(DateTimeOffset.UtcNow);

    private static string TokenOf(string link) => link[(link.LastIndexOf('/') + 1)..];

    [Fact]
    public void A_link_works_for_the_lifetime_set_and_not_after()
    {
        var time = Now();
        var links = Links(time, TimeSpan.FromMinutes(30));
        var token = TokenOf(links.For(Click));

        time.Advance(TimeSpan.FromMinutes(29));
        links.Read(token).ShouldBe(Click);
        time.Advance(TimeSpan.FromMinutes(2));
        links.Read(token).ShouldBeNull("past the lifetime set, the link is expired");
    }

    [Fact]
    public void A_bot_cards_link_carries_its_app_action_and_value_and_a_notifications_link_carries_none()
    {
        var time = Now();
        var links = Links(time, TimeSpan.FromMinutes(30));
        var value = new System.Text.Json.Nodes.JsonObject { ["feedback"] = "helpful", ["answer_id"] = "turn-7" };
        var read = links.Read(TokenOf(links.For(DingTalkActionClick.ForBot("dt-org", "bob", "feedback", value, "👍 Helpful")))).ShouldNotBeNull();

        read.UserId.ShouldBe("bob");
        read.Action.ShouldBe("feedback");
        read.Label.ShouldBe("👍 Helpful");
        var bot = read.Bot.ShouldNotBeNull();
        bot.App.ShouldBe("dt-org");
        System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(bot.Value), value).ShouldBeTrue(bot.Value);
        links.Read(TokenOf(links.For(Click))).ShouldNotBeNull().Bot.ShouldBeNull();
    }

    [Fact]
    public void The_default_lifetime_is_three_days()
    {
        var time = Now();
        var links = Links(time, new DingTalkActionLinkOptions().Lifetime);
        var token = TokenOf(links.For(Click));

        time.Advance(TimeSpan.FromDays(3) - TimeSpan.FromMinutes(1));
        links.Read(token).ShouldNotBeNull();
        time.Advance(TimeSpan.FromMinutes(2));
        links.Read(token).ShouldBeNull();
    }

    [Fact]
    public void A_damaged_token_reads_as_nothing()
    {
        var links = Links(Now(), TimeSpan.FromDays(1));
        var token = TokenOf(links.For(Click));

        links.Read(token[..^4] + "AAAA").ShouldBeNull();
        links.Read("").ShouldBeNull();
        links.Read("not base64 at all!").ShouldBeNull();
    }

    [Theory]
    [InlineData("00:04:59", "Lifetime")]
    [InlineData("30.00:00:01", "Lifetime")]
    public void A_lifetime_out_of_range_is_refused_naming_the_setting(string lifetime, string setting)
    {
        var result = new DingTalkActionLinkOptionsValidator().Validate(null, new DingTalkActionLinkOptions { Lifetime = TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture) });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Larkway:DingTalk:ActionLinks:" + setting);
    }

    [Fact]
    public void A_sign_in_lifetime_out_of_range_is_refused_naming_the_setting()
    {
        var result = new DingTalkActionLinkOptionsValidator().Validate(null, new DingTalkActionLinkOptions { SignInLifetime = TimeSpan.FromSeconds(30) });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Larkway:DingTalk:ActionLinks:SignInLifetime");
        new DingTalkActionLinkOptionsValidator().Validate(null, new DingTalkActionLinkOptions()).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("3.00:00:00", "3 days")]
    [InlineData("1.00:00:00", "1 day")]
    [InlineData("12:00:00", "12 hours")]
    [InlineData("00:30:00", "30 minutes")]
    [InlineData("1.12:00:00", "36 hours")]
    public void The_expired_page_says_the_lifetime_as_a_person_reads_it(string lifetime, string said) =>
        DingTalkConfirmPage.Duration(TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(said);
}
