using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Tests.TestSupport;

namespace Larkway.Hub.Tests.AdminConsole;

public sealed class SignInThrottleTests
{
    [Fact]
    public void Locks_an_address_out_after_repeated_failures_for_a_growing_time_and_a_success_clears_it()
    {
        var time = new ManualTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var throttle = new SignInThrottle(time);
        for (var i = 0; i < SignInThrottle.FreeFailures - 1; i++)
        {
            throttle.Failed("10.0.0.1");
        }

        throttle.LockedUntil("10.0.0.1").ShouldBeNull();
        throttle.Failed("10.0.0.1");
        throttle.LockedUntil("10.0.0.1").ShouldBe(time.GetUtcNow() + TimeSpan.FromMinutes(1));
        throttle.LockedUntil("10.0.0.2").ShouldBeNull();

        time.Advance(TimeSpan.FromMinutes(1));
        throttle.LockedUntil("10.0.0.1").ShouldBeNull();
        throttle.Failed("10.0.0.1");
        throttle.LockedUntil("10.0.0.1").ShouldBe(time.GetUtcNow() + TimeSpan.FromMinutes(2));

        throttle.Succeeded("10.0.0.1");
        throttle.LockedUntil("10.0.0.1").ShouldBeNull();
    }
}
