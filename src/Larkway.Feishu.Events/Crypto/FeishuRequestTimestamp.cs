using System.Globalization;

namespace Larkway.Feishu.Events.Crypto;

/// <summary>Freshness check of <c>X-Lark-Request-Timestamp</c> (unix seconds) against a clock.</summary>
public static class FeishuRequestTimestamp
{
    /// <summary>The default allowed skew either side of now.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(5);

    /// <summary>True when the timestamp parses as unix seconds and lies within <paramref name="window"/> of now.</summary>
    public static bool IsWithinWindow(string? timestamp, TimeSpan window, TimeProvider? timeProvider = null)
    {
        if (window < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), "The window must not be negative.");
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var now = (timeProvider ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        var skew = Math.Abs((decimal)now - seconds);
        return skew <= (decimal)window.TotalSeconds;
    }
}
