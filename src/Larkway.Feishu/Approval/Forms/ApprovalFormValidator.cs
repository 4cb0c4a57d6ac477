namespace Larkway.Feishu.Approval;

/// <summary>Checks typed values against a definition's widgets, collecting every problem (nothing stops at the first).</summary>
internal static class ApprovalFormValidator
{
    public static List<ApprovalFormError> Validate(IReadOnlyList<ApprovalFormValue> values, IReadOnlyList<ApprovalWidgetDefinition> widgets, string path, string context = "")
    {
        var errors = new List<ApprovalFormError>();
        var given = new Dictionary<string, ApprovalFormValue>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var widget = ApprovalWidgetDefinition.Find(widgets, value.Id);
            if (widget is null)
            {
                errors.Add(new(path + value.Id, $"{context}there is no widget '{value.Id}' in the form; use one of: {Known(widgets)}"));
                continue;
            }

            if (!given.TryAdd(widget.Id, value))
            {
                errors.Add(new(path + widget.Key, $"{context}{widget.Label()} is given more than once; give it once"));
                continue;
            }

            CheckValue(value, widget, path + widget.Key, context, errors);
        }

        foreach (var widget in widgets)
        {
            var missing = !given.TryGetValue(widget.Id, out var value) || value.IsEmpty;
            if (widget.Required && missing && !ApprovalWidgetTypes.IsDisplayOnly(widget.Type))
            {
                var why = ApprovalWidgetTypes.IsUnsupportedByApi(widget.Type)
                    ? $"is required, but the create API cannot fill {widget.Type} widgets; make it optional in the definition or start the approval in Feishu"
                    : $"is required; give {Expect(widget)}";
                errors.Add(new(path + widget.Key, $"{context}{widget.Label()} {why}"));
            }
        }

        return errors;
    }

    /// <summary>What a value of this widget looks like, for "give …" hints.</summary>
    public static string Expect(ApprovalWidgetDefinition widget) => ApprovalWidgetTypes.KindOf(widget.Type) switch
    {
        ApprovalValueKind.Input or ApprovalValueKind.Textarea => "a text",
        ApprovalValueKind.Number => "a number",
        ApprovalValueKind.Formula => "the number the widget's formula computes",
        ApprovalValueKind.Amount => "a number and a currency such as \"CNY\"",
        ApprovalValueKind.Date => "an RFC 3339 date with an offset, such as 2026-01-31T09:00:00+08:00",
        ApprovalValueKind.DateInterval => "a start and an end date such as 2026-01-31T09:00:00+08:00",
        ApprovalValueKind.Radio => "one of: " + widget.OptionList(),
        ApprovalValueKind.Checkbox => "a list of: " + widget.OptionList(),
        ApprovalValueKind.Contact => "user ids or open ids",
        ApprovalValueKind.Department => "open department ids (od-…)",
        ApprovalValueKind.Telephone => "a country code such as \"+86\" and a number",
        ApprovalValueKind.Attachment or ApprovalValueKind.Image => "file codes from the approval file upload",
        ApprovalValueKind.Connect => "approval instance codes",
        ApprovalValueKind.Document => "a docx document token",
        ApprovalValueKind.FieldList => "rows of: " + Known(widget.Children),
        _ => $"a value as documented for {widget.Type}",
    };

    private static void CheckValue(ApprovalFormValue value, ApprovalWidgetDefinition widget, string path, string context, List<ApprovalFormError> errors)
    {
        var label = context + widget.Label();
        if (ApprovalWidgetTypes.IsUnsupportedByApi(widget.Type))
        {
            errors.Add(new(path, $"{label}: the create API does not accept {widget.Type} widgets; leave it out (fill it in Feishu) or remove it from the definition"));
            return;
        }

        var kind = ApprovalWidgetTypes.KindOf(widget.Type);
        if (kind != value.Kind || (kind == ApprovalValueKind.Raw && value.Type != widget.Type))
        {
            errors.Add(new(path, $"{label} got a value of type {value.Type}; give {Expect(widget)}"));
            return;
        }

        if (widget.Required && value.IsEmpty)
        {
            return; // "is required" says it once.
        }

        foreach (var problem in value.Problems(widget))
        {
            errors.Add(new(path, problem.StartsWith(':') ? label + problem : $"{label} {problem}"));
        }

        if (value is ApprovalFormValue.FieldList table)
        {
            for (var i = 0; i < (table.Rows?.Count ?? 0); i++)
            {
                var row = table.Rows![i] ?? [];
                errors.AddRange(Validate(row, widget.Children, $"{path}[{i}].", $"{label} row {i + 1}: "));
            }
        }
    }

    private static string Known(IReadOnlyList<ApprovalWidgetDefinition> widgets) =>
        widgets.Count == 0 ? "(the form has no widgets)" : string.Join(", ", widgets.Select(w => w.CustomId is null ? w.Id : $"{w.Id} ({w.CustomId})"));
}
