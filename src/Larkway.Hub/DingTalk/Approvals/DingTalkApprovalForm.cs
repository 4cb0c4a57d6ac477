using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.DingTalk.Workflow;
using Larkway.Hub.Approvals;

namespace Larkway.Hub.DingTalk.Approvals;

/// <summary>
/// A DingTalk template's form in the approvals' one value vocabulary: its controls as <see cref="ApprovalField"/>s (by
/// control id and label), and normalised values as DingTalk's <c>formComponentValues</c>.
/// </summary>
/// <remarks>
/// DingTalk's start call takes every control's value as a string (open platform, "发起审批实例" and its form-control
/// value notes): text as is; numbers and money as decimal strings (<c>"1200.5"</c>); a date as <c>yyyy-MM-dd</c>, or
/// <c>yyyy-MM-dd HH:mm</c> for a control set to hours; a date range (<c>DDDateRangeField</c>) as a JSON array string of
/// its start and end; a single select as the option's text, a multi-select as a JSON array string of texts; a table
/// (<c>TableField</c>) as a JSON string of its rows, each an array of <c>{"name": column label, "value": cell}</c>; an
/// attachment (<c>DDAttachment</c>) as a JSON string of the attachment objects (spaceId, fileId, fileName, fileSize,
/// fileType), a picture control (<c>DDPhotoField</c>) as a JSON array string of image URLs. A time with an offset is
/// written in China Standard Time (UTC+8, no daylight saving), the time DingTalk shows people.
/// </remarks>
internal static class DingTalkApprovalForm
{
    /// <summary>
    /// Most controls one DingTalk form takes: 150, the OA form designer's component limit. Checked here so that a form
    /// with more is refused before DingTalk is asked; the figure is taken as DingTalk's product limit, not from its API
    /// reference (which names none).
    /// </summary>
    public const int MaxComponents = 150;

    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>China Standard Time, the offset DingTalk writes a form's times in.</summary>
    private static readonly TimeSpan ChinaTime = TimeSpan.FromHours(8);

    /// <summary>The template's controls as fields.</summary>
    public static IReadOnlyList<ApprovalField> Fields(IReadOnlyList<DingTalkFormComponent> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        return [.. components.Select(Field)];
    }

    /// <summary>The kind of value a DingTalk control takes.</summary>
    public static ApprovalFieldKind KindOf(string componentName) => componentName switch
    {
        "TextField" or "TextareaField" => ApprovalFieldKind.Text,
        "NumberField" => ApprovalFieldKind.Number,
        "MoneyField" => ApprovalFieldKind.Amount,
        "DDDateField" => ApprovalFieldKind.Date,
        "DDDateRangeField" => ApprovalFieldKind.DateRange,
        "DDSelectField" => ApprovalFieldKind.Option,
        "DDMultiSelectField" => ApprovalFieldKind.Options,
        "TableField" => ApprovalFieldKind.Table,
        "DDAttachment" or "DDPhotoField" => ApprovalFieldKind.Attachment,
        _ => ApprovalFieldKind.Other,
    };

    /// <summary>Normalised values (as <see cref="ApprovalFieldsDefinition.Values"/> reads them) as the start call's <c>formComponentValues</c>.</summary>
    public static IReadOnlyList<DingTalkFormValue> Wire(IReadOnlyList<ApprovalFieldValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return [.. values.Select(v => new DingTalkFormValue(v.Field.Name, WireValue(v)) { Id = v.Field.Id, ComponentType = v.Field.PlatformKind })];
    }

    /// <summary>
    /// True when an instance's form holds exactly <paramref name="sent"/>: each sent value under its label (or id), and no
    /// other control filled. DingTalk lists the unfilled controls with empty values, which are not a difference.
    /// </summary>
    public static bool Holds(IReadOnlyList<DingTalkFormValue>? form, IReadOnlyList<DingTalkFormValue> sent)
    {
        ArgumentNullException.ThrowIfNull(sent);
        var filled = (form ?? []).Where(v => !string.IsNullOrEmpty(v.Value)).ToList();
        return filled.Count == sent.Count(s => s.Value.Length > 0)
            && sent.Where(s => s.Value.Length > 0).All(s => filled.Any(f => (f.Id is not null && f.Id == s.Id || f.Name == s.Name) && f.Value == s.Value));
    }

    private static ApprovalField Field(DingTalkFormComponent component)
    {
        var label = component.Label ?? component.Id ?? component.ComponentName;
        return new ApprovalField(component.Id ?? label, label, KindOf(component.ComponentName), component.Required)
        {
            PlatformKind = component.ComponentName,
            Options = [.. component.Options.Select(o => (o.Key, o.Text))],
            Columns = [.. component.Children.Select(Field)],
        };
    }

    private static string WireValue(ApprovalFieldValue value) => value.Field.Kind switch
    {
        ApprovalFieldKind.Text => value.Value?.GetValue<string>() ?? "",
        ApprovalFieldKind.Number or ApprovalFieldKind.Amount => value.Value!.GetValue<decimal>().ToString(CultureInfo.InvariantCulture),
        ApprovalFieldKind.Date => Date(value.Value!.GetValue<string>()),
        ApprovalFieldKind.DateRange => JsonText(new JsonArray(Date(value.Value!["start"]!.GetValue<string>()), Date(value.Value!["end"]!.GetValue<string>()))),
        ApprovalFieldKind.Option => OptionText(value.Field, value.Value!.GetValue<string>()),
        ApprovalFieldKind.Options => JsonText(new JsonArray([.. (value.Value as JsonArray ?? []).Select(o => (JsonNode?)OptionText(value.Field, o!.GetValue<string>()))])),
        ApprovalFieldKind.Table => JsonText(new JsonArray([.. value.Rows.Select(row => (JsonNode?)new JsonArray([.. row.Select(cell => (JsonNode?)new JsonObject
        {
            ["name"] = cell.Field.Name,
            ["value"] = WireValue(cell),
        })]))])),
        _ => value.Value switch
        {
            JsonValue v when v.TryGetValue<string>(out var text) => text,
            null => "",
            var other => JsonText(other),
        },
    };

    /// <summary>A normalised date (<c>yyyy-MM-dd</c>, or an RFC 3339 time in UTC) as DingTalk writes it.</summary>
    private static string Date(string normalised) =>
        normalised.Length == 10
            ? normalised
            : DateTimeOffset.Parse(normalised, CultureInfo.InvariantCulture).ToOffset(ChinaTime).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string OptionText(ApprovalField field, string value) =>
        field.Options.FirstOrDefault(o => o.Value == value) is { Text: { Length: > 0 } text } ? text : value;

    // Text as people wrote it (no \uXXXX for Chinese): DingTalk shows these strings, and they are compared when a lost create is looked for.
    private static string JsonText(JsonNode node) => node.ToJsonString(Unescaped);
}
