using Larkway.Shared.Clients;
using Microsoft.Extensions.Time.Testing;

namespace Larkway.Shared.Clients.Tests;

public sealed class DuplicateFilterTests
{
    private static readonly object Handled = new();

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_repeat_gets_the_first_outcome_and_is_not_handled_again()
    {
        var filter = new DuplicateFilter<object>(TimeSpan.FromMinutes(5), _time);
        filter.TryClaim("m1", out _).ShouldBeTrue();

        filter.TryClaim("m1", out var inFlight).ShouldBeFalse();
        inFlight.ShouldBeNull();

        filter.Complete("m1", Handled);
        filter.TryClaim("m1", out var replay).ShouldBeFalse();
        replay.ShouldBeSameAs(Handled);
    }

    [Fact]
    public void An_id_is_forgotten_after_the_window_and_when_released()
    {
        var filter = new DuplicateFilter<object>(TimeSpan.FromMinutes(5), _time);
        filter.TryClaim("m1", out _);
        filter.TryClaim("m2", out _);
        filter.Release("m2");
        filter.TryClaim("m2", out _).ShouldBeTrue();

        _time.Advance(TimeSpan.FromMinutes(5));
        filter.TryClaim("m1", out _).ShouldBeFalse("the window's last instant still counts");
        _time.Advance(TimeSpan.FromSeconds(1));

        filter.TryClaim("m1", out _).ShouldBeTrue();
    }

    [Fact]
    public void An_id_claimed_again_after_release_keeps_its_new_window()
    {
        var filter = new DuplicateFilter<object>(TimeSpan.FromMinutes(5), _time);
        filter.TryClaim("m1", out _);
        filter.Release("m1");
        _time.Advance(TimeSpan.FromMinutes(4));
        filter.TryClaim("m1", out _).ShouldBeTrue();

        // The first claim's entry leaves the window; the second's must not go with it.
        _time.Advance(TimeSpan.FromMinutes(2));

        filter.TryClaim("m1", out _).ShouldBeFalse();
    }

    [Fact]
    public void A_delivery_of_several_ids_is_claimed_whole_or_not_at_all()
    {
        var filter = new DuplicateFilter<object>(TimeSpan.FromMinutes(5), _time);
        filter.TryClaimAll(["a", "b"]).ShouldBeTrue();

        filter.TryClaimAll(["c", "b"]).ShouldBeFalse();
        filter.TryClaim("c", out _).ShouldBeTrue("a refused delivery claims none of its ids");
    }

    [Fact]
    public void Beyond_its_capacity_the_oldest_ids_go_first()
    {
        var filter = new DuplicateFilter<object>(TimeSpan.FromHours(1), _time, capacity: 2);
        filter.TryClaim("m1", out _);
        filter.TryClaim("m2", out _);
        filter.TryClaim("m3", out _);

        // Pruned before each claim: m1 is the one over the capacity.
        filter.TryClaim("m1", out _).ShouldBeTrue();
        filter.TryClaim("m3", out _).ShouldBeFalse();
    }
}
