using System.Globalization;

namespace Larkway.Shared.Clients;

/// <summary>
/// The freshness rule of a signed callback: its timestamp (whole seconds or milliseconds since 1970, as the platform
/// sends it) lies within a window either side of the receiver's clock. The signatures cover the timestamp but nothing
/// marks a request as used, so without this rule a captured request verifies for ever.
/// </summary>
internal static class CallbackTimestamp
{
    /// <summary>True when <paramref name="timestamp"/> parses and lies within <paramref name="window"/> of <paramref name="now"/>.</summary>
    public static bool IsWithin(string? timestamp, bool milliseconds, TimeSpan window, DateTimeOffset now)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        var skew = Math.Abs((decimal)(milliseconds ? now.ToUnixTimeMilliseconds() : now.ToUnixTimeSeconds()) - value);
        return skew <= (decimal)(milliseconds ? window.TotalMilliseconds : window.TotalSeconds);
    }
}
