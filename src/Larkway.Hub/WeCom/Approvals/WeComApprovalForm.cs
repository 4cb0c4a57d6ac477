using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Larkway.Hub.Approvals;
using Larkway.WeCom.Approvals;

namespace Larkway.Hub.WeCom.Approvals;

/// <summary>
/// A WeCom approval template's form in the approvals' one value vocabulary, and back: each control of
/// <c>oa/gettemplatedetail</c> as an <see cref="ApprovalField"/> (its control id, its title), and the normalised values
/// as <c>oa/applyevent</c>'s <c>apply_data.contents</c> in each control type's documented value shape (document 91853,
/// 附录: text, new_number, new_money, date, selector, date_range, files, children, members / departments, related_approval).
/// </summary>
internal static class WeComApprovalForm
{
    /// <summary>Most summary lines WeCom shows (<c>summary_list</c>: 最多3行).</summary>
    public const int MaxSummaryLines = 3;

    /// <summary>
    /// The zone a date without a time is a day in: WeCom keeps a date as a Unix time and shows it in China's time (UTC+8),
    /// so "2026-12-01" is sent as that day's midnight there and shows as that day.
    /// </summary>
    internal static readonly TimeSpan DayZone = TimeSpan.FromHours(8);

    /// <summary>Controls that take no value from an application: Tips (说明文字) is text on the form, Formula (公式) WeCom computes.</summary>
    private static readonly HashSet<string> NoValue = new(["Tips", "Formula"], StringComparer.Ordinal);

    /// <summary>The template as a definition the room checks forms against.</summary>
    public static ApprovalFieldsDefinition Definition(string templateId, WeComApprovalTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return new ApprovalFieldsDefinition
        {
            Code = templateId,
            Name = Text(template.TemplateNames),
            Fields = Fields(template.Controls),

            // The template names no approver nodes: its flow is the admin's (use_template_approver 1), or the whole flow
            // an application gives (approver). WeCom documents no most-controls limit for a form.
            Nodes = [],
        };
    }

    /// <summary>The controls that take a value, as fields (a Table's children as its columns).</summary>
    public static IReadOnlyList<ApprovalField> Fields(IReadOnlyList<WeComTemplateControl> controls)
    {
        ArgumentNullException.ThrowIfNull(controls);
        return [.. controls.Where(c => !NoValue.Contains(c.Property.Control) && c.Property.Id.Length > 0).Select(Field)];
    }

    /// <summary>
    /// The values (<see cref="ApprovalFieldsDefinition.Values"/>) as <c>apply_data.contents</c>, one per filled control,
    /// in the template's order.
    /// </summary>
    /// <exception cref="WeComApprovalException">A value of a control the Hub cannot fill (a leave, a location …).</exception>
    public static IReadOnlyList<WeComApplyContent> Contents(IReadOnlyList<WeComTemplateControl> controls, IReadOnlyList<ApprovalFieldValue> values)
    {
        ArgumentNullException.ThrowIfNull(controls);
        ArgumentNullException.ThrowIfNull(values);
        var byId = controls.ToDictionary(c => c.Property.Id, StringComparer.Ordinal);
        return [.. values.Select(v => Content(byId[v.Field.Id], v))];
    }

    /// <summary>
    /// The summary WeCom shows in its approval list and notification card (<c>summary_list</c>, which applyevent requires):
    /// the title when there is one, then the first values as "label: value", <see cref="MaxSummaryLines"/> lines at most.
    /// </summary>
    public static IReadOnlyList<WeComApprovalSummary> Summary(string? title, string templateName, IReadOnlyList<ApprovalFieldValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var lines = new List<string>();
        if (!string.IsNullOrWhiteSpace(title))
        {
            lines.Add(title.Trim());
        }

        lines.AddRange(values.Where(v => v.Field.Kind != ApprovalFieldKind.Table).Select(v => $"{v.Field.Name}: {ApprovalFields.Display(v)}"));
        if (lines.Count == 0)
        {
            lines.Add(templateName);
        }

        return [.. lines.Take(MaxSummaryLines).Select(l => new WeComApprovalSummary([new WeComLangText(l)]))];
    }

    /// <summary>
    /// True when an application's <paramref name="filled"/> controls hold every value of <paramref name="sent"/> (what
    /// <see cref="Contents"/> made): texts equal, numbers and amounts equal as numbers (WeCom may write 1280.5 as 1280.50),
    /// dates the same second, the same option keys, tables row by row, other values as sent (WeCom may add names to
    /// them). Files only by count: WeCom keeps an application's files under ids of its own.
    /// </summary>
    public static bool Holds(IReadOnlyList<WeComApplyContent> filled, IReadOnlyList<WeComApplyContent> sent)
    {
        ArgumentNullException.ThrowIfNull(filled);
        ArgumentNullException.ThrowIfNull(sent);
        return sent.All(s => filled.FirstOrDefault(f => string.Equals(f.Id, s.Id, StringComparison.Ordinal)) is { } f && Same(f.Value, s.Value));
    }

    /// <summary>The text of a WeCom text list: the Chinese one (the corp's default language), else the first.</summary>
    public static string? Text(IReadOnlyList<WeComLangText>? texts) =>
        texts is null or { Count: 0 } ? null
        : (texts.FirstOrDefault(t => t.Lang == "zh_CN") ?? texts[0]).Text is { Length: > 0 } text ? text : null;

    private static ApprovalField Field(WeComTemplateControl control)
    {
        var property = control.Property;
        var kind = property.Control switch
        {
            "Text" or "Textarea" => ApprovalFieldKind.Text,
            "Number" => ApprovalFieldKind.Number,
            "Money" => ApprovalFieldKind.Amount,
            "Date" => ApprovalFieldKind.Date,
            "DateRange" => ApprovalFieldKind.DateRange,
            "Selector" => Config(control, "selector", "type") == "multi" ? ApprovalFieldKind.Options : ApprovalFieldKind.Option,
            "Table" => ApprovalFieldKind.Table,
            "File" => ApprovalFieldKind.Attachment,
            _ => ApprovalFieldKind.Other,
        };
        return new ApprovalField(property.Id, Text(property.Title) ?? property.Id, kind, property.IsRequired)
        {
            PlatformKind = property.Control,
            Options = kind is ApprovalFieldKind.Option or ApprovalFieldKind.Options ? Options(control) : [],
            Columns = kind == ApprovalFieldKind.Table ? Fields(Children(control)) : [],
        };
    }

    /// <summary>A Selector's options (<c>config.selector.options</c>: key and its texts).</summary>
    private static IReadOnlyList<(string Value, string Text)> Options(WeComTemplateControl control)
    {
        if (Section(control, "selector") is not { } selector || !selector.TryGetProperty("options", out var options) || options.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. options.EnumerateArray()
            .Where(o => o.ValueKind == JsonValueKind.Object && o.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.String)
            .Select(o => (o.GetProperty("key").GetString()!, OptionText(o) ?? o.GetProperty("key").GetString()!))];
    }

    private static string? OptionText(JsonElement option) =>
        option.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array
            ? Text([.. value.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.Object && t.TryGetProperty("text", out var x) && x.ValueKind == JsonValueKind.String)
                .Select(t => new WeComLangText(t.GetProperty("text").GetString()!, t.TryGetProperty("lang", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : ""))])
            : null;

    /// <summary>A Table's columns (<c>config.table.children</c>, each a control as in the template).</summary>
    private static IReadOnlyList<WeComTemplateControl> Children(WeComTemplateControl control)
    {
        if (Section(control, "table") is not { } table || !table.TryGetProperty("children", out var children) || children.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. children.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object).Select(Control)];
    }

    private static WeComTemplateControl Control(JsonElement element)
    {
        var property = element.TryGetProperty("property", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        return new WeComTemplateControl
        {
            Property = new WeComControlProperty
            {
                Control = Str(property, "control") ?? "",
                Id = Str(property, "id") ?? "",
                Title = property.ValueKind == JsonValueKind.Object && property.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.Array
                    ? [.. title.EnumerateArray().Select(t => new WeComLangText(Str(t, "text") ?? "", Str(t, "lang") ?? ""))]
                    : null,
                Require = property.ValueKind == JsonValueKind.Object && property.TryGetProperty("require", out var require) && require.ValueKind == JsonValueKind.Number ? require.GetInt32() : 0,
            },
            Config = element.TryGetProperty("config", out var config) ? config.Clone() : null,
        };
    }

    private static WeComApplyContent Content(WeComTemplateControl control, ApprovalFieldValue value)
    {
        var type = control.Property.Control;
        var id = control.Property.Id;
        var node = value.Value;
        return value.Field.Kind switch
        {
            ApprovalFieldKind.Text => WeComApplyContent.Text(id, node!.GetValue<string>(), type),
            ApprovalFieldKind.Number => WeComApplyContent.Number(id, node!.GetValue<decimal>()),
            ApprovalFieldKind.Amount => WeComApplyContent.Money(id, node!.GetValue<decimal>()),
            ApprovalFieldKind.Date => WeComApplyContent.Date(id, Instant(node!.GetValue<string>()), Config(control, "date", "type") is "hour" ? "hour" : "day"),
            ApprovalFieldKind.Option => WeComApplyContent.Selector(id, "single", node!.GetValue<string>()),
            ApprovalFieldKind.Options => WeComApplyContent.Selector(id, "multi", [.. ((JsonArray)node!).Select(o => o!.GetValue<string>())]),
            ApprovalFieldKind.DateRange => Extra(type, id, "date_range", DateRange(control, node!)),
            ApprovalFieldKind.Attachment => Extra(type, id, "files", new JsonArray([.. ((JsonArray)node!).Select(f => (JsonNode)new JsonObject { ["file_id"] = FileId(f) })])),
            ApprovalFieldKind.Table => Extra(type, id, "children", new JsonArray([.. value.Rows.Select(row => (JsonNode)new JsonObject
            {
                ["list"] = JsonNode.Parse(JsonSerializer.Serialize(Contents(Children(control), row), WeComApprovalJson.Default.IReadOnlyListWeComApplyContent)),
            })])),
            _ => Other(control, node),
        };
    }

    /// <summary>The values of the other controls the Hub can fill from strings: members and departments by id, related applications by number.</summary>
    private static WeComApplyContent Other(WeComTemplateControl control, JsonNode? value)
    {
        var type = control.Property.Control;
        var items = value switch
        {
            JsonArray array => [.. array.Select(v => v?.ToString() ?? "")],
            null => [],
            _ => new[] { value.ToString() },
        };
        return type switch
        {
            "Contact" when Config(control, "contact", "mode") == "department" =>
                Extra(type, control.Property.Id, "departments", new JsonArray([.. items.Select(d => (JsonNode)new JsonObject { ["openapi_id"] = d })])),
            "Contact" => Extra(type, control.Property.Id, "members", new JsonArray([.. items.Select(u => (JsonNode)new JsonObject { ["userid"] = u })])),
            "RelatedApproval" => Extra(type, control.Property.Id, "related_approval", new JsonArray([.. items.Select(n => (JsonNode)new JsonObject { ["sp_no"] = n })])),
            _ => throw new WeComApprovalException(
                ApprovalFailureKind.Other,
                WeComApprovalException.ParameterError,
                $"The control '{Text(control.Property.Title) ?? control.Property.Id}' ({type}) cannot be filled through the Hub: leave it out, or make it optional in the template."),
        };
    }

    private static JsonObject DateRange(WeComTemplateControl control, JsonNode value)
    {
        var begin = Instant(value["start"]!.GetValue<string>()).ToUnixTimeSeconds();
        var end = Instant(value["end"]!.GetValue<string>()).ToUnixTimeSeconds();
        return new JsonObject
        {
            ["type"] = Config(control, "date_range", "type") ?? "halfday",
            ["new_begin"] = begin,
            ["new_end"] = end,
            ["new_duration"] = Math.Max(0, end - begin),
        };
    }

    private static string FileId(JsonNode? file) => file switch
    {
        JsonObject o => (o["file_id"] ?? o["media_id"])?.ToString() ?? "",
        _ => file?.ToString() ?? "",
    };

    /// <summary>A normalised date (<c>yyyy-MM-dd</c>, or an RFC 3339 time in UTC) as the instant WeCom takes.</summary>
    internal static DateTimeOffset Instant(string date) =>
        date.Length == 10
            ? new DateTimeOffset(DateTime.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture), DayZone)
            : DateTimeOffset.Parse(date, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static WeComApplyContent Extra(string control, string id, string name, JsonNode value) =>
        new(control, id, new WeComApplyValue { Extra = new Dictionary<string, JsonElement>(StringComparer.Ordinal) { [name] = JsonElement.Parse(value.ToJsonString()) } });

    private static bool Same(WeComApplyValue filled, WeComApplyValue sent)
    {
        if ((sent.Text is not null && sent.Text != filled.Text)
            || (sent.NewNumber is not null && !SameNumber(sent.NewNumber, filled.NewNumber))
            || (sent.NewMoney is not null && !SameNumber(sent.NewMoney, filled.NewMoney))
            || (sent.Date is not null && !SameNumber(sent.Date.STimestamp, filled.Date?.STimestamp))
            || (sent.Selector is not null && !(filled.Selector?.Options.Select(o => o.Key).ToHashSet(StringComparer.Ordinal).SetEquals(sent.Selector.Options.Select(o => o.Key)) ?? false)))
        {
            return false;
        }

        foreach (var (name, value) in sent.Extra ?? [])
        {
            if (filled.Extra?.GetValueOrDefault(name) is not { } got)
            {
                return false;
            }

            var same = name switch
            {
                "files" => got.ValueKind == JsonValueKind.Array && got.GetArrayLength() == value.GetArrayLength(),
                "children" => SameRows(got, value),
                _ => Within(value, got),
            };
            if (!same)
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameRows(JsonElement filled, JsonElement sent)
    {
        if (filled.ValueKind != JsonValueKind.Array || filled.GetArrayLength() != sent.GetArrayLength())
        {
            return false;
        }

        return filled.EnumerateArray().Zip(sent.EnumerateArray()).All(rows =>
            rows.First.TryGetProperty("list", out var got) && rows.Second.TryGetProperty("list", out var expected)
            && Holds(Read(got), Read(expected)));
    }

    private static IReadOnlyList<WeComApplyContent> Read(JsonElement list) =>
        list.Deserialize(WeComApprovalJson.Default.IReadOnlyListWeComApplyContent) ?? [];

    /// <summary>True when every member of <paramref name="sent"/> is in <paramref name="filled"/> with the same value (numbers as numbers).</summary>
    private static bool Within(JsonElement sent, JsonElement filled) => sent.ValueKind switch
    {
        JsonValueKind.Object => filled.ValueKind == JsonValueKind.Object
            && sent.EnumerateObject().All(p => filled.TryGetProperty(p.Name, out var v) && Within(p.Value, v)),
        JsonValueKind.Array => filled.ValueKind == JsonValueKind.Array && filled.GetArrayLength() == sent.GetArrayLength()
            && sent.EnumerateArray().Zip(filled.EnumerateArray()).All(p => Within(p.First, p.Second)),
        _ => Scalar(sent) == Scalar(filled) || SameNumber(Scalar(sent), Scalar(filled)),
    };

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => null,
    };

    private static bool SameNumber(string? a, string? b) =>
        decimal.TryParse(a, NumberStyles.Number, CultureInfo.InvariantCulture, out var x)
        && decimal.TryParse(b, NumberStyles.Number, CultureInfo.InvariantCulture, out var y)
        && x == y;

    private static JsonElement? Section(WeComTemplateControl control, string name) =>
        control.Config is { ValueKind: JsonValueKind.Object } config && config.TryGetProperty(name, out var section) && section.ValueKind == JsonValueKind.Object ? section : null;

    private static string? Config(WeComTemplateControl control, string section, string name) =>
        Section(control, section) is { } s ? Str(s, name) : null;

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>
/// Source-generated JSON of a table's rows (<c>children[].list</c>, the same contents as a form's): written when an
/// application is made, read back when one is matched.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<WeComApplyContent>))]
internal sealed partial class WeComApprovalJson : JsonSerializerContext;
