using System.Globalization;
using System.Text.Json;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.Approval;

/// <summary>
/// Checks an instance <c>form</c> against its definition as the create page lays it out (§7.4): a
/// stringified array of <c>{id, type, value}</c>, each id a widget of the definition with the same type,
/// every required widget present, and the value shaped for its type (radio/checkbox values among the
/// options). Every failure is 1390001 and names the widget.
/// </summary>
internal static class FormValidator
{
    private const int Invalid = ErrorCodes.ApprovalInvalidParameter;

    public static void Validate(string? form, IReadOnlyList<FormWidget> widgets, EmulatorState state)
    {
        if (string.IsNullOrEmpty(form))
        {
            throw Fail("field 'form' is required: a stringified JSON array of {id, type, value}");
        }

        JsonElement entries;
        try
        {
            using var document = JsonDocument.Parse(form);
            entries = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw Fail("form must be a stringified JSON array of {id, type, value} (it is not valid JSON)");
        }

        if (entries.ValueKind != JsonValueKind.Array)
        {
            throw Fail("form must be a stringified JSON array of {id, type, value}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw Fail("form items must be objects {id, type, value}");
            }

            var id = entry.OptionalString("id", Invalid) ?? throw Fail("a form item has no id");
            var widget = widgets.FirstOrDefault(w => w.Id == id || w.CustomId == id)
                ?? throw Fail($"form widget '{id}' does not exist in the approval definition");
            if (!seen.Add(widget.Id))
            {
                throw Fail($"form widget '{id}' is given twice");
            }

            var type = entry.OptionalString("type", Invalid) ?? throw Fail($"form widget '{id}' has no type (expected '{widget.Type}')");
            if (Family(type) != Family(widget.Type))
            {
                throw Fail($"form widget '{id}' has type '{type}' but the definition says '{widget.Type}'");
            }

            if (!entry.TryGetProperty("value", out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (widget.Required)
                {
                    throw Fail($"form widget '{id}' ({widget.Name}) is required; give a value");
                }

                continue;
            }

            CheckValue(widget, entry, value, state);
        }

        var missing = widgets.FirstOrDefault(w => w.Required && !seen.Contains(w.Id));
        if (missing is not null)
        {
            throw Fail($"form widget '{missing.Id}' ({missing.Name}) is required but missing from the form");
        }
    }

    /// <summary>radio and radioV2 (checkbox, image likewise) take the same values.</summary>
    private static string Family(string type) => type.EndsWith("V2", StringComparison.Ordinal) ? type[..^2] : type;

    private static void CheckValue(FormWidget widget, JsonElement entry, JsonElement value, EmulatorState state)
    {
        var id = widget.Id;
        switch (Family(widget.Type))
        {
            case "input" or "textarea":
                var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Fail($"form widget '{id}' ({widget.Type}) takes a string value");
                if (widget.Required && text.Trim().Length == 0)
                {
                    throw Fail($"form widget '{id}' ({widget.Name}) is required; the value is empty");
                }

                break;
            case "number" or "formula":
                RequireNumber(widget, value);
                break;
            case "amount":
                RequireNumber(widget, value);
                if (entry.TryGetProperty("currency", out var currency) && (currency.ValueKind != JsonValueKind.String || currency.GetString() is not { Length: 3 } code || !code.All(char.IsAsciiLetterUpper)))
                {
                    throw Fail($"form widget '{id}' (amount) currency must be an ISO code such as \"CNY\" or \"USD\"");
                }

                break;
            case "date":
                RequireDate(widget, value, "value");
                break;
            case "dateInterval":
                if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("start", out var start) || !value.TryGetProperty("end", out var end))
                {
                    throw Fail($"form widget '{id}' (dateInterval) takes {{\"start\": RFC3339, \"end\": RFC3339, \"interval\": days}}");
                }

                var from = RequireDate(widget, start, "start");
                var to = RequireDate(widget, end, "end");
                if (to < from)
                {
                    throw Fail($"form widget '{id}' (dateInterval) ends before it starts");
                }

                break;
            case "radio":
                var picked = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Fail($"form widget '{id}' (radio) takes one option value as a string");
                RequireOption(widget, picked);
                break;
            case "checkbox":
                foreach (var item in StringArray(widget, value))
                {
                    RequireOption(widget, item);
                }

                break;
            case "contact":
                foreach (var userId in StringArray(widget, value))
                {
                    if (state.FindUser("user_id", userId) is null && state.FindUserByAnyOpenId(userId) is null)
                    {
                        throw Fail($"form widget '{id}' (contact): no user '{userId}'");
                    }
                }

                break;
            case "connect" or "attachment" or "image":
                _ = StringArray(widget, value);
                break;
            case "department":
                if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(d => d.ValueKind != JsonValueKind.Object || d.OptionalString("open_id", Invalid) is null))
                {
                    throw Fail($"form widget '{id}' (department) takes [{{\"open_id\": \"od-…\"}}]");
                }

                break;
            case "telephone":
                if (value.ValueKind != JsonValueKind.Object || value.OptionalString("countryCode", Invalid) is null || value.OptionalString("nationalNumber", Invalid) is null)
                {
                    throw Fail($"form widget '{id}' (telephone) takes {{\"countryCode\": \"+86\", \"nationalNumber\": \"…\"}}");
                }

                break;
            case "document":
                if (value.ValueKind != JsonValueKind.Object || value.OptionalString("token", Invalid) is null)
                {
                    throw Fail($"form widget '{id}' (document) takes {{\"token\": \"<docx id>\", \"type\": \"docx\"}}");
                }

                break;
            case "fieldList":
                if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(row => row.ValueKind != JsonValueKind.Array))
                {
                    throw Fail($"form widget '{id}' (fieldList) takes rows: [[{{id, type, value}}, …], …]");
                }

                break;
            default:
                break;
        }
    }

    private static void RequireNumber(FormWidget widget, JsonElement value)
    {
        // The page shows numbers; SDK users often send "12.5" — accepted when it parses, as Feishu does.
        var ok = value.ValueKind == JsonValueKind.Number
            || (value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        if (!ok)
        {
            throw Fail($"form widget '{widget.Id}' ({widget.Type}) takes a number");
        }
    }

    private static DateTimeOffset RequireDate(FormWidget widget, JsonElement value, string part) =>
        value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParseExact(value.GetString(), ["yyyy-MM-ddTHH:mm:sszzz", "yyyy-MM-ddTHH:mm:ss.FFFFFFFzzz", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.FFFFFFFZ"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            ? parsed
            : throw Fail($"form widget '{widget.Id}' ({widget.Type}) {part} must be an RFC 3339 time such as 2019-10-01T08:12:01+08:00");

    private static List<string> StringArray(FormWidget widget, JsonElement value) =>
        value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String)
            ? [.. value.EnumerateArray().Select(v => v.GetString()!)]
            : throw Fail($"form widget '{widget.Id}' ({widget.Type}) takes an array of strings");

    private static void RequireOption(FormWidget widget, string picked)
    {
        if (!widget.Options.Any(o => o.Value == picked))
        {
            throw Fail($"form widget '{widget.Id}' ({widget.Type}) has no option '{picked}'; use one of {string.Join(", ", widget.Options.Select(o => o.Value))}");
        }
    }

    private static ApiErrorException Fail(string message) => ApiErrorException.BadRequest(Invalid, message);
}
