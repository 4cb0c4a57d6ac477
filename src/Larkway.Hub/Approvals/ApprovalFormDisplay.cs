using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Feishu.Approval;

namespace Larkway.Hub.Approvals;

/// <summary>One form value as a person reads it: the widget's label and the value in words (an option's text, not its value).</summary>
public sealed record ApprovalFormLine(string Label, string Value);

/// <summary>
/// The form as the approver's card and the console show it, taken from the definition when the approval is accepted —
/// widget labels for ids, option texts for option values — and stored with it, so every later rendering of the card
/// (the click's answer, the outbox's update) shows the same without fetching the definition again.
/// </summary>
public static class ApprovalFormDisplay
{
    /// <summary>The form's lines, in the order the caller sent the values.</summary>
    public static IReadOnlyList<ApprovalFormLine> Of(JsonElement form, ApprovalDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (form.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        return [.. form.EnumerateObject().Select(f => definition.FindWidget(f.Name) is { } widget
            ? new ApprovalFormLine(Label(widget), Value(f.Value, widget))
            : new ApprovalFormLine(f.Name, Value(f.Value, null)))];
    }

    /// <summary>A value in words; options by their text when the widget lists them.</summary>
    public static string Value(JsonElement value, ApprovalWidgetDefinition? widget) => value.ValueKind switch
    {
        JsonValueKind.String => OptionText(value.GetString()!, widget),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Array when widget is { Children.Count: > 0 } => value.GetArrayLength() == 1 ? "1 row" : $"{value.GetArrayLength()} rows",
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(v => Value(v, widget))),
        JsonValueKind.Object when value.TryGetProperty("value", out var amount) =>
            value.TryGetProperty("currency", out var currency) ? $"{Value(amount, null)} {Value(currency, null)}" : Value(amount, null),
        JsonValueKind.Null or JsonValueKind.Undefined => "—",
        _ => value.GetRawText(),
    };

    /// <summary>Stored form (null when there is nothing to show).</summary>
    public static string? Serialize(IReadOnlyList<ApprovalFormLine> lines) =>
        lines.Count == 0 ? null : JsonSerializer.Serialize([.. lines], ApprovalFormDisplayJsonContext.Default.ApprovalFormLineArray);

    /// <summary>Reads the stored form back; null for approvals stored before labels were kept.</summary>
    public static IReadOnlyList<ApprovalFormLine>? Deserialize(string? stored) =>
        stored is null ? null : JsonSerializer.Deserialize(stored, ApprovalFormDisplayJsonContext.Default.ApprovalFormLineArray);

    private static string Label(ApprovalWidgetDefinition widget) => string.IsNullOrWhiteSpace(widget.Name) ? widget.CustomId ?? widget.Id : widget.Name;

    private static string OptionText(string value, ApprovalWidgetDefinition? widget) =>
        widget?.Options.FirstOrDefault(o => o.Value == value) is { } option && !string.IsNullOrEmpty(option.Text) ? option.Text : value;
}

/// <summary>Source-generated JSON for the stored form lines.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApprovalFormLine[]))]
internal sealed partial class ApprovalFormDisplayJsonContext : JsonSerializerContext;
