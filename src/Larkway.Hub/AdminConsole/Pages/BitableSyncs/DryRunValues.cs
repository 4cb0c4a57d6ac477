using System.Globalization;
using Larkway.Hub.BitableSync;
using Microsoft.AspNetCore.Html;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>
/// A sync's values as a person reads them on the console: a date field's Unix milliseconds as a UTC date and time, a
/// person field's emails and open_ids by the names the directory has for them.
/// </summary>
internal static class DryRunValues
{
    /// <summary><paramref name="value"/> as markup: a person field through <paramref name="people"/>, anything else as <see cref="Show"/> (encoded).</summary>
    public static IHtmlContent Html(string? value, ColumnValues values, ConsolePeople people)
    {
        ArgumentNullException.ThrowIfNull(people);
        return values == ColumnValues.People ? people.List(value) : new HtmlContentBuilder().Append(Show(value, values));
    }

    /// <summary>The person ids (emails, open_ids) in a dry run's sample, to resolve before the page renders.</summary>
    public static IEnumerable<string?> People(SyncDryRun dry)
    {
        ArgumentNullException.ThrowIfNull(dry);
        var columns = Enumerable.Range(0, dry.Columns.Count).Where(i => dry.Columns[i].Values == ColumnValues.People).ToList();
        return dry.Sample.SelectMany(d => columns.SelectMany(i => new[] { d.Database?[i], d.Bitable?[i] }))
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary><paramref name="value"/> as shown in a column of <paramref name="values"/>: a time as a date and time; other values unchanged.</summary>
    public static string? Show(string? value, ColumnValues values)
    {
        if (value is null || values != ColumnValues.Time
            || !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var milliseconds)
            || milliseconds < -62_135_596_800_000 || milliseconds > 253_402_300_799_999)
        {
            return value;
        }

        var at = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return at.ToString(at.Millisecond == 0 ? "yyyy-MM-dd HH:mm:ss'Z'" : "yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }
}
