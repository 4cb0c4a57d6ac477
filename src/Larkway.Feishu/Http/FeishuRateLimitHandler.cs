using System.Threading.RateLimiting;

namespace Larkway.Feishu.Http;

/// <summary>
/// Holds message sends to the platform's limits before they leave the process: one token bucket
/// per app, one per receiver. Bursts wait in the queue; only a full queue fails the call.
/// </summary>
internal sealed class FeishuRateLimitHandler(FeishuAppRuntime app) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (app.RateLimiters is not { } limiters
            || !request.Options.TryGetValue(FeishuRequestKeys.MessageSend, out var isSend) || !isSend)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var started = app.TimeProvider.GetTimestamp();
        using var appLease = await limiters.App.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        EnsureAcquired(appLease, "the app's message rate limit");
        request.Options.TryGetValue(FeishuRequestKeys.RateLimitKey, out var receiver);
        using var receiverLease = await limiters.PerReceiver.AcquireAsync(receiver ?? "", 1, cancellationToken).ConfigureAwait(false);
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
internal sealed class FeishuRateLimiters : IDisposable
{
    public FeishuRateLimiters(FeishuRateLimitOptions options)
    {
        App = new TokenBucketRateLimiter(Bucket(options.MessagesPerSecond, options.QueueLimit));
        PerReceiver = PartitionedRateLimiter.Create<string, string>(
            receiver => RateLimitPartition.GetTokenBucketLimiter(receiver, _ => Bucket(options.MessagesPerSecondPerReceiver, options.QueueLimit)),
            StringComparer.Ordinal);
    }

    public RateLimiter App { get; }

    public PartitionedRateLimiter<string> PerReceiver { get; }

    public void Dispose()
    {
        App.Dispose();
        PerReceiver.Dispose();
    }

    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int queueLimit) => new()
    {
        TokenLimit = perSecond,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = queueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    };
}
