using Larkway.WeCom.Robots;
using Microsoft.Extensions.Time.Testing;

namespace Larkway.WeCom.Tests.Robots;

public sealed class RobotRateGateTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Twenty_sends_go_at_once_and_the_next_waits_for_the_first_to_leave_the_minute()
    {
        var gate = new RobotRateGate(20, TimeSpan.FromMinutes(1), _time);
        for (var i = 0; i < 20; i++)
        {
            gate.Reserve(TimeSpan.FromMinutes(1)).ShouldBe(TimeSpan.Zero);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // First send at 0 s, now 20 s: the 21st may go at 60 s.
        gate.Reserve(TimeSpan.FromMinutes(1)).ShouldBe(TimeSpan.FromSeconds(40));
        // The 22nd waits for the second send (1 s) to leave the window.
        gate.Reserve(TimeSpan.FromMinutes(1)).ShouldBe(TimeSpan.FromSeconds(41));
    }

    [Fact]
    public void No_sixty_second_window_ever_holds_more_than_the_limit()
    {
        var gate = new RobotRateGate(20, TimeSpan.FromMinutes(1), _time);
        var start = _time.GetUtcNow();
        var slots = Enumerable.Range(0, 65).Select(_ => start + gate.Reserve(TimeSpan.FromHours(1))).ToArray();

        foreach (var slot in slots)
        {
            slots.Count(s => s > slot - TimeSpan.FromMinutes(1) && s <= slot).ShouldBeLessThanOrEqualTo(20);
        }

        slots[^1].ShouldBe(start + TimeSpan.FromMinutes(3));
    }

    [Fact]
    public void A_send_that_would_wait_longer_than_allowed_fails_with_the_wait()
    {
        var gate = new RobotRateGate(2, TimeSpan.FromMinutes(1), _time);
        gate.Reserve(TimeSpan.Zero);
        gate.Reserve(TimeSpan.Zero);

        var refused = Should.Throw<WeComApiException>(() => gate.Reserve(TimeSpan.FromSeconds(10)));

        refused.Code.ShouldBe(WeComErrorCodes.RateLimited);
        refused.RetryAfter.ShouldBe(TimeSpan.FromMinutes(1));
        refused.IsTransient.ShouldBeTrue();
        refused.Message.ShouldContain("2 messages within a minute");
    }

    [Fact]
    public void A_robot_wecom_refused_for_its_rate_fails_fast_until_the_hold_ends()
    {
        var gate = new RobotRateGate(20, TimeSpan.FromMinutes(1), _time);
        gate.Block(TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromSeconds(45));

        Should.Throw<WeComApiException>(() => gate.Reserve(TimeSpan.FromHours(1))).RetryAfter.ShouldBe(TimeSpan.FromSeconds(15));

        _time.Advance(TimeSpan.FromSeconds(15));
        gate.Reserve(TimeSpan.Zero).ShouldBe(TimeSpan.Zero);
    }
}
