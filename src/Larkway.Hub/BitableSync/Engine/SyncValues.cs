using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Feishu.Bitable;

namespace Larkway.Hub.BitableSync;

/// <summary>
/// The canonical text of a value — what both sides are compared by. A column's value and the mapped field's value are
/// turned into the same text when they say the same thing (a number in any column type, a date as Unix milliseconds,
/// people as their emails, options as a JSON list), so one hash per row tells whether a side changed since the last sync,
/// and a change the engine itself wrote hashes the same and is never synced back (echo suppression).
/// </summary>
internal static class SyncValues
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Field types the engine writes to Bitable; the others (formula, lookup, automatic fields) only flow to the database.</summary>
    public static bool IsWritable(BitableFieldType type) => type is BitableFieldType.Text or BitableFieldType.Number or BitableFieldType.SingleSelect
        or BitableFieldType.MultiSelect or BitableFieldType.DateTime or BitableFieldType.Checkbox or BitableFieldType.User or BitableFieldType.Phone
        or BitableFieldType.Url or BitableFieldType.Attachment or BitableFieldType.Location or BitableFieldType.GroupChat
        or BitableFieldType.SingleLink or BitableFieldType.DuplexLink;

    /// <summary>The key's text as stored in the map and compared in SQL (<c>CAST(key AS TEXT)</c>).</summary>
    public static string? KeyText(object? value) => value switch
    {
        null or DBNull => null,
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>A database value's canonical text for a field of <paramref name="type"/>.</summary>
    /// <exception cref="FormatException">The value cannot mean a value of that field.</exception>
    public static string? FromDatabase(object? value, BitableFieldType type)
    {
        if (value is null or DBNull)
        {
            return type == BitableFieldType.Checkbox ? "false" : null;
        }

        switch (type)
        {
            case BitableFieldType.Number:
                return NumberText(value switch
                {
                    string s => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
                    double d => (decimal)d,
                    float f => (decimal)f,
                    _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
                });
            case BitableFieldType.DateTime or BitableFieldType.CreatedTime or BitableFieldType.ModifiedTime:
                return (Millis(value) ?? throw new FormatException($"'{value}' is not a date (Unix milliseconds, or an ISO 8601 date-time)")).ToString(CultureInfo.InvariantCulture);
            case BitableFieldType.Checkbox:
                return value switch
                {
                    bool b => b ? "true" : "false",
                    string s => bool.TryParse(s, out var b) ? (b ? "true" : "false") : s == "1" ? "true" : s is "0" or "" ? "false" : throw new FormatException($"'{s}' is not true or false"),
                    _ => Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0 ? "true" : "false",
                };
            case BitableFieldType.MultiSelect:
                return ListText(value);
            case BitableFieldType.SingleLink or BitableFieldType.DuplexLink or BitableFieldType.GroupChat or BitableFieldType.Attachment:
                // "K1, K2" and "K1,K2" are the same list: compared as Bitable's side reads.
                var items = string.Join(",", Items(KeyText(value) ?? ""));
                return items.Length == 0 ? null : items;
            default:
                var text = KeyText(value);
                return string.IsNullOrEmpty(text) ? null : text;
        }
    }

    /// <summary>A cell as Feishu returned it, as canonical text (people by email when the record carries it).</summary>
    public static string? FromBitable(JsonElement cell, BitableFieldType type)
    {
        var value = BitableValue.Read(type, cell);
        return value switch
        {
            null => type == BitableFieldType.Checkbox ? "false" : null,
            BitableValue.Text t => Blank(t.PlainText),
            BitableValue.Number n => NumberText(n.Value),
            BitableValue.SingleSelect s => Blank(s.Option),
            BitableValue.MultiSelect m => m.Options.Count == 0 ? null : JsonSerializer.Serialize(m.Options, Compact),
            BitableValue.Date d => d.Value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            BitableValue.Checkbox c => c.Checked ? "true" : "false",
            BitableValue.Persons p => p.People.Count == 0 ? null : string.Join(",", p.People.Select(x => x.Email is { Length: > 0 } e ? e : x.Id)),
            BitableValue.Phone p => Blank(p.Value),
            BitableValue.Url u => Blank(u.Link),
            BitableValue.Attachments a => a.Files.Count == 0 ? null : string.Join(",", a.Files.Select(f => f.FileToken)),
            BitableValue.Links l => l.RecordIds.Count == 0 ? null : string.Join(",", l.RecordIds),
            BitableValue.Location l => Blank(l.Place.Coordinates),
            BitableValue.AutoNumber a => a.Value,
            BitableValue.Formula f => FormulaText(f),
            BitableValue.GroupChats g => g.Chats.Count == 0 ? null : string.Join(",", g.Chats.Select(c => c.Id)),
            _ => cell.GetRawText(),
        };
    }

    /// <summary>The value Bitable is sent for canonical <paramref name="text"/> (people already resolved to open_ids).</summary>
    public static BitableValue ToBitable(string? text, BitableFieldType type, IReadOnlyDictionary<string, string?> openIds)
    {
        if (text is null)
        {
            return type == BitableFieldType.Checkbox ? new BitableValue.Checkbox(false) : BitableValue.Clear;
        }

        return type switch
        {
            BitableFieldType.Number => new BitableValue.Number(decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)),
            BitableFieldType.SingleSelect => new BitableValue.SingleSelect(text),
            BitableFieldType.MultiSelect => new BitableValue.MultiSelect(JsonSerializer.Deserialize<string[]>(text) ?? []),
            BitableFieldType.DateTime => new BitableValue.Date(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(text, CultureInfo.InvariantCulture))),
            BitableFieldType.Checkbox => new BitableValue.Checkbox(text == "true"),
            BitableFieldType.User => new BitableValue.Persons(Emails(text).Select(e => new BitablePerson(openIds.GetValueOrDefault(e) ?? throw new FormatException($"no active person has the email '{e}'"))).ToArray()),
            BitableFieldType.Phone => new BitableValue.Phone(text),
            BitableFieldType.Url => new BitableValue.Url(text, text),
            BitableFieldType.Attachment => new BitableValue.Attachments([.. Items(text)]),
            BitableFieldType.Location => new BitableValue.Location(new BitablePlace(text)),
            BitableFieldType.GroupChat => new BitableValue.GroupChats([.. Items(text)]),
            BitableFieldType.SingleLink or BitableFieldType.DuplexLink => new BitableValue.Links([.. Items(text)]),
            _ => new BitableValue.Text(text),
        };
    }

    /// <summary>The value a column of <paramref name="kind"/> is written for canonical <paramref name="text"/>.</summary>
    public static object? ToDatabase(string? text, BitableFieldType type, ColumnKind kind)
    {
        if (text is null)
        {
            return null;
        }

        return type switch
        {
            BitableFieldType.DateTime or BitableFieldType.CreatedTime or BitableFieldType.ModifiedTime => ToDatabase(long.Parse(text, CultureInfo.InvariantCulture), kind),
            BitableFieldType.Checkbox => kind switch
            {
                ColumnKind.Boolean => text == "true",
                ColumnKind.Text => text,
                _ => text == "true" ? 1L : 0L,
            },
            _ => kind switch
            {
                ColumnKind.Integer when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
                ColumnKind.Real when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                ColumnKind.Boolean when bool.TryParse(text, out var b) => b,
                ColumnKind.Integer or ColumnKind.Real or ColumnKind.Boolean => throw new FormatException($"'{Shorten(text)}' does not fit a {kind.ToString().ToLowerInvariant()} column"),
                _ => text,
            },
        };
    }

    /// <summary>Unix milliseconds as a column of <paramref name="kind"/> stores them.</summary>
    public static object ToDatabase(long milliseconds, ColumnKind kind) => kind switch
    {
        ColumnKind.Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime,
        ColumnKind.Text => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ColumnKind.Real => (double)milliseconds,
        _ => milliseconds,
    };

    /// <summary>A date-like database value as Unix milliseconds.</summary>
    public static long? Millis(object? value) => value switch
    {
        null or DBNull => null,
        DateTime dt => new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt.ToUniversalTime()).ToUnixTimeMilliseconds(),
        DateTimeOffset dto => dto.ToUnixTimeMilliseconds(),
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) => ms,
        string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) => at.ToUnixTimeMilliseconds(),
        string => null,
        _ => Convert.ToInt64(value, CultureInfo.InvariantCulture),
    };

    /// <summary>The emails of a people value (comma-separated).</summary>
    public static IEnumerable<string> Emails(string text) => Items(text);

    /// <summary>The items of a list value (people, attachments, chats, linked keys): comma-separated, blanks dropped.</summary>
    public static IEnumerable<string> Items(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The hash of a row's canonical values in mapping order: equal hashes, equal rows.</summary>
    public static string Hash(IEnumerable<string?> values)
    {
        var builder = new StringBuilder();
        foreach (var value in values)
        {
            // A length prefix keeps ("a,b", "c") apart from ("a", "b,c"); null is distinct from "".
            builder.Append(value is null ? "-1:" : value.Length.ToString(CultureInfo.InvariantCulture) + ":").Append(value).Append('|');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    private static string NumberText(decimal value) => (value / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    private static string? ListText(object value)
    {
        if (value is string s)
        {
            var trimmed = s.Trim();
            if (trimmed.Length == 0)
            {
                return null;
            }

            var items = trimmed.StartsWith('[') ? JsonSerializer.Deserialize<string[]>(trimmed) ?? [] : trimmed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return items.Length == 0 ? null : JsonSerializer.Serialize(items, Compact);
        }

        throw new FormatException("a multi-select column holds a JSON list of option names or comma-separated names");
    }

    private static string? FormulaText(BitableValue.Formula formula)
    {
        var parts = formula.Results.Select(r => r switch
        {
            BitableValue.Text t => t.PlainText,
            BitableValue.Number n => NumberText(n.Value),
            BitableValue.Date d => d.Value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            BitableValue.SingleSelect s => s.Option,
            BitableValue.Checkbox c => c.Checked ? "true" : "false",
            _ => r.ToJson(),
        }).ToList();
        return parts.Count == 0 ? null : string.Join(",", parts);
    }

    private static string? Blank(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
