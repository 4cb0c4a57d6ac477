using System.Text.Json;
using Larkway.Feishu.Approval;
using Larkway.Hub.Approvals;

namespace Larkway.Hub.Feishu.Approvals;

/// <summary>A Feishu form as people read it: widget labels for ids, option texts for option values.</summary>
internal static class FeishuApprovalFormDisplay
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
            : new ApprovalFormLine(f.Name, ApprovalFormDisplay.Value(f.Value)))];
    }

    /// <summary>A value in words; options by their text when the widget lists them, a detail table by its rows.</summary>
    private static string Value(JsonElement value, ApprovalWidgetDefinition widget) => value.ValueKind switch
    {
        JsonValueKind.String => OptionText(value.GetString()!, widget),
        JsonValueKind.Array when widget.Children.Count > 0 => value.GetArrayLength() == 1 ? "1 row" : $"{value.GetArrayLength()} rows",
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(v => Value(v, widget))),
        _ => ApprovalFormDisplay.Value(value),
    };

    private static string Label(ApprovalWidgetDefinition widget) => string.IsNullOrWhiteSpace(widget.Name) ? widget.CustomId ?? widget.Id : widget.Name;

    private static string OptionText(string value, ApprovalWidgetDefinition widget) =>
        widget.Options.FirstOrDefault(o => o.Value == value) is { } option && !string.IsNullOrEmpty(option.Text) ? option.Text : value;
}
