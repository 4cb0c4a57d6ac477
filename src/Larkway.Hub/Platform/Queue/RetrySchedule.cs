namespace Larkway.Hub.Platform.Queue;

/// <summary>
/// When a failed item is tried again: the n-th delay after the n-th failed attempt (the last delay repeats), spread by
/// ±<see cref="Jitter"/>, until <see cref="MaxAttempts"/> attempts were made.
/// </summary>
public sealed class RetrySchedule
{
    /// <summary>A schedule.</summary>
    /// <param name="delays">The back-off after the 1st, 2nd, … failed attempt; at least one.</param>
    /// <param name="maxAttempts">Attempts before an item is dead-lettered; at least one.</param>
    /// <param name="jitter">Spread of each delay as a fraction (0.2 = ±20 %); 0 to 1.</param>
    public RetrySchedule(IReadOnlyList<TimeSpan> delays, int maxAttempts, double jitter = 0)
    {
        ArgumentNullException.ThrowIfNull(delays);
        ArgumentOutOfRangeException.ThrowIfZero(delays.Count, nameof(delays));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        Delays = [.. delays];
        MaxAttempts = maxAttempts;
        Jitter = Math.Clamp(jitter, 0, 1);
    }

    /// <summary>The back-off after each failed attempt.</summary>
    public IReadOnlyList<TimeSpan> Delays { get; }

    /// <summary>Attempts before an item is dead-lettered.</summary>
    public int MaxAttempts { get; }

    /// <summary>Spread of each delay as a fraction.</summary>
    public double Jitter { get; }

    /// <summary>The delay after <paramref name="attempts"/> failed attempts, with jitter.</summary>
    public TimeSpan DelayAfter(int attempts)
    {
        var delay = Delays[Math.Clamp(attempts - 1, 0, Delays.Count - 1)];
        if (Jitter == 0)
        {
            return delay;
        }

        // Not a security decision: spreading retries only.
#pragma warning disable CA5394
        var factor = 1 + (Jitter * ((Random.Shared.NextDouble() * 2) - 1));
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(delay.TotalMilliseconds * factor);
    }

    /// <summary>
    /// When to try again after <paramref name="attempts"/> failed attempts — no sooner than <paramref name="atLeast"/>
    /// (a server's Retry-After) — or null when the attempts are used up.
    /// </summary>
    public DateTimeOffset? NextAttempt(DateTimeOffset now, int attempts, TimeSpan? atLeast = null)
    {
        if (attempts >= MaxAttempts)
        {
            return null;
        }

        var delay = DelayAfter(attempts);
        return now + (atLeast is { } floor && floor > delay ? floor : delay);
    }
}
