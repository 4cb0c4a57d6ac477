namespace Larkway.Emulator.Platform;

/// <summary>One window of a rate tier, e.g. 50 per 1 s.</summary>
internal readonly record struct RateWindow(int Limit, int Seconds);

/// <summary>Why a call was refused: the window's limit and whole seconds until it resets.</summary>
internal readonly record struct RateRejection(int Limit, int ResetSeconds);

/// <summary>
/// Fixed windows aligned to the epoch, per key, on the injected clock. A tier with two windows
/// ("1000/min &amp; 50/s") refuses when either is full, and a refused call consumes nothing.
/// </summary>
internal sealed class RateLimiter(TimeProvider time)
{
    /// <summary>Tier 4 of the frequency-control page: message send and most IM APIs.</summary>
    public static readonly RateWindow[] ApiTier = [new(50, 1), new(1000, 60)];

    /// <summary>5 QPS to the same user or group, shared by all bots (send message page).</summary>
    public static readonly RateWindow[] PerReceiver = [new(5, 1)];

    /// <summary>Custom bot: 5/s and 100/min per bot.</summary>
    public static readonly RateWindow[] CustomBot = [new(5, 1), new(100, 60)];

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Key, int Seconds), Counter> _counters = [];

    public RateRejection? TryAcquire(string key, IReadOnlyList<RateWindow> windows)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            foreach (var window in windows)
            {
                var (start, length) = WindowOf(nowMs, window);
                if (_counters.TryGetValue((key, window.Seconds), out var counter) && counter.WindowStart == start && counter.Count >= window.Limit)
                {
                    var resetSeconds = (int)Math.Max(1, Math.Ceiling((start + length - nowMs) / 1000.0));
                    return new RateRejection(window.Limit, resetSeconds);
                }
            }

            foreach (var window in windows)
            {
                var (start, _) = WindowOf(nowMs, window);
                var id = (key, window.Seconds);
                _counters[id] = _counters.TryGetValue(id, out var counter) && counter.WindowStart == start
                    ? counter with { Count = counter.Count + 1 }
                    : new Counter(start, 1);
            }

            return null;
        }
    }

    private static (long Start, long Length) WindowOf(long nowMs, RateWindow window)
    {
        var length = window.Seconds * 1000L;
        return (nowMs - (nowMs % length), length);
    }

    private sealed record Counter(long WindowStart, int Count);
}
