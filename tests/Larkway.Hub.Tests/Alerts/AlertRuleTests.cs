using Larkway.Hub.Alerts;
using Larkway.Hub.DingTalk;
using Larkway.Hub.Feishu.LongConnection;
using Larkway.Hub.WeCom.AiBot;
using Larkway.Hub.Monitoring;
using Larkway.Hub.Platform.Queue;

namespace Larkway.Hub.Tests.Alerts;

/// <summary>Each rule against stored minutes and the queues' backlog: when it breaches, and what it says.</summary>
public sealed class AlertRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 30, 40, TimeSpan.Zero);

    [Fact]
    public void The_api_error_rate_breaches_over_its_threshold_with_enough_calls_in_the_window()
    {
        var rule = Rule(AlertRule.ApiErrorRate);
        var inWindow = Minute(-2, calls: 100, errors: 3);
        var before = Minute(-10, calls: 1000, errors: 0);

        var check = rule.Check(Snapshot([inWindow, before]));

        check.Breached.ShouldBeTrue();
        check.Detail.ShouldStartWith("3 % of 100 Open Platform calls failed in the last 5 min");

        // Too few calls to count, or fine again: no breach.
        rule.Check(Snapshot([Minute(0, calls: 5, errors: 5)])).Breached.ShouldBeFalse();
        rule.Check(Snapshot([Minute(0, calls: 1000, errors: 4)])).Breached.ShouldBeFalse();
    }

    [Fact]
    public void Event_latency_breaches_when_fewer_than_95_percent_are_within_the_threshold()
    {
        var rule = Rule(AlertRule.EventLatency);
        var counts = new long[LatencyBuckets.Count];
        counts[LatencyBuckets.IndexOf(0.2)] = 90;
        counts[LatencyBuckets.IndexOf(2.5)] = 10;

        var check = rule.Check(Snapshot([Minute(-1, latency: counts)]));

        check.Breached.ShouldBeTrue();
        check.Detail.ShouldContain("over 100 events in the last 5 min");
    }

    [Fact]
    public void Token_failures_and_dead_letters_count_within_their_windows()
    {
        var snapshot = Snapshot(
            [Minute(-1, tokenFailures: 2), Minute(-20, deadLetters: 4)],
            new Dictionary<string, (QueueStats, DateTimeOffset)>(StringComparer.Ordinal) { ["webhooks"] = (new QueueStats(0, 0, 4, null), Now) });

        Rule(AlertRule.TokenFetchFailures).Check(snapshot).Breached.ShouldBeTrue();

        // Dead-lettered 20 minutes ago: outside the 15-minute window; the backlog is still reported.
        var deadLetters = Rule(AlertRule.DeadLetters).Check(snapshot);
        deadLetters.Breached.ShouldBeFalse();
        deadLetters.Detail.ShouldContain("Dead letters waiting for a replay: webhooks 4.");
    }

    [Fact]
    public void A_queue_whose_oldest_due_item_waited_too_long_is_named()
    {
        var queues = new Dictionary<string, (QueueStats, DateTimeOffset)>(StringComparer.Ordinal)
        {
            ["notifications"] = (new QueueStats(12, 0, 0, Now - TimeSpan.FromMinutes(14)), Now),
            ["inbox"] = (new QueueStats(1, 0, 0, Now - TimeSpan.FromSeconds(5)), Now),
        };

        var check = Rule(AlertRule.QueueAge).Check(Snapshot([], queues));

        check.Breached.ShouldBeTrue();
        check.Detail.ShouldBe("Stuck longer than 10 min: notifications (oldest due item waiting 14 min, 12 waiting).");
    }

    [Fact]
    public void Feishus_long_connection_is_the_same_rule_under_its_old_name_and_counts_after_its_threshold()
    {
        var rule = Rule("long_connection_down");
        rule.Rule.ConfigName.ShouldBe("LongConnectionDown", "configurations written before it was the shared rule keep naming it");

        rule.Check(Snapshot([])).Breached.ShouldBeFalse("webhook mode: no app holds a long connection");
        rule.Check(Snapshot([]) with { ConnectionsDown = [new(FeishuLongConnectionDuty.Connection, "default", Now - TimeSpan.FromSeconds(30))] }).Breached.ShouldBeFalse();
        var down = rule.Check(Snapshot([]) with { ConnectionsDown = [new(FeishuLongConnectionDuty.Connection, "default", Now - TimeSpan.FromMinutes(3))] });
        down.Breached.ShouldBeTrue();
        down.Detail.ShouldContain("No open long connection for default (since 2026-03-02 10:27:40Z, 3 min) (threshold 2 min)");
        down.Detail.ShouldContain("Feishu's events");
        Rule("dingtalk_stream_down").Check(Snapshot([]) with { ConnectionsDown = [new(FeishuLongConnectionDuty.Connection, "default", Now - TimeSpan.FromMinutes(3))] }).Breached.ShouldBeFalse();
    }

    [Fact]
    public void The_dingtalk_stream_rule_names_each_app_whose_connection_nobody_held_for_its_threshold()
    {
        var rule = Rule("dingtalk_stream_down");

        rule.Check(Snapshot([])).Breached.ShouldBeFalse();
        var brief = Snapshot([]) with { ConnectionsDown = [new(DingTalkStreamDuty.Connection, "dt-org", Now - TimeSpan.FromSeconds(40))] };
        rule.Check(brief).Breached.ShouldBeFalse("a connection being made is not down yet");

        var down = rule.Check(Snapshot([]) with { ConnectionsDown = [new(DingTalkStreamDuty.Connection, "dt-sales", Now - TimeSpan.FromMinutes(5)), new(DingTalkStreamDuty.Connection, "dt-org", Now - TimeSpan.FromSeconds(40))] });
        down.Breached.ShouldBeTrue();
        down.Detail.ShouldContain("dt-sales (since 2026-03-02 10:25:40Z, 5 min)");
        down.Detail.ShouldNotContain("dt-org");
        down.Detail.ShouldContain("threshold 2 min");
    }

    [Fact]
    public void One_long_connection_rule_per_platform_names_only_that_platforms_apps()
    {
        var snapshot = Snapshot([]) with
        {
            ConnectionsDown =
            [
                new(DingTalkStreamDuty.Connection, "dt-sales", Now - TimeSpan.FromMinutes(5)),
                new(WeComAiBotDuty.Connection, "wc-bot", Now - TimeSpan.FromMinutes(3)),
            ],
        };

        var weCom = Rule("wecom_aibot_down").Check(snapshot);
        weCom.Breached.ShouldBeTrue();
        weCom.Detail.ShouldStartWith("No open AI bot connection for wc-bot (since 2026-03-02 10:27:40Z, 3 min) (threshold 2 min): messages to their AI bots are not received");
        weCom.Detail.ShouldNotContain("dt-sales");
        Rule("dingtalk_stream_down").Check(snapshot).Detail.ShouldNotContain("wc-bot");

        var dingTalkOnly = snapshot with { ConnectionsDown = [snapshot.ConnectionsDown[0]] };
        Rule("wecom_aibot_down").Check(dingTalkOnly).Detail.ShouldBe("Every enabled WeCom app's AI bot connection is held (or there is none).");
        Rule("wecom_aibot_down").Describe().ShouldBe("an enabled WeCom app has had no open AI bot connection (no replica holds it, or the holder cannot connect) for 2 min");
    }

    [Fact]
    public void The_wecom_callbacks_rule_names_each_app_with_a_burst_of_refusals_over_its_threshold_whose_last_is_within_the_window()
    {
        var rule = Rule("wecom_callbacks_refused");
        rule.Rule.ConfigName.ShouldBe("WeComCallbacksRefused");
        rule.Rule.Title.ShouldBe("WeCom callbacks refused");
        rule.Describe().ShouldBe("3 or more callbacks to one WeCom app fail verification (signature, decryption or corp id) in a burst, the last within 5 min");
        rule.Check(Snapshot([])).Detail.ShouldBe("No callback to a WeCom app was refused in the last 5 min.");

        CallbackRefusals[] weCom =
        [
            new("wc-corp", 7, "bad_signature", Now - TimeSpan.FromMinutes(3), Now - TimeSpan.FromSeconds(20)),
            new("wc-few", 2, "bad_encryption", Now - TimeSpan.FromMinutes(1), Now - TimeSpan.FromSeconds(10)),
            new("wc-old", 50, "wrong_corp", Now - TimeSpan.FromHours(2), Now - TimeSpan.FromMinutes(6)),
        ];
        var bursts = Snapshot([]) with { CallbacksRefused = new Dictionary<string, IReadOnlyList<CallbackRefusals>> { ["wecom"] = weCom } };
        var check = rule.Check(bursts);
        check.Breached.ShouldBeTrue();
        check.Detail.ShouldStartWith("WeCom callbacks refused — ");
        check.Detail.ShouldEndWith("(threshold 3). WeCom does not send a refused message again: make the app's Token, EncodingAESKey and corp id in the Hub (console → Apps → Edit) match its 接收消息 settings.");
        check.Detail.ShouldContain("wc-corp: 7 since 2026-03-02 10:27:40Z, the last at 2026-03-02 10:30:20Z (bad_signature: the msg_signature does not match: the Token in the Hub differs");
        check.Detail.ShouldNotContain("wc-few", customMessage: "under the threshold of 3");
        check.Detail.ShouldNotContain("wc-old", customMessage: "its last refusal is older than the window");

        // The burst over, or under the threshold: cleared, saying what is left.
        var quiet = rule.Check(bursts with { CallbacksRefused = new Dictionary<string, IReadOnlyList<CallbackRefusals>> { ["wecom"] = [weCom[1], weCom[2]] } });
        quiet.Breached.ShouldBeFalse();
        quiet.Detail.ShouldBe("Fewer than 3 refused callbacks for each WeCom app in the last 5 min (wc-few 2).");
    }

    [Fact]
    public void Each_room_s_callbacks_rule_reads_only_its_own_platform_s_refusals_and_comes_after_the_long_connection_rules()
    {
        var snapshot = Snapshot([]) with
        {
            CallbacksRefused = new Dictionary<string, IReadOnlyList<CallbackRefusals>>
            {
                ["acme"] = [new("acme-1", 4, "bad_signature", Now - TimeSpan.FromMinutes(1), Now - TimeSpan.FromSeconds(5))],
                ["wecom"] = [],
            },
        };

        var acme = Rule("acme_callbacks_refused").Check(snapshot);
        acme.Breached.ShouldBeTrue();
        acme.Detail.ShouldBe("Acme callbacks refused — acme-1: 4 since 2026-03-02 10:29:40Z, the last at 2026-03-02 10:30:35Z (bad_signature: explained bad_signature) (threshold 3). Fix the app's signing key.");
        Rule("wecom_callbacks_refused").Check(snapshot).Breached.ShouldBeFalse();

        Rules.All.Select(r => r.Name).ShouldBe(
        [
            "token_fetch_failures", "api_error_rate", "event_latency", "dead_letters", "queue_age", "long_connection_down",
            "dingtalk_stream_down", "wecom_aibot_down", "wecom_callbacks_refused", "acme_callbacks_refused",
        ]);
    }

    /// <summary>A made-up platform's room with callbacks that can be refused, to show the rule is any room's, not WeCom's alone.</summary>
    private static readonly RefusedCallbacksAlert OtherCallbacks = new(
        "acme_callbacks_refused", "AcmeCallbacksRefused", "Acme callbacks refused", "acme", "Acme", "signature", "Fix the app's signing key.", reason => $"explained {reason}");

    private static readonly AlertRules Rules = new([FeishuLongConnectionAlert.Rule, DingTalkStreamAlert.Rule, WeComAiBotAlert.Rule], [Larkway.Hub.WeCom.WeComCallbacksAlert.Rule, OtherCallbacks]);

    private static AlertRuleSettings Rule(AlertRule rule) => new AlertOptions().ResolvedRules(Rules).Single(r => r.Rule == rule);

    private static AlertRuleSettings Rule(string name) => new AlertOptions().ResolvedRules(Rules).Single(r => r.Rule.Name == name);

    private static AlertSnapshot Snapshot(IReadOnlyList<MetricMinuteRow> minutes, Dictionary<string, (QueueStats, DateTimeOffset)>? queues = null) =>
        new(Now, minutes, queues ?? new Dictionary<string, (QueueStats, DateTimeOffset)>(StringComparer.Ordinal));

    private static MetricMinuteRow Minute(int minutesFromNow, long calls = 0, long errors = 0, long tokenFailures = 0, long deadLetters = 0, long[]? latency = null) => new()
    {
        Replica = "r1",
        Minute = MetricRecorder.MinuteOf(Now).AddMinutes(minutesFromNow),
        ApiCalls = calls,
        ApiErrors = errors,
        TokenFailures = tokenFailures,
        TokenFetches = tokenFailures,
        DeadLetters = deadLetters,
        EventLatency = latency is null ? "" : LatencyBuckets.Format(latency),
    };
}
