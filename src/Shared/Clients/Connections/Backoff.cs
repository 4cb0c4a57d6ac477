namespace Larkway.Shared.Clients;

/// <summary>
/// The pause before a long connection's next attempt: <c>first</c>, doubling per failed attempt, never longer than
/// <c>ceiling</c>, then shortened by a random part of up to <c>jitter</c> so that many replicas dropped at once do not
/// all come back in step.
/// </summary>
internal static class Backoff
{
    /// <summary>Jitter the client libraries use: a delay shortened by up to a quarter.</summary>
    public const double DefaultJitter = 0.25;

    /// <param name="attempt">How many attempts failed before this pause, less one: 0 gives <paramref name="first"/>.</param>
    /// <param name="first">The first pause.</param>
    /// <param name="ceiling">The longest pause (before jitter).</param>
    /// <param name="jitter">The largest part (0 to 1) by which a pause is shortened at random; 0 for a fixed schedule.</param>
    /// <param name="floor">The shortest pause after jitter.</param>
    public static TimeSpan Delay(int attempt, TimeSpan first, TimeSpan ceiling, double jitter = DefaultJitter, TimeSpan floor = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        ArgumentOutOfRangeException.ThrowIfNegative(jitter);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(jitter, 1);

        // The exponent is capped so that a long outage cannot overflow the multiplication.
        var exponential = first * Math.Pow(2, Math.Min(attempt, 16));
        var capped = exponential < ceiling ? exponential : ceiling;
        var jittered = jitter == 0 ? capped : capped * (1 - jitter + (Random.Shared.NextDouble() * jitter));
        return jittered > floor ? jittered : floor;
    }
}
