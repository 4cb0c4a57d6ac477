using System.Net;
using Polly;
using Polly.Timeout;

namespace Larkway.Feishu.Http;

/// <summary>
/// Feishu's retry decision for the app's frame (<see cref="FeishuAppRuntime"/>, which builds the shared retry + timeout
/// pipeline with it, and with the rate-limit reset <c>x-ogw-ratelimit-reset</c> as the delay when Feishu gives one).
/// </summary>
internal static class FeishuResilience
{
    /// <summary>Whether an attempt of <paramref name="request"/> that ended in <paramref name="outcome"/> is sent again.</summary>
    public static bool ShouldRetry(HttpRequestMessage request, Outcome<FeishuResponseProbe> outcome, FeishuRetryOptions retry)
    {
        // A send without its idempotency key might post twice: never retried, whatever happened.
        if (!FeishuRequestMessage.IsIdempotent(request))
        {
            return false;
        }

        if (outcome.Exception is { } exception)
        {
            return exception is HttpRequestException or TimeoutRejectedException;
        }

        if (outcome.Result is not { } probe)
        {
            return false;
        }

        var response = probe.Response;
        if (response.IsSuccessStatusCode && !probe.IsJson)
        {
            return false;
        }

        if (probe.Code is 0 && response.IsSuccessStatusCode)
        {
            return false;
        }

        if (probe.Code is { } invalid && FeishuErrorCodes.IsInvalidToken(invalid))
        {
            // The same stale token would fail again; the frame's token step renews it and sends once more.
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
