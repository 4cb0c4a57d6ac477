using Larkway.Shared.Clients;
using Microsoft.Extensions.Time.Testing;

namespace Larkway.Shared.Clients.Tests;

public sealed class LivenessWatchTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Silence_kills_a_connection_and_any_frame_holds_it_off()
    {
        var watch = new LivenessWatch(_time, probeAtOnce: false);
        var rule = LivenessRule.SilenceOnly(60 * Second);

        _time.Advance(59 * Second);
        var alive = watch.Check(rule);
        alive.IsDead.ShouldBeFalse();
        alive.ProbeDue.ShouldBeFalse("a silence-only rule never probes");
        alive.RecheckIn.ShouldBe(Second);

        watch.Heard();
        _time.Advance(59 * Second);
        watch.Check(rule).IsDead.ShouldBeFalse("the frame restarted the silence");

        _time.Advance(Second);
        var dead = watch.Check(rule);
        dead.Failure.ShouldBe(LivenessFailure.Silence);
        dead.Reason.ShouldBe("no frame for 60 s");
    }

    [Fact]
    public void One_unanswered_ping_kills_at_its_deadline_and_no_second_ping_restarts_it()
    {
        // Feishu's shape: ping at once, then every interval; nothing back within the pong timeout of a ping is death.
        var watch = new LivenessWatch(_time, probeAtOnce: true);
        var rule = new LivenessRule(Timeout.InfiniteTimeSpan, ProbeInterval: 5 * Second, ProbeTimeout: 10 * Second);

        watch.Check(rule).ProbeDue.ShouldBeTrue("the first probe is due at once");
        watch.Probed();
        _time.Advance(5 * Second);
        var waiting = watch.Check(rule);
        waiting.ProbeDue.ShouldBeFalse("a new ping while one is unanswered would push the deadline back");
        waiting.RecheckIn.ShouldBe(5 * Second);

        _time.Advance(5 * Second);
        var dead = watch.Check(rule);
        dead.Failure.ShouldBe(LivenessFailure.UnansweredProbes);
        dead.Reason.ShouldBe("nothing came back within 10 s of a ping");
    }

    [Fact]
    public void An_answer_ends_the_run_of_unanswered_pings()
    {
        // WeCom's shape: the first ping an interval after the subscribe, dead when two in a row are unanswered an interval on.
        var watch = new LivenessWatch(_time, probeAtOnce: false);
        var rule = new LivenessRule(Timeout.InfiniteTimeSpan, ProbeInterval: 30 * Second, ProbeTimeout: 30 * Second, MaxUnansweredProbes: 2);

        watch.Check(rule).ProbeDue.ShouldBeFalse("the handshake's answer proved the link");
        _time.Advance(30 * Second);
        watch.Check(rule).ProbeDue.ShouldBeTrue();
        watch.Probed();
        _time.Advance(30 * Second);
        watch.Check(rule).ProbeDue.ShouldBeTrue("one unanswered ping of two allowed: ping again");
        watch.Probed();
        watch.Answered();
        _time.Advance(30 * Second);
        watch.Check(rule).IsDead.ShouldBeFalse("the answer ended the run");
        watch.Probed();
        _time.Advance(30 * Second);
        watch.Check(rule).ProbeDue.ShouldBeTrue();
        watch.Probed();
        watch.UnansweredProbes.ShouldBe(2);

        _time.Advance(29 * Second);
        watch.Check(rule).IsDead.ShouldBeFalse();
        _time.Advance(Second);
        var dead = watch.Check(rule);
        dead.Failure.ShouldBe(LivenessFailure.UnansweredProbes);
        dead.Reason.ShouldBe("2 pings unanswered (none within 30 s of the last)");
    }

    [Fact]
    public void Silence_is_judged_before_the_pings()
    {
        var watch = new LivenessWatch(_time, probeAtOnce: true);
        var rule = new LivenessRule(Silence: 20 * Second, ProbeInterval: 5 * Second, ProbeTimeout: 30 * Second);
        watch.Probed();

        _time.Advance(20 * Second);

        watch.Check(rule).Failure.ShouldBe(LivenessFailure.Silence);
    }

    [Fact]
    public void A_connection_is_deaf_only_when_the_streak_lasts_past_the_confirmation()
    {
        var watch = new LivenessWatch(_time, probeAtOnce: false);
        for (var i = 1; i < 20; i++)
        {
            watch.MissedPush(20, Second).ShouldBeNull();
        }

        watch.MissedPush(20, Second).ShouldBeNull("the 20th miss makes it suspect, not deaf");
        _time.Advance(TimeSpan.FromMilliseconds(999));
        watch.MissedPush(20, Second).ShouldBeNull();

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var deaf = watch.MissedPush(20, Second).ShouldNotBeNull();

        deaf.Failure.ShouldBe(LivenessFailure.Deaf);
        deaf.Reason.ShouldBe("deaf: the last 22 pushes all came on other connections (suspected after 20, none here for 1.0 s since)");
    }

    [Fact]
    public void A_push_of_its_own_clears_a_suspect_and_the_next_run_starts_its_own_confirmation()
    {
        var watch = new LivenessWatch(_time, probeAtOnce: false);
        for (var i = 0; i < 20; i++)
        {
            watch.MissedPush(20, Second);
        }

        _time.Advance(5 * Second);
        watch.GotPush();
        for (var i = 0; i < 19; i++)
        {
            watch.MissedPush(20, Second).ShouldBeNull();
        }

        // The 20th miss of the new run is suspect from now, not from the old run's moment five seconds ago.
        watch.MissedPush(20, Second).ShouldBeNull();
    }

    [Fact]
    public void No_streak_means_no_deaf_rule()
    {
        var watch = new LivenessWatch(_time, probeAtOnce: false);
        for (var i = 0; i < 100; i++)
        {
            watch.MissedPush(0, TimeSpan.Zero).ShouldBeNull();
        }
    }

    [Fact]
    public void An_idle_connection_is_probed_long_before_the_regular_ping_and_dies_when_the_answer_does_not_come()
    {
        // Feishu's shape with its 120 s server cadence: idle for 5 s → ping now; no pong within 5 s → dead.
        var watch = new LivenessWatch(_time, probeAtOnce: false);
        var rule = new LivenessRule(Timeout.InfiniteTimeSpan, ProbeInterval: 120 * Second, ProbeTimeout: 5 * Second) { IdleProbe = 5 * Second };

        _time.Advance(4 * Second);
        var quiet = watch.Check(rule);
        quiet.ProbeDue.ShouldBeFalse();
        quiet.RecheckIn.ShouldBe(Second);
        _time.Advance(Second);
        watch.Check(rule).ProbeDue.ShouldBeTrue("five idle seconds call for a probe, whatever the regular interval");
        watch.Probed();

        _time.Advance(5 * Second);
        var dead = watch.Check(rule);
        dead.Failure.ShouldBe(LivenessFailure.UnansweredProbes);
        dead.Reason.ShouldBe("nothing came back within 5 s of a ping");
    }

    [Fact]
    public void A_busy_connection_is_not_probed_for_being_idle()
    {
        var watch = new LivenessWatch(_time, probeAtOnce: false);
        var rule = new LivenessRule(Timeout.InfiniteTimeSpan, ProbeInterval: 120 * Second, ProbeTimeout: 5 * Second) { IdleProbe = 5 * Second };

        for (var i = 0; i < 25; i++)
        {
            _time.Advance(4 * Second);
            watch.Heard();
            watch.Check(rule).ProbeDue.ShouldBeFalse("pushes every 4 s prove the connection (and the regular ping is due at 120 s)");
        }

        _time.Advance(5 * Second);
        watch.Check(rule).ProbeDue.ShouldBeTrue();
        watch.Probed();
        watch.Heard();
        watch.Answered();
        _time.Advance(4 * Second);
        watch.Check(rule).ProbeDue.ShouldBeFalse("the answer was a sign of life: the next idle probe is five seconds after it");
    }

    [Fact]
    public void When_the_servers_pings_stop_the_connection_dies_after_the_allowed_misses_of_their_learned_cadence()
    {
        // DingTalk's shape: the server pings; until two pings show its cadence only silence counts.
        var watch = new LivenessWatch(_time, probeAtOnce: false);
        var rule = LivenessRule.SilenceOnly(300 * Second) with { MissedServerPings = 1 };

        watch.HeardServerPing();
        _time.Advance(30 * Second);
        watch.Check(rule).IsDead.ShouldBeFalse("one ping tells no cadence");
        watch.ServerPingInterval.ShouldBeNull();
        watch.HeardServerPing();
        _time.Advance(8 * Second);
        watch.HeardServerPing();
        watch.ServerPingInterval.ShouldBe(30 * Second, "the longest gap seen, so a slow ping never makes the rule stricter");

        _time.Advance(59 * Second);
        var alive = watch.Check(rule);
        alive.IsDead.ShouldBeFalse("one ping missed is forgiven");
        alive.RecheckIn.ShouldBe(Second);

        _time.Advance(Second);
        var dead = watch.Check(rule);
        dead.Failure.ShouldBe(LivenessFailure.ServerPingsMissed);
        dead.Reason.ShouldBe("no server ping (nor any frame) for 60.0 s; it pings every 30.0 s");
    }

    [Fact]
    public void A_push_holds_off_the_server_ping_rule_as_any_sign_of_life_does()
    {
        var watch = new LivenessWatch(_time, probeAtOnce: false);
        var rule = LivenessRule.SilenceOnly(60 * Second) with { MissedServerPings = 1 };
        watch.HeardServerPing();
        _time.Advance(Second);
        watch.HeardServerPing();

        _time.Advance(1.5 * Second);
        watch.Heard();
        _time.Advance(1.5 * Second);
        watch.Check(rule).IsDead.ShouldBeFalse();
        _time.Advance(0.5 * Second);
        watch.Check(rule).Failure.ShouldBe(LivenessFailure.ServerPingsMissed);
    }
}
