using System.Net;
using Larkway.Shared.Clients;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Larkway.Feishu.Http;

/// <summary>Builds an app's retry + timeout pipeline: what Feishu retries, and how long it asks to wait.</summary>
internal static class FeishuResilience
{
    public static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("Larkway.Feishu.Request");

    /// <summary>
    /// The shape every client shares (<see cref="ApiHttp"/>: exponential back-off with jitter, a timeout per attempt)
    /// with Feishu's retry decision, and its rate-limit reset (<c>x-ogw-ratelimit-reset</c>) as the delay when it gives one.
    /// </summary>
    public static ResiliencePipeline<HttpResponseMessage> Build(FeishuAppOptions options, TimeProvider timeProvider, ILogger logger)
    {
        var retry = options.Retry;
        return ApiHttp.BuildResilience<HttpResponseMessage>(
            new ApiRetrySettings(retry.MaxRetries, retry.BaseDelay, retry.MaxDelay, retry.UseJitter, options.Timeout),
            timeProvider,
            args => ShouldRetryAsync(args, retry),
            args =>
            {
                var request = args.Context.Properties.GetValue(RequestKey, null!);
                var reason = args.Outcome.Exception is { } ex ? ex.GetType().Name
                    : args.Outcome.Result is { } r ? $"HTTP {(int)r.StatusCode}" : "failure";
                Log.Retrying(logger, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, reason);
            },
            static args => args.Outcome.Result is { } response ? FeishuResponseProbe.RateLimitReset(response) : null);
    }

    // The common answer (a success whose probe the logging handler already made) is decided without an async state machine.
    private static ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args, FeishuRetryOptions retry)
    {
        var request = args.Context.Properties.GetValue(RequestKey, null!);

        // A send without its idempotency key might post twice: never retried, whatever happened.
        if (request is null || !FeishuRequestMessage.IsIdempotent(request))
        {
            return new ValueTask<bool>(false);
        }

        if (args.Outcome.Exception is { } exception)
        {
            return new ValueTask<bool>(exception is HttpRequestException or TimeoutRejectedException);
        }

        if (args.Outcome.Result is not { } response)
        {
            return new ValueTask<bool>(false);
        }

        if (response.IsSuccessStatusCode && !FeishuResponseProbe.IsJsonContent(response.Content.Headers.ContentType))
        {
            return new ValueTask<bool>(false);
        }

        var probing = FeishuResponseProbe.GetAsync(response, args.Context.CancellationToken);
        return probing.IsCompletedSuccessfully
            ? new ValueTask<bool>(ShouldRetry(response, probing.Result, retry))
            : AwaitProbeAsync(response, probing, retry);

        static async ValueTask<bool> AwaitProbeAsync(HttpResponseMessage response, ValueTask<FeishuResponseProbe> probing, FeishuRetryOptions retry) =>
            ShouldRetry(response, await probing.ConfigureAwait(false), retry);
    }

    private static bool ShouldRetry(HttpResponseMessage response, FeishuResponseProbe probe, FeishuRetryOptions retry)
    {
        if (probe.Code is 0 && response.IsSuccessStatusCode)
        {
            return false;
        }

        if (probe.Code is { } invalid && FeishuErrorCodes.IsInvalidToken(invalid))
        {
            // The same stale token would fail again; the token handler above renews it and retries once.
            return false;
        }

        if (probe.Code == FeishuErrorCodes.BitableDataNotReady)
        {
            // Transient, but the remedy is a smaller batch after a wait: the bitable batch writer shrinks and resends.
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
