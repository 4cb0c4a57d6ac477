using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Larkway.Hub.Approvals;

/// <summary>The kinds of form field the approvals' one value vocabulary knows, whatever the platform calls them.</summary>
internal enum ApprovalFieldKind
{
    /// <summary>Text, one line or several: a string.</summary>
    Text,

    /// <summary>A number: a JSON number (or a string that is one).</summary>
    Number,

    /// <summary>An amount of money: a number, or <c>{"value", "currency"}</c>.</summary>
    Amount,

    /// <summary>A date or time: an RFC 3339 string, or <c>yyyy-MM-dd</c>.</summary>
    Date,

    /// <summary>A period: <c>{"start", "end"}</c>, each a date.</summary>
    DateRange,

    /// <summary>One option: its value or its text.</summary>
    Option,

    /// <summary>Several options: an array of values or texts.</summary>
    Options,

    /// <summary>A detail table: an array of row objects by column id or name.</summary>
    Table,

    /// <summary>Attachments or images: an array of the platform's file ids.</summary>
    Attachment,

    /// <summary>Anything else (people, departments, formulas…): passed on as it is, a string or an array of strings.</summary>
    Other,
}

/// <summary>One field of a definition's form, in the room's vocabulary.</summary>
/// <param name="Id">The platform's id of the field (DingTalk's component id, WeCom's control id).</param>
/// <param name="Name">Its label, which a request may use instead of the id.</param>
/// <param name="Kind">What value it takes.</param>
/// <param name="Required">True when the form needs it.</param>
internal sealed record ApprovalField(string Id, string Name, ApprovalFieldKind Kind, bool Required)
{
    /// <summary>The options of an option field: each value (the platform's key) and its text.</summary>
    public IReadOnlyList<(string Value, string Text)> Options { get; init; } = [];

    /// <summary>The columns of a table.</summary>
    public IReadOnlyList<ApprovalField> Columns { get; init; } = [];

    /// <summary>The platform's own kind name (<c>MoneyField</c>, <c>Money</c>), for messages and the conversion to its wire.</summary>
    public string? PlatformKind { get; init; }
}

/// <summary>A field and its value, normalised: numbers and amounts as JSON numbers, dates as RFC 3339 strings, options as their values, tables as arrays of rows of these.</summary>
internal sealed record ApprovalFieldValue(ApprovalField Field, JsonNode? Value)
{
    /// <summary>The rows of a table value: each row's cells, normalised the same way.</summary>
    public IReadOnlyList<IReadOnlyList<ApprovalFieldValue>> Rows { get; init; } = [];
}

/// <summary>A definition described by its fields in the room's vocabulary (DingTalk's, WeCom's): checked by <see cref="ApprovalFields"/>.</summary>
internal sealed class ApprovalFieldsDefinition : ApprovalDefinitionShape
{
    /// <summary>The form's fields, in the definition's order.</summary>
    public required IReadOnlyList<ApprovalField> Fields { get; init; }

    /// <inheritdoc />
    public override ApprovalFormCheck CheckForm(JsonElement form)
    {
        var problems = new List<ApprovalProblem>();
        var values = ApprovalFields.Read(Fields, form, "form", problems);
        if (MaxFields is { } max && form.ValueKind == JsonValueKind.Object && form.EnumerateObject().Count() > max)
        {
            problems.Add(new("form", $"At most {max} values: the platform takes no more components in one form."));
        }

        return new(problems, [.. values.Select(v => new ApprovalFormLine(v.Field.Name, ApprovalFields.Display(v)))]);
    }

    /// <summary>The form's values normalised (after <see cref="CheckForm"/> found no problem), in the definition's order.</summary>
    public IReadOnlyList<ApprovalFieldValue> Values(JsonElement form) => ApprovalFields.Read(Fields, form, "form", []);
}

/// <summary>
/// The one value vocabulary, checked against a definition's fields: each value found by the field's id or its label (in any case), its
/// shape checked for its kind, required fields present, unknown names refused — every problem naming the field as
/// <c>form.&lt;name&gt;</c> (<c>form.items[1].amount</c> inside a table) with what to send instead.
/// </summary>
internal static class ApprovalFields
{
    /// <summary>Reads <paramref name="form"/> against <paramref name="fields"/>; problems are added to <paramref name="problems"/>.</summary>
    public static IReadOnlyList<ApprovalFieldValue> Read(IReadOnlyList<ApprovalField> fields, JsonElement form, string path, List<ApprovalProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(problems);
        if (form.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new(path, "Must be an object of values by field id or name."));
            return [];
        }

        var given = new Dictionary<ApprovalField, (string Name, JsonElement Value)>();
        foreach (var member in form.EnumerateObject())
        {
            // By id, then by label as written, then by label in any case ("amount" for "Amount").
            var field = fields.FirstOrDefault(f => string.Equals(f.Id, member.Name, StringComparison.Ordinal))
                ?? fields.FirstOrDefault(f => string.Equals(f.Name, member.Name, StringComparison.Ordinal))
                ?? fields.FirstOrDefault(f => string.Equals(f.Name, member.Name, StringComparison.OrdinalIgnoreCase));
            if (field is null)
            {
                problems.Add(new($"{path}.{member.Name}", $"Not a field of this form. Its fields: {Names(fields)}."));
            }
            else if (!given.TryAdd(field, (member.Name, member.Value)))
            {
                problems.Add(new($"{path}.{member.Name}", $"The field '{field.Name}' is given twice (by its id '{field.Id}' and its name); give it once."));
            }
        }

        var values = new List<ApprovalFieldValue>();
        foreach (var field in fields)
        {
            if (!given.TryGetValue(field, out var value) || value.Value.ValueKind == JsonValueKind.Null)
            {
                if (field.Required)
                {
                    problems.Add(new($"{path}.{Key(field)}", $"Required: {Expected(field)}."));
                }

                continue;
            }

            if (ReadValue(field, value.Value, $"{path}.{value.Name}", problems) is { } read)
            {
                values.Add(read);
            }
        }

        return values;
    }

    /// <summary>A value in words, as the approver's card and the console show it.</summary>
    public static string Display(ApprovalFieldValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Field.Kind switch
        {
            ApprovalFieldKind.Table => value.Rows.Count == 1 ? "1 row" : $"{value.Rows.Count} rows",
            ApprovalFieldKind.Option => OptionText(value.Field, value.Value?.GetValue<string>()),
            ApprovalFieldKind.Options => string.Join(", ", (value.Value as JsonArray ?? []).Select(v => OptionText(value.Field, v?.GetValue<string>()))),
            ApprovalFieldKind.DateRange => $"{value.Value?["start"]} – {value.Value?["end"]}",
            _ => value.Value switch
            {
                JsonValue v when v.TryGetValue<string>(out var text) => text,
                JsonArray a => string.Join(", ", a.Select(i => i?.ToString())),
                null => "—",
                var other => other.ToJsonString(),
            },
        };
    }

    private static ApprovalFieldValue? ReadValue(ApprovalField field, JsonElement value, string path, List<ApprovalProblem> problems)
    {
        JsonNode? read = field.Kind switch
        {
            ApprovalFieldKind.Text => value.ValueKind == JsonValueKind.String ? JsonValue.Create(value.GetString()) : null,
            ApprovalFieldKind.Number => Number(value) is { } n ? JsonValue.Create(n) : null,
            ApprovalFieldKind.Amount => Number(value.ValueKind == JsonValueKind.Object && value.TryGetProperty("value", out var amount) ? amount : value) is { } a ? JsonValue.Create(a) : null,
            ApprovalFieldKind.Date => Date(value) is { } d ? JsonValue.Create(d) : null,
            ApprovalFieldKind.DateRange => value.ValueKind == JsonValueKind.Object && value.TryGetProperty("start", out var s) && value.TryGetProperty("end", out var e)
                && Date(s) is { } start && Date(e) is { } end ? new JsonObject { ["start"] = start, ["end"] = end } : null,
            ApprovalFieldKind.Option => Option(field, value) is { } o ? JsonValue.Create(o) : null,
            ApprovalFieldKind.Options => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().Select(v => Option(field, v)).ToList() is var options
                && options.All(o => o is not null) ? new JsonArray([.. options.Select(o => (JsonNode?)JsonValue.Create(o))]) : null,
            ApprovalFieldKind.Attachment => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind is JsonValueKind.String or JsonValueKind.Object)
                ? JsonNode.Parse(value.GetRawText()) : null,
            ApprovalFieldKind.Table => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(r => r.ValueKind == JsonValueKind.Object) ? new JsonArray() : null,
            _ => value.ValueKind is JsonValueKind.String or JsonValueKind.Array or JsonValueKind.Number ? JsonNode.Parse(value.GetRawText()) : null,
        };
        if (read is null)
        {
            problems.Add(new(path, $"Must be {Expected(field)}."));
            return null;
        }

        if (field.Kind != ApprovalFieldKind.Table)
        {
            return new ApprovalFieldValue(field, read);
        }

        var rows = new List<IReadOnlyList<ApprovalFieldValue>>();
        var index = 0;
        foreach (var row in value.EnumerateArray())
        {
            rows.Add(Read(field.Columns, row, $"{path}[{index++}]", problems));
        }

        return new ApprovalFieldValue(field, read) { Rows = rows };
    }

    private static string? Option(ApprovalField field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = value.GetString()!;
        if (field.Options.Count == 0)
        {
            return text;
        }

        return field.Options.FirstOrDefault(o => o.Value == text) is { Value: not null } byValue ? byValue.Value
            : field.Options.FirstOrDefault(o => o.Text == text) is { Value: not null } byText ? byText.Value
            : null;
    }

    private static decimal? Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetDecimal(out var d) => d,
        JsonValueKind.String when decimal.TryParse(value.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static string? Date(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = value.GetString()!;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            && (text.Length == 10 || text.Contains('T', StringComparison.Ordinal))
            ? (text.Length == 10 ? text : at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            : null;
    }

    private static string Expected(ApprovalField field) => field.Kind switch
    {
        ApprovalFieldKind.Text => "a string",
        ApprovalFieldKind.Number => "a number",
        ApprovalFieldKind.Amount => "an amount: a number, or {\"value\": 1200, \"currency\": \"CNY\"}",
        ApprovalFieldKind.Date => "a date: \"2026-12-01\" or an RFC 3339 time",
        ApprovalFieldKind.DateRange => "a period: {\"start\": \"2026-12-01\", \"end\": \"2026-12-03\"}",
        ApprovalFieldKind.Option => "one of " + Choices(field),
        ApprovalFieldKind.Options => "an array of " + Choices(field),
        ApprovalFieldKind.Table => "an array of rows, each an object by column (" + Names(field.Columns) + ")",
        ApprovalFieldKind.Attachment => "an array of the platform's file ids",
        _ => "a string or an array of strings",
    };

    private static string Choices(ApprovalField field) => field.Options.Count == 0
        ? "the options as strings"
        : string.Join(", ", field.Options.Select(o => o.Value == o.Text ? $"'{o.Value}'" : $"'{o.Value}' ({o.Text})"));

    private static string OptionText(ApprovalField field, string? value) =>
        field.Options.FirstOrDefault(o => o.Value == value) is { Text: { Length: > 0 } text } ? text : value ?? "—";

    private static string Key(ApprovalField field) => string.IsNullOrEmpty(field.Name) ? field.Id : field.Name;

    private static string Names(IReadOnlyList<ApprovalField> fields) =>
        fields.Count == 0 ? "none" : string.Join(", ", fields.Select(f => f.Name == f.Id || string.IsNullOrEmpty(f.Name) ? $"'{f.Id}'" : $"'{f.Name}' ({f.Id})"));
}
