using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Larkway.Feishu.Http;

/// <summary>
/// A per-endpoint rate a request is held to before it leaves: <paramref name="Permits"/> calls per <paramref name="Window"/>
/// for all calls sharing <paramref name="Key"/> (Feishu limits each API separately, per app).
/// </summary>
internal sealed record FeishuPace(string Key, int Permits, TimeSpan Window);

/// <summary>
/// The app's pacing limiters, one per <see cref="FeishuPace.Key"/>, made on first use. Sliding windows, for the reason
/// <see cref="FeishuRateLimiters"/> gives: no window of the platform's sees more than the limit.
/// </summary>
internal sealed class FeishuPacers(int queueLimit) : IDisposable
{
    private const int Segments = 10;
    private readonly ConcurrentDictionary<string, RateLimiter> _limiters = new(StringComparer.Ordinal);

    public RateLimiter For(FeishuPace pace) => _limiters.GetOrAdd(pace.Key, static (_, p) => new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
    {
        PermitLimit = p.Pace.Permits,
        Window = p.Pace.Window + (p.Pace.Window / Segments),
        SegmentsPerWindow = Segments + 1,
        QueueLimit = p.QueueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    }), (Pace: pace, QueueLimit: queueLimit));

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }
}
