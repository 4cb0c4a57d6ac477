using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Larkway.Feishu.Approval;

/// <summary>
/// Turns loose JSON (what a business system posts) into typed form values by each widget's type. Shape problems are
/// collected, not thrown one at a time; whether required widgets are present is <see cref="ApprovalFormValidator"/>'s job.
/// </summary>
internal static partial class ApprovalFormReader
{
    private const string DateExample = "2026-01-31T09:00:00+08:00";

    public static List<ApprovalFormValue> Read(JsonElement json, IReadOnlyList<ApprovalWidgetDefinition> widgets, string path, List<ApprovalFormError> errors, string context = "")
    {
        var values = new List<ApprovalFormValue>();
        if (json.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(path.TrimEnd('.'), $"{context}the form values must be a JSON object keyed by widget id or custom_id, not {Describe(json)}"));
            return values;
        }

        foreach (var property in json.EnumerateObject())
        {
            var widget = ApprovalWidgetDefinition.Find(widgets, property.Name);
            if (widget is null)
            {
                errors.Add(new(path + property.Name, $"{context}there is no widget '{property.Name}' in the form; use one of: "
                    + string.Join(", ", widgets.Select(w => w.CustomId is null ? w.Id : $"{w.Id} ({w.CustomId})"))));
                continue;
            }

            if (property.Value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                continue; // Not given; the validator reports it when the widget is required.
            }

            var label = context + widget.Label();
            if (ApprovalWidgetTypes.IsUnsupportedByApi(widget.Type))
            {
                errors.Add(new(path + property.Name, $"{label}: the create API does not accept {widget.Type} widgets; leave it out (fill it in Feishu) or remove it from the definition"));
                continue;
            }

            var value = Convert(property.Value, widget, path + property.Name, label, errors, out var problem);
            if (value is not null)
            {
                values.Add(value.Kind == ApprovalValueKind.Raw ? value : value with { Type = widget.Type });
            }
            else if (problem is not null)
            {
                errors.Add(new(path + property.Name, $"{label}: got {Describe(property.Value)}; give {problem}"));
            }
        }

        return values;
    }

    private static ApprovalFormValue? Convert(JsonElement json, ApprovalWidgetDefinition widget, string path, string label, List<ApprovalFormError> errors, out string? problem)
    {
        problem = ApprovalFormValidator.Expect(widget);
        var id = widget.Id;
        switch (ApprovalWidgetTypes.KindOf(widget.Type))
        {
            case ApprovalValueKind.Input:
                return Text(json) is { } input ? new ApprovalFormValue.Input(id, input) : null;
            case ApprovalValueKind.Textarea:
                return Text(json) is { } textarea ? new ApprovalFormValue.Textarea(id, textarea) : null;
            case ApprovalValueKind.Number:
                return Decimal(json) is { } number ? new ApprovalFormValue.Number(id, number) : null;
            case ApprovalValueKind.Formula:
                return Decimal(json) is { } formula ? new ApprovalFormValue.Formula(id, formula) : null;
            case ApprovalValueKind.Amount:
                return Amount(json, id);
            case ApprovalValueKind.Date:
                return Date(json) is { } date ? new ApprovalFormValue.Date(id, date) : null;
            case ApprovalValueKind.DateInterval:
                return DateInterval(json, id);
            case ApprovalValueKind.Radio:
                return Text(json) is { } option ? new ApprovalFormValue.Radio(id, option) : null;
            case ApprovalValueKind.Checkbox:
                return Strings(json) is { } options ? new ApprovalFormValue.Checkbox(id, options) : null;
            case ApprovalValueKind.Contact:
                return Contact(json, id);
            case ApprovalValueKind.Department:
                return Departments(json) is { } departments ? new ApprovalFormValue.Department(id, departments) : null;
            case ApprovalValueKind.Telephone:
                return Telephone(json, id);
            case ApprovalValueKind.Attachment:
                return Strings(json) is { } files ? new ApprovalFormValue.Attachment(id, files) : null;
            case ApprovalValueKind.Image:
                return Strings(json) is { } images ? new ApprovalFormValue.Image(id, images) : null;
            case ApprovalValueKind.Connect:
                return Strings(json) is { } codes ? new ApprovalFormValue.Connect(id, codes) : null;
            case ApprovalValueKind.Document:
                return DocumentToken(json) is { } token ? new ApprovalFormValue.Document(id, token) : null;
            case ApprovalValueKind.FieldList:
                problem = null; // Rows report their own problems.
                return FieldList(json, widget, path, label, errors);
            default:
                return new ApprovalFormValue.Raw(id, widget.Type, json.Clone());
        }
    }

    private static string? Text(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.String => json.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => json.GetRawText(),
        _ => null,
    };

    private static decimal? Decimal(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Number when json.TryGetDecimal(out var d) => d,
        JsonValueKind.String when decimal.TryParse(json.GetString()?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private static DateTimeOffset? Date(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Number && json.TryGetInt64(out var ms) && ms > 0 && ms < 253402300800000)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        var text = json.ValueKind == JsonValueKind.String ? json.GetString()?.Trim() : null;
        return text is not null && Rfc3339().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
    }

    private static List<string>? Strings(JsonElement json)
    {
        if (Text(json) is { } single)
        {
            return [single];
        }

        if (json.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var item in json.EnumerateArray())
        {
            if (Text(item) is not { } text)
            {
                return null;
            }

            list.Add(text);
        }

        return list;
    }

    private static ApprovalFormValue.Amount? Amount(JsonElement json, string id)
    {
        if (Decimal(json) is { } bare)
        {
            return new(id, bare, ""); // The validator asks for the currency.
        }

        if (json.ValueKind == JsonValueKind.Object && Property(json, "value") is { } v && Decimal(v) is { } value)
        {
            var currency = Property(json, "currency") is { ValueKind: JsonValueKind.String } c ? c.GetString() ?? "" : "";
            return new(id, value, currency.Trim());
        }

        return null;
    }

    private static ApprovalFormValue.DateInterval? DateInterval(JsonElement json, string id)
    {
        if (json.ValueKind != JsonValueKind.Object
            || Property(json, "start") is not { } s || Date(s) is not { } start
            || Property(json, "end") is not { } e || Date(e) is not { } end)
        {
            return null;
        }

        double? interval = null;
        if (Property(json, "interval") is { } i)
        {
            if (Decimal(i) is not { } days)
            {
                return null;
            }

            interval = (double)days;
        }

        return new(id, start, end, interval);
    }

    // A list of ids, "ou_…" ones as open ids; or {"user_ids":[…],"open_ids":[…]}.
    private static ApprovalFormValue.Contact? Contact(JsonElement json, string id)
    {
        if (json.ValueKind == JsonValueKind.Object)
        {
            var users = Property(json, "user_ids") is { } u ? Strings(u) : [];
            var opens = Property(json, "open_ids") is { } o ? Strings(o) : [];
            return users is null || opens is null || users.Count + opens.Count == 0 ? null : new(id, users, opens);
        }

        if (Strings(json) is not { } ids)
        {
            return null;
        }

        var open = ids.Where(i => i.StartsWith("ou_", StringComparison.Ordinal)).ToList();
        return new(id, [.. ids.Where(i => !i.StartsWith("ou_", StringComparison.Ordinal))], open);
    }

    private static List<string>? Departments(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Array)
        {
            return Strings(json);
        }

        var list = new List<string>();
        foreach (var item in json.EnumerateArray())
        {
            var text = item.ValueKind == JsonValueKind.Object && Property(item, "open_id") is { } o ? Text(o) : Text(item);
            if (text is null)
            {
                return null;
            }

            list.Add(text);
        }

        return list;
    }

    private static ApprovalFormValue.Telephone? Telephone(JsonElement json, string id)
    {
        if (json.ValueKind == JsonValueKind.Object)
        {
            var country = (Property(json, "countryCode") ?? Property(json, "country_code")) is { } c ? Text(c) : null;
            var number = (Property(json, "nationalNumber") ?? Property(json, "national_number")) is { } n ? Text(n) : null;
            return country is null || number is null ? null : new(id, country.Trim(), number.Trim());
        }

        // "+86 13800000000": the country code, a space, the number.
        var text = json.ValueKind == JsonValueKind.String ? json.GetString()?.Trim() : null;
        var space = text?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
        return text is not null && text.StartsWith('+') && space > 1 ? new(id, text[..space], text[(space + 1)..].Replace(" ", "", StringComparison.Ordinal)) : null;
    }

    private static string? DocumentToken(JsonElement json) =>
        json.ValueKind == JsonValueKind.Object ? Property(json, "token") is { ValueKind: JsonValueKind.String } t ? t.GetString() : null
        : json.ValueKind == JsonValueKind.String ? json.GetString() : null;

    private static ApprovalFormValue.FieldList? FieldList(JsonElement json, ApprovalWidgetDefinition widget, string path, string label, List<ApprovalFormError> errors)
    {
        if (json.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new(path, $"{label}: got {Describe(json)}; give an array of rows, each an object keyed by the table's widget ids"));
            return null;
        }

        var rows = new List<IReadOnlyList<ApprovalFormValue>>();
        var index = 0;
        var before = errors.Count;
        foreach (var row in json.EnumerateArray())
        {
            rows.Add(Read(row, widget.Children, $"{path}[{index}].", errors, $"{label} row {index + 1}: "));
            index++;
        }

        return errors.Count > before ? null : new(widget.Id, rows);
    }

    private static JsonElement? Property(JsonElement json, string name) => json.TryGetProperty(name, out var value) ? value : null;

    private static string Describe(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.String => $"the text \"{Shorten(json.GetString() ?? "")}\"",
        JsonValueKind.Number => $"the number {json.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"{json.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    // RFC 3339 date-time: the offset is required (a local time would be read in the server's zone).
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Rfc3339();
}
