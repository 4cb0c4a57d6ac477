using Larkway.Shared.Clients;

namespace Larkway.Shared.Clients.Tests;

public sealed class BackoffTests
{
    [Fact]
    public void Without_jitter_the_pause_doubles_from_the_first_up_to_the_ceiling()
    {
        var pauses = Enumerable.Range(0, 7).Select(a => Backoff.Delay(a, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), jitter: 0).TotalSeconds);

        pauses.ShouldBe([5, 10, 20, 40, 60, 60, 60]);
    }

    [Fact]
    public void Jitter_shortens_a_pause_by_at_most_its_part_and_never_below_the_floor()
    {
        for (var i = 0; i < 200; i++)
        {
            var pause = Backoff.Delay(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
            pause.ShouldBeInRange(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(8));

            Backoff.Delay(0, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), floor: TimeSpan.FromMilliseconds(200))
                .ShouldBe(TimeSpan.FromMilliseconds(200));
        }
    }

    [Fact]
    public void A_long_outage_does_not_overflow_and_stays_at_the_ceiling()
    {
        Backoff.Delay(10_000, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2), jitter: 0).ShouldBe(TimeSpan.FromMinutes(2));
    }
}
