using System.Collections.Concurrent;

namespace Larkway.Hub.Platform.Auth;

/// <summary>
/// Slows down guessing: after <paramref name="freeFailures"/> failures from one address (console passwords, API keys),
/// that address is locked out for a minute, doubling with each further failure up to <see cref="MaxLockout"/>. A success
/// clears it. Kept in memory per replica: a restart forgets it, which costs an attacker a restart they cannot cause.
/// </summary>
internal sealed class SignInThrottle(TimeProvider time, int freeFailures = SignInThrottle.FreeFailures)
{
    /// <summary>Failed console sign-ins allowed before the first lockout.</summary>
    public const int FreeFailures = 5;

    public static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    /// <summary>When the address may try again, or null when it may now.</summary>
    public DateTimeOffset? LockedUntil(string address)
    {
        if (!_failures.TryGetValue(address, out var f) || f.Count < freeFailures)
        {
            return null;
        }

        var until = f.Last + Lockout(f.Count);
        return until > time.GetUtcNow() ? until : null;
    }

    public void Failed(string address) =>
        _failures.AddOrUpdate(address, _ => new Failures(1, time.GetUtcNow()), (_, f) => new Failures(f.Count + 1, time.GetUtcNow()));

    public void Succeeded(string address) => _failures.TryRemove(address, out _);

    private TimeSpan Lockout(int failures)
    {
        var minutes = Math.Pow(2, Math.Min(failures - freeFailures, 10));
        return TimeSpan.FromMinutes(Math.Min(minutes, MaxLockout.TotalMinutes));
    }

    private sealed record Failures(int Count, DateTimeOffset Last);
}
