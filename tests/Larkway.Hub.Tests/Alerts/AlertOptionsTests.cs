using Larkway.Hub.Alerts;
using Larkway.Hub.DingTalk;
using Larkway.Hub.Notifications;
using Larkway.Hub.WeCom.AiBot;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Tests.Alerts;

/// <summary><c>Larkway:Alerts</c> as an operator writes it: bound, defaulted, and refused at start with what to fix.</summary>
public sealed class AlertOptionsTests
{
    [Fact]
    public void Unset_rules_keep_their_defaults_and_a_configured_one_changes_only_what_it_sets()
    {
        var options = Bind(new()
        {
            ["Larkway:Alerts:Recipient:ChatId"] = "oc_ops",
            ["Larkway:Alerts:Rules:ApiErrorRate:Threshold"] = "2.5",
            ["Larkway:Alerts:Rules:dead_letters:Enabled"] = "false",
        });

        var rules = options.ResolvedRules(Rules).ToDictionary(r => r.Rule.Name);
        rules["api_error_rate"].Threshold.ShouldBe(2.5);
        rules["api_error_rate"].Window.ShouldBe(TimeSpan.FromMinutes(5));
        rules["api_error_rate"].MinSamples.ShouldBe(20);
        rules["dead_letters"].Enabled.ShouldBeFalse();
        rules["event_latency"].Threshold.ShouldBe(2);
        rules["queue_age"].Threshold.ShouldBe(10);
        options.NotificationRecipient().ShouldBe(new Larkway.Hub.Notifications.NotificationRecipient("chat_id", "oc_ops"));
        AlertOptionsValidator.Problems(options, Rules).ShouldBeEmpty();
    }

    [Fact]
    public void Every_wrong_setting_is_named_with_what_to_put_there()
    {
        var problems = AlertOptionsValidator.Problems(Bind(new()
        {
            ["Larkway:Alerts:Interval"] = "00:00:00",
            ["Larkway:Alerts:Recipient:ChatId"] = "ops-room",
            ["Larkway:Alerts:Recipient:Email"] = "not-an-address",
            ["Larkway:Alerts:Rules:ApiErrorRate:Threshold"] = "150",
            ["Larkway:Alerts:Rules:EventLatency:Window"] = "00:00:10",
            ["Larkway:Alerts:Rules:QueueAge:Window"] = "00:05:00",
            ["Larkway:Alerts:Rules:TokenFailures:Threshold"] = "1",
        }), Rules);

        problems.ShouldContain("Larkway:Alerts:Interval must be from 00:00:01 to 00:10:00 (it is 00:00:00).");
        problems.ShouldContain("Larkway:Alerts:Recipient: set one of Person, Type (with Value), ChatId, Email and OpenId, not 2.");
        problems.ShouldContain("Larkway:Alerts:Recipient:ChatId must be a chat id (oc_…), the group chat the bot posts alerts in.");
        problems.ShouldContain("Larkway:Alerts:Recipient:Email 'not-an-address' is not an email address.");
        problems.ShouldContain("Larkway:Alerts:Rules:ApiErrorRate:Threshold must be from 0 to 100 (percent of calls).");
        problems.ShouldContain("Larkway:Alerts:Rules:EventLatency:Window must be from 00:01:00 to 1.00:00:00 (minutes are the smallest step measured).");
        problems.ShouldContain("Larkway:Alerts:Rules:QueueAge:Window does not apply: the rule looks at the state now. Leave it out.");
        problems.ShouldContain("Larkway:Alerts:Rules:TokenFailures is not a rule. The rules are: TokenFetchFailures, ApiErrorRate, EventLatency, DeadLetters, QueueAge, LongConnectionDown, DingTalkStreamDown, WeComAiBotDown, DingTalkCallbacksRefused, WeComCallbacksRefused.");
        problems.Count.ShouldBe(8);
    }

    [Fact]
    public void A_person_or_a_typed_recipient_is_checked_and_becomes_the_notification_recipient()
    {
        var problems = AlertOptionsValidator.Problems(Bind(new()
        {
            ["Larkway:Alerts:Recipient:Person"] = "alice@example.com",
        }), Rules);
        problems.ShouldBe(["Larkway:Alerts:Recipient:Person must be a directory person's id (per_…; GET /api/v1/directory/people?email=… finds it)."]);
        AlertOptionsValidator.Problems(Bind(new() { ["Larkway:Alerts:Recipient:Type"] = "dingtalk_userid" }), Rules)
            .ShouldBe(["Larkway:Alerts:Recipient: Type and Value go together, e.g. Type=dingtalk_userid and Value=the person's userid (with App a DingTalk app)."]);

        var typed = Bind(new() { ["Larkway:Alerts:Recipient:Type"] = "dingtalk_userid", ["Larkway:Alerts:Recipient:Value"] = " alice " });
        AlertOptionsValidator.Problems(typed, Rules).ShouldBeEmpty();
        typed.NotificationRecipient().ShouldBe(new NotificationRecipient("dingtalk_userid", "alice"));
        Bind(new() { ["Larkway:Alerts:Recipient:Person"] = "per_1" }).NotificationRecipient().ShouldBe(new NotificationRecipient("person", "per_1"));
    }

    [Fact]
    public void The_hub_refuses_to_start_with_bad_alert_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Larkway:Alerts:Recipient:OpenId"] = "alice",
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddHubStorage(configuration).AddHubLeases(configuration)
            .AddHubAlerts(configuration).BuildServiceProvider();

        var error = Should.Throw<OptionsValidationException>(() => services.GetRequiredService<IOptions<AlertOptions>>().Value);
        error.Message.ShouldContain("Larkway:Alerts:Recipient:OpenId must be a user's open_id (ou_…).");
    }

    /// <summary>
    /// The rules of a Hub with DingTalk's, WeCom's and the WeCom AI bot's rooms: each room's long connection brings its rule,
    /// and WeCom's callbacks theirs.
    /// </summary>
    private static readonly AlertRules Rules = new([Larkway.Hub.Feishu.LongConnection.FeishuLongConnectionAlert.Rule, DingTalkStreamAlert.Rule, WeComAiBotAlert.Rule], [Larkway.Hub.DingTalk.DingTalkCallbacksAlert.Rule, Larkway.Hub.WeCom.WeComCallbacksAlert.Rule]);

    private static AlertOptions Bind(Dictionary<string, string?> values)
    {
        var options = new AlertOptions();
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(AlertOptions.SectionName).Bind(options);
        return options;
    }
}
