using System.Globalization;
using System.Text.Json;
using Larkway.Feishu.Bitable;

namespace Larkway.Cli.Commands.Bitable;

/// <summary>
/// How a cell is written to a CSV file and read back: text as is, numbers invariant, options by name (several joined by
/// ", ", or a JSON list when a name holds a comma), dates as ISO 8601 UTC, checkboxes true/false, people by email (else
/// their open_id), URLs by link, attachments by file token, links by record id, locations by coordinates. Export then
/// import of the same file writes every writable cell back as it was.
/// </summary>
internal static class CellText
{
    /// <summary>Field types import skips: Feishu computes them.</summary>
    public static bool IsReadOnly(BitableFieldType type) => type is BitableFieldType.Formula or BitableFieldType.Lookup or BitableFieldType.AutoNumber
        or BitableFieldType.CreatedTime or BitableFieldType.ModifiedTime or BitableFieldType.CreatedUser or BitableFieldType.ModifiedUser;

    public static string? Write(BitableValue? value) => value switch
    {
        null => null,
        BitableValue.Text t => t.PlainText,
        BitableValue.Number n => n.Value.ToString(CultureInfo.InvariantCulture),
        BitableValue.SingleSelect s => s.Option,
        BitableValue.MultiSelect m => List(m.Options),
        BitableValue.Date d => d.Value.ToUniversalTime().ToString(d.Value.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        BitableValue.Checkbox c => c.Checked ? "true" : "false",
        BitableValue.Persons p => List(p.People.Select(x => x.Email is { Length: > 0 } e ? e : x.Id).ToList()),
        BitableValue.Phone p => p.Value,
        BitableValue.Url u => u.Link,
        BitableValue.Attachments a => List(a.Files.Select(f => f.FileToken).ToList()),
        BitableValue.Links l => List(l.RecordIds),
        BitableValue.Location l => l.Place.Coordinates,
        BitableValue.GroupChats g => List(g.Chats.Select(c => c.Id).ToList()),
        BitableValue.AutoNumber a => a.Value,
        BitableValue.Formula f => string.Join(", ", f.Results.Select(Write)),
        _ => value.ToJson(),
    };

    /// <summary>The value a cell's text means for a field of <paramref name="type"/>; null for an empty cell.</summary>
    /// <exception cref="FormatException">The text is not a value of that type (the message says what is expected).</exception>
    public static BitableValue? Read(string text, BitableFieldType type, IReadOnlyDictionary<string, string> openIds)
    {
        if (text.Length == 0)
        {
            return null;
        }

        return type switch
        {
            BitableFieldType.Number => new BitableValue.Number(decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"'{text}' is not a number (use a dot for decimals)")),
            BitableFieldType.SingleSelect => new BitableValue.SingleSelect(text),
            BitableFieldType.MultiSelect => new BitableValue.MultiSelect(Items(text)),
            BitableFieldType.DateTime => new BitableValue.Date(Date(text)),
            BitableFieldType.Checkbox => new BitableValue.Checkbox(bool.TryParse(text, out var b) ? b : throw new FormatException($"'{text}' is not true or false")),
            BitableFieldType.User => new BitableValue.Persons([.. Items(text).Select(p => new BitablePerson(p.Contains('@', StringComparison.Ordinal) ? openIds.GetValueOrDefault(p.ToLowerInvariant()) ?? throw new FormatException($"no active user has the email '{p}'") : p))]),
            BitableFieldType.Phone => new BitableValue.Phone(text),
            BitableFieldType.Url => new BitableValue.Url(text, text),
            BitableFieldType.Attachment => new BitableValue.Attachments([.. Items(text)]),
            BitableFieldType.SingleLink or BitableFieldType.DuplexLink => new BitableValue.Links(Items(text)),
            BitableFieldType.Location => new BitableValue.Location(new BitablePlace(text)),
            BitableFieldType.GroupChat => new BitableValue.GroupChats([.. Items(text).Select(c => new BitableGroupChat(c))]),
            _ => new BitableValue.Text(text),
        };
    }

    /// <summary>The emails in a people cell, to look up before reading.</summary>
    public static IEnumerable<string> Emails(string text) => text.Length == 0 ? [] : Items(text).Where(p => p.Contains('@', StringComparison.Ordinal));

    private static string? List(IReadOnlyList<string> items) => items.Count == 0 ? null
        : items.Any(i => i.Contains(',', StringComparison.Ordinal)) ? JsonSerializer.Serialize(items, CliJson.Default.IReadOnlyListString) : string.Join(", ", items);

    private static string[] Items(string text)
    {
        if (text.StartsWith('['))
        {
            try
            {
                return JsonSerializer.Deserialize(text, CliJson.Default.StringArray) ?? [];
            }
            catch (JsonException)
            {
                throw new FormatException($"'{text}' starts like a JSON list but is not one (write names separated by commas, or a JSON list of strings)");
            }
        }

        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static DateTimeOffset Date(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
        : throw new FormatException($"'{text}' is not a date (ISO 8601 like 2026-11-24T08:30:00Z, or Unix milliseconds)");
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class CliJson : System.Text.Json.Serialization.JsonSerializerContext;
