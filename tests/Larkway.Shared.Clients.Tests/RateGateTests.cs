using Larkway.Shared.Clients;
using Microsoft.Extensions.Time.Testing;

namespace Larkway.Shared.Clients.Tests;

public sealed class RateGateTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    private RateGate Gate(int limit) => new(limit, TimeSpan.FromMinutes(1), _time, refusal => new RefusedException(refusal));

    [Fact]
    public void Twenty_sends_go_at_once_and_the_next_waits_for_the_first_to_leave_the_minute()
    {
        var gate = Gate(20);
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
        var gate = Gate(20);
        var start = _time.GetUtcNow();
        var slots = Enumerable.Range(0, 65).Select(_ => start + gate.Reserve(TimeSpan.FromHours(1))).ToArray();

        foreach (var slot in slots)
        {
            slots.Count(s => s > slot - TimeSpan.FromMinutes(1) && s <= slot).ShouldBeLessThanOrEqualTo(20);
        }

        slots[^1].ShouldBe(start + TimeSpan.FromMinutes(3));
    }

    [Fact]
    public void A_send_that_would_wait_longer_than_allowed_is_refused_with_the_wait_and_not_counted()
    {
        var gate = Gate(2);
        gate.Reserve(TimeSpan.Zero);
        gate.Reserve(TimeSpan.Zero);

        var refused = Should.Throw<RefusedException>(() => gate.Reserve(TimeSpan.FromSeconds(10)));

        refused.Refusal.ShouldBe(new RateRefusal(TimeSpan.FromMinutes(1), Held: false, Limit: 2));
        // The refused send took no slot: the next one may go as soon as the first leaves the window.
        _time.Advance(TimeSpan.FromMinutes(1));
        gate.Reserve(TimeSpan.Zero).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void A_sender_the_platform_holds_is_refused_at_once_until_the_hold_ends()
    {
        var gate = Gate(20);
        gate.Hold(TimeSpan.FromMinutes(10));
        _time.Advance(TimeSpan.FromMinutes(9));

        Should.Throw<RefusedException>(() => gate.Reserve(TimeSpan.FromHours(1))).Refusal.ShouldBe(new RateRefusal(TimeSpan.FromMinutes(1), Held: true, Limit: 20));

        _time.Advance(TimeSpan.FromMinutes(1));
        gate.Reserve(TimeSpan.Zero).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void A_shorter_hold_never_shortens_a_longer_one()
    {
        var gate = Gate(20);
        gate.Hold(TimeSpan.FromMinutes(10));
        gate.Hold(TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(5));

        Should.Throw<RefusedException>(() => gate.Reserve(TimeSpan.FromHours(1))).Refusal.Wait.ShouldBe(TimeSpan.FromMinutes(5));
    }

    private sealed class RefusedException(RateRefusal refusal) : Exception("refused")
    {
        public RateRefusal Refusal { get; } = refusal;
    }
}
