using System.Threading.RateLimiting;

namespace Larkway.Feishu.Http;

/// <summary>
/// Holds message sends to the platform's limits before they leave the process: two limiters per
/// app (a second, a minute), one per receiver (chat or person). Bursts wait in the queue; only a full
/// queue fails the call. Sends the caller paces itself (<see cref="FeishuRequestOptions.PacedByCaller"/>) pass.
/// A step of each attempt in the app's frame (<see cref="FeishuAppRuntime"/>).
/// </summary>
internal static class FeishuRateLimits
{
    /// <summary>Waits for a per-endpoint pace's permit (bitable).</summary>
    public static async Task WaitForPaceAsync(FeishuAppRuntime app, FeishuPace pace, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = app.TimeProvider.GetTimestamp();
        using (var lease = await app.Pacers.For(pace).AcquireAsync(1, cancellationToken).ConfigureAwait(false))
        {
            EnsureAcquired(lease, $"the {pace.Permits} per {pace.Window.TotalSeconds:0.#} s pace of {pace.Key}");
        }

        LogWait(app, request, started);
    }

    /// <summary>Waits for a message send's permits: the app's minute, its second, then the receiver's.</summary>
    public static async Task WaitForSendAsync(FeishuAppRuntime app, FeishuRateLimiters limiters, string receiver, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = app.TimeProvider.GetTimestamp();

        // The minute first: a send that waits for it does not hold a permit of the second meanwhile. The leases are
        // released when the permits are taken: the sliding windows count a permit for its whole window regardless.
        using var minuteLease = await limiters.AppPerMinute.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        EnsureAcquired(minuteLease, "the app's per-minute message rate limit");
        using var appLease = await limiters.App.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        EnsureAcquired(appLease, "the app's message rate limit");
        using var receiverLease = await limiters.PerReceiver.AcquireAsync(receiver, 1, cancellationToken).ConfigureAwait(false);
        EnsureAcquired(receiverLease, $"the per-receiver message rate limit of {receiver}");
        LogWait(app, request, started);
    }

    private static void LogWait(FeishuAppRuntime app, HttpRequestMessage request, long started)
    {
        var waited = app.TimeProvider.GetElapsedTime(started);
        if (waited > TimeSpan.FromMilliseconds(1))
        {
            Log.RateLimitWaited(app.Logger, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", waited.TotalMilliseconds);
        }
    }

    private static void EnsureAcquired(RateLimitLease lease, string what)
    {
        if (!lease.IsAcquired)
        {
            throw new FeishuApiException(FeishuErrorCodes.ClientRateLimitQueueFull,
                $"Too many calls are already waiting for {what}; send fewer at once or raise RateLimit.QueueLimit.");
        }
    }
}

/// <summary>The rate limiters of one app (shared by all of its handler chains).</summary>
/// <remarks>
/// Sliding windows, not token buckets: a bucket refills on its own timer, so its refill can land in
/// the same platform second as the burst it follows and let twice the limit through in that second.
/// A window of one second plus one segment releases a permit only after more than a second has
/// passed since it was taken, so no one-second interval — aligned to the platform's clock or not —
/// ever sees more than the limit.
/// </remarks>
internal sealed class FeishuRateLimiters : IDisposable
{
    private const int SegmentsPerSecond = 10;

    public FeishuRateLimiters(FeishuRateLimitOptions options)
    {
        App = new SlidingWindowRateLimiter(Window(options.MessagesPerSecond, TimeSpan.FromSeconds(1), SegmentsPerSecond, options.QueueLimit));

        // A minute in one-second segments: a permit comes back 61 s after it was taken.
        AppPerMinute = new SlidingWindowRateLimiter(Window(options.MessagesPerMinute, TimeSpan.FromMinutes(1), 60, options.QueueLimit));
        PerReceiver = PartitionedRateLimiter.Create<string, string>(
            receiver => RateLimitPartition.GetSlidingWindowLimiter(receiver, _ => Window(options.MessagesPerSecondPerReceiver, TimeSpan.FromSeconds(1), SegmentsPerSecond, options.QueueLimit)),
            StringComparer.Ordinal);
    }

    public RateLimiter App { get; }

    public RateLimiter AppPerMinute { get; }

    public PartitionedRateLimiter<string> PerReceiver { get; }

    public void Dispose()
    {
        App.Dispose();
        AppPerMinute.Dispose();
        PerReceiver.Dispose();
    }

    // The window plus one segment: a permit is released only after more than the whole window has passed.
    private static SlidingWindowRateLimiterOptions Window(int permits, TimeSpan length, int segments, int queueLimit) => new()
    {
        PermitLimit = permits,
        Window = length + (length / segments),
        SegmentsPerWindow = segments + 1,
        QueueLimit = queueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    };
}
