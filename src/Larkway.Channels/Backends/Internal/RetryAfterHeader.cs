using System.Net.Http.Headers;

namespace Larkway.Channels.Backends.Internal;

/// <summary>Reads <c>Retry-After</c> (seconds, or an HTTP date) as a wait from now.</summary>
internal static class RetryAfterHeader
{
    public static TimeSpan? Read(RetryConditionHeaderValue? header, TimeProvider time)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>The raw header value (as another client library hands it over).</summary>
    public static TimeSpan? Read(string? value, TimeProvider time) =>
        value is not null && RetryConditionHeaderValue.TryParse(value, out var parsed) ? Read(parsed, time) : null;
}
