using System.Globalization;
using Larkway.Feishu.Bitable;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>A sync's values as a person reads them on the console: a date field's Unix milliseconds as a UTC date and time.</summary>
internal static class DryRunValues
{
    /// <summary><paramref name="value"/> as shown in column of <paramref name="type"/>; other values unchanged.</summary>
    public static string? Show(string? value, BitableFieldType type)
    {
        if (value is null || type is not (BitableFieldType.DateTime or BitableFieldType.CreatedTime or BitableFieldType.ModifiedTime)
            || !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var milliseconds)
            || milliseconds < -62_135_596_800_000 || milliseconds > 253_402_300_799_999)
        {
            return value;
        }

        var at = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return at.ToString(at.Millisecond == 0 ? "yyyy-MM-dd HH:mm:ss'Z'" : "yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }
}
