using System.Globalization;
using System.Text.Json;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Bitable;

/// <summary>Cells as the grid shows them, and the dates a person types; in the base's time zone.</summary>
internal static class CellText
{
    public static string Display(BitableField field, JsonElement stored, EmulatorState state, string timeZone = "UTC") => field.Type switch
    {
        FieldTypes.Number => stored.GetDouble().ToString(CultureInfo.InvariantCulture),
        FieldTypes.SingleSelect => field.Options.Find(o => o.Id == stored.GetString())?.Name ?? string.Empty,
        FieldTypes.MultiSelect => string.Join(", ", stored.EnumerateArray().Select(id => field.Options.Find(o => o.Id == id.GetString())?.Name).OfType<string>()),
        FieldTypes.DateTime => FormatDate(stored.GetInt64(), timeZone),
        FieldTypes.Checkbox => stored.ValueKind == JsonValueKind.True ? "true" : string.Empty,
        FieldTypes.User => string.Join(", ", stored.EnumerateArray().Select(id => state.FindUser("open_id", id.GetString()!)?.Name ?? id.GetString())),
        FieldTypes.Url => stored.GetProperty("text").GetString() + " | " + stored.GetProperty("link").GetString(),
        FieldTypes.Attachment => string.Join(", ", stored.EnumerateArray().Select(a => a.GetProperty("name").GetString())),
        FieldTypes.SingleLink or FieldTypes.DuplexLink => string.Join(", ", stored.EnumerateArray().Select(id => id.GetString())),
        FieldTypes.Location => stored.GetProperty("location").GetString() ?? string.Empty,
        FieldTypes.GroupChat => string.Join(", ", stored.EnumerateArray().Select(id => state.FindChat(id.GetString()!)?.Name ?? id.GetString())),
        _ => stored.ValueKind == JsonValueKind.String ? stored.GetString()! : stored.GetRawText(),
    };

    /// <summary>"yyyy-MM-dd HH:mm" in the zone (the grid's date format), or "yyyy-MM-dd" at midnight.</summary>
    public static string FormatDate(long ms, string timeZone)
    {
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), Zone(timeZone));
        return local.TimeOfDay == TimeSpan.Zero
            ? local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }

    /// <summary>Milliseconds from "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy/MM/dd" (in the zone) or a number of milliseconds.</summary>
    public static long? ParseDate(string text, string timeZone)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
        {
            return ms;
        }

        string[] formats = ["yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy/MM/dd", "yyyy/MM/dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss"];
        if (!DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }

        var zone = Zone(timeZone);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUnixTimeMilliseconds();
    }

    /// <summary>The base's zone; an id the machine does not know falls back to UTC (the base was checked when created).</summary>
    public static TimeZoneInfo Zone(string timeZone) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>Midnight of the day <paramref name="ms"/> falls on, in the zone (what an ExactDate filter value becomes).</summary>
    public static DateTimeOffset StartOfDay(long ms, string timeZone)
    {
        var zone = Zone(timeZone);
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), zone);
        var midnight = local.Date;
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }
}
