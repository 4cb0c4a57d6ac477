using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Larkway.Feishu.Http;

/// <summary>Builds an app's retry + timeout pipeline.</summary>
internal static class FeishuResilience
{
    public static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("Larkway.Feishu.Request");

    public static ResiliencePipeline<HttpResponseMessage> Build(FeishuAppOptions options, TimeProvider timeProvider, ILogger logger)
    {
        var retry = options.Retry;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        if (retry.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = retry.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = retry.UseJitter,
                Delay = retry.BaseDelay,
                MaxDelay = retry.MaxDelay,
                ShouldHandle = args => ShouldRetryAsync(args, retry),
                DelayGenerator = static args => new ValueTask<TimeSpan?>(
                    args.Outcome.Result is { } response ? FeishuResponseProbe.RateLimitReset(response) : null),
                OnRetry = args =>
                {
                    var request = args.Context.Properties.GetValue(RequestKey, null!);
                    var reason = args.Outcome.Exception is { } ex ? ex.GetType().Name
                        : args.Outcome.Result is { } r ? $"HTTP {(int)r.StatusCode}" : "failure";
                    Log.Retrying(logger, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, reason);
                    return default;
                },
            });
        }

        if (options.Timeout > TimeSpan.Zero && options.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(options.Timeout);
        }

        return builder.Build();
    }

    private static async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args, FeishuRetryOptions retry)
    {
        var request = args.Context.Properties.GetValue(RequestKey, null!);

        // A send without its idempotency key might post twice: never retried, whatever happened.
        if (request is null || !FeishuRequestKeys.IsIdempotent(request))
        {
            return false;
        }

        if (args.Outcome.Exception is { } exception)
        {
            return exception is HttpRequestException or TimeoutRejectedException;
        }

        if (args.Outcome.Result is not { } response)
        {
            return false;
        }

        if (response.IsSuccessStatusCode && !FeishuResponseProbe.IsJsonContent(response.Content.Headers.ContentType))
        {
            return false;
        }

        var probe = await FeishuResponseProbe.GetAsync(response, args.Context.CancellationToken).ConfigureAwait(false);
        if (probe.Code is 0 && response.IsSuccessStatusCode)
        {
            return false;
        }

        if (probe.Code is { } invalid && FeishuErrorCodes.IsInvalidToken(invalid))
        {
            // The same stale token would fail again; the token handler above renews it and retries once.
            return false;
        }

        var rateLimited = response.StatusCode == HttpStatusCode.TooManyRequests || (probe.Code is { } c && FeishuErrorCodes.IsRateLimit(c));
        if (rateLimited && FeishuResponseProbe.RateLimitReset(response) is { } wait && wait > retry.MaxRetryAfter)
        {
            // Waiting that long inside a call helps nobody: fail with RetryAfter and let the caller decide.
            return false;
        }

        return FeishuErrorCodes.IsTransient(probe.Code ?? 0, response.StatusCode);
    }
}
