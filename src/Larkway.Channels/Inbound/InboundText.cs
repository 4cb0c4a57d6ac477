using System.Globalization;

namespace Larkway.Channels.Inbound;

/// <summary>Text clean-up shared by the normalizers.</summary>
internal static class InboundText
{
    /// <summary>Takes every <paramref name="mention"/> out of the text, with the one space that follows it.</summary>
    public static string RemoveMention(string text, string mention) =>
        text.Replace(mention + " ", "", StringComparison.Ordinal).Replace(mention, "", StringComparison.Ordinal);

    /// <summary>A millisecond Unix time given as a string, or null when absent or not a number.</summary>
    public static DateTimeOffset? FromUnixMilliseconds(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? FromUnixMilliseconds(ms) : null;

    /// <summary>A millisecond Unix time, or null when not positive or out of range.</summary>
    public static DateTimeOffset? FromUnixMilliseconds(long ms) =>
        ms > 0 && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
