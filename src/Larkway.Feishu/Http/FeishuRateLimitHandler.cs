using System.Threading.RateLimiting;

namespace Larkway.Feishu.Http;

/// <summary>
/// Holds message sends to the platform's limits before they leave the process: one limiter per
/// app, one per receiver (chat or person). Bursts wait in the queue; only a full queue fails the call.
/// </summary>
internal sealed class FeishuRateLimitHandler(FeishuAppRuntime app) : DelegatingHandler
{
    // Not async itself: a call that is no message send passes straight through.
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        app.RateLimiters is { } limiters && request is FeishuRequestMessage { MessageSendTo: { } receiver }
            ? SendPacedAsync(limiters, receiver, request, cancellationToken)
            : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendPacedAsync(FeishuRateLimiters limiters, string receiver, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = app.TimeProvider.GetTimestamp();
        using var appLease = await limiters.App.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        EnsureAcquired(appLease, "the app's message rate limit");
        using var receiverLease = await limiters.PerReceiver.AcquireAsync(receiver, 1, cancellationToken).ConfigureAwait(false);
        EnsureAcquired(receiverLease, $"the per-receiver message rate limit of {receiver}");

        var waited = app.TimeProvider.GetElapsedTime(started);
        if (waited > TimeSpan.FromMilliseconds(1))
        {
            Log.RateLimitWaited(app.Logger, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", waited.TotalMilliseconds);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static void EnsureAcquired(RateLimitLease lease, string what)
    {
        if (!lease.IsAcquired)
        {
            throw new FeishuApiException(FeishuErrorCodes.ClientRateLimitQueueFull,
                $"Too many message sends are already waiting for {what}; send fewer at once or raise RateLimit.QueueLimit.");
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
        App = new SlidingWindowRateLimiter(Window(options.MessagesPerSecond, options.QueueLimit));
        PerReceiver = PartitionedRateLimiter.Create<string, string>(
            receiver => RateLimitPartition.GetSlidingWindowLimiter(receiver, _ => Window(options.MessagesPerSecondPerReceiver, options.QueueLimit)),
            StringComparer.Ordinal);
    }

    public RateLimiter App { get; }

    public PartitionedRateLimiter<string> PerReceiver { get; }

    public void Dispose()
    {
        App.Dispose();
        PerReceiver.Dispose();
    }

    private static SlidingWindowRateLimiterOptions Window(int perSecond, int queueLimit) => new()
    {
        PermitLimit = perSecond,
        Window = TimeSpan.FromSeconds(1) + (TimeSpan.FromSeconds(1) / SegmentsPerSecond),
        SegmentsPerWindow = SegmentsPerSecond + 1,
        QueueLimit = queueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    };
}
