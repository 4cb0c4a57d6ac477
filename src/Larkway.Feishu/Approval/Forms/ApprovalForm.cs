using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Larkway.Feishu.Approval;

/// <summary>
/// The filled-in form of an approval instance: typed values (<see cref="ApprovalFormValue"/>), checked against a
/// definition with <see cref="Validate"/>, written with <see cref="ToWireJson()"/> as the stringified array the API takes.
/// </summary>
/// <example>
/// <code>
/// var form = ApprovalForm.Of(
///     new ApprovalFormValue.Input("reason", "Team offsite"),
///     new ApprovalFormValue.Amount("amount", 1200.50m, "CNY"),
///     new ApprovalFormValue.Radio("kind", "travel"));
/// var problems = form.Validate(definition);   // every problem at once, each naming the widget
/// </code>
/// </example>
public sealed class ApprovalForm : IReadOnlyList<ApprovalFormValue>
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ApprovalFormValue[] _values;

    private ApprovalForm(ApprovalFormValue[] values) => _values = values;

    /// <summary>An empty form.</summary>
    public static ApprovalForm Empty { get; } = new([]);

    /// <inheritdoc/>
    public int Count => _values.Length;

    /// <inheritdoc/>
    public ApprovalFormValue this[int index] => _values[index];

    /// <summary>A form of these values, in this order.</summary>
    /// <exception cref="ArgumentNullException">A value is null.</exception>
    public static ApprovalForm Of(params ApprovalFormValue[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (Array.Exists(values, v => v is null))
        {
            throw new ArgumentNullException(nameof(values), "A form value is null; remove it or give a value.");
        }

        return new([.. values]);
    }

    /// <summary>A form of these values, in this order.</summary>
    public static ApprovalForm Of(IEnumerable<ApprovalFormValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Of([.. values]);
    }

    /// <summary>
    /// Builds typed values from a loose JSON object keyed by widget id or custom_id, converting each value by its widget's
    /// type: numbers as numbers or numeric strings, dates as RFC 3339 strings (with an offset) or ms-epoch numbers, options
    /// as strings, lists as arrays (or one string), amounts as <c>{"value":…,"currency":"CNY"}</c>, detail tables as arrays
    /// of row objects. A null value counts as not given. The values use the widgets' real ids and types.
    /// </summary>
    /// <exception cref="ApprovalFormException">Values of the wrong shape, unknown widgets, widgets the API cannot fill — all listed.</exception>
    public static ApprovalForm FromJson(JsonElement valuesByWidgetId, ApprovalDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<ApprovalFormError>();
        var values = ApprovalFormReader.Read(valuesByWidgetId, definition.Form, "", errors);
        if (errors.Count > 0)
        {
            throw new ApprovalFormException(errors);
        }

        return new([.. values]);
    }

    /// <summary>
    /// <see cref="FromJson"/> and <see cref="Validate"/> in one pass, without throwing: every problem of the loose values is
    /// reported at once — values of the wrong shape together with missing required widgets and unknown options — so a caller
    /// can fix them all in one round. A widget whose value could not be read is reported once, not again as missing.
    /// </summary>
    /// <returns>True, with <paramref name="form"/>, when there are no problems.</returns>
    public static bool TryFromJson(JsonElement valuesByWidgetId, ApprovalDefinition definition, [NotNullWhen(true)] out ApprovalForm? form, out IReadOnlyList<ApprovalFormError> errors)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var problems = new List<ApprovalFormError>();
        var read = new ApprovalForm([.. ApprovalFormReader.Read(valuesByWidgetId, definition.Form, "", problems)]);

        // Shape errors name the key the caller used (id or custom_id); validation names the widget by custom_id.
        var unreadKeys = problems.Select(e => TopLevelKey(e.WidgetId)).ToHashSet(StringComparer.Ordinal);
        var unread = definition.Form.Where(w => unreadKeys.Contains(w.Id) || (w.CustomId is { } c && unreadKeys.Contains(c)))
            .SelectMany(w => w.CustomId is { } c ? new[] { w.Id, c } : [w.Id])
            .ToHashSet(StringComparer.Ordinal);
        if (!unreadKeys.Contains(""))
        {
            // (A form that is not an object at all has nothing to validate.)
            problems.AddRange(read.Validate(definition).Where(e => !unread.Contains(TopLevelKey(e.WidgetId))));
        }

        errors = problems;
        form = problems.Count == 0 ? read : null;
        return form is not null;
    }

    // "items[1].price" → "items": the top-level widget an error is about.
    private static string TopLevelKey(string widgetPath)
    {
        var end = widgetPath.IndexOfAny(['[', '.']);
        return end < 0 ? widgetPath : widgetPath[..end];
    }

    /// <summary>
    /// Every problem of this form against <paramref name="definition"/> (none: it may be sent): required widgets missing,
    /// unknown or repeated widget ids, values of the wrong type, options the widget does not list, amounts without
    /// a currency, date ranges that end before they start, widgets the API cannot fill, and the same inside detail tables.
    /// </summary>
    public IReadOnlyList<ApprovalFormError> Validate(ApprovalDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return ApprovalFormValidator.Validate(_values, definition.Form, "");
    }

    /// <summary>Throws <see cref="ApprovalFormException"/> when <see cref="Validate"/> finds problems.</summary>
    public void EnsureValid(ApprovalDefinition definition)
    {
        var errors = Validate(definition);
        if (errors.Count > 0)
        {
            throw new ApprovalFormException(errors);
        }
    }

    /// <summary>The stringified array instances/create takes (<c>[{"id":…,"type":…,"value":…}]</c>), with the ids and types as given.</summary>
    public string ToWireJson() => Write(null);

    /// <summary>
    /// The stringified array, with custom_ids replaced by the widgets' ids and each type set to the widget's exact type
    /// (radio vs radioV2, image vs imageV2) from <paramref name="definition"/>.
    /// </summary>
    public string ToWireJson(ApprovalDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Write(definition.Form);
    }

    /// <summary>What a create or resubmit sends: checked against <paramref name="definition"/> and written with its ids and types when given.</summary>
    /// <exception cref="ApprovalFormException">The form does not fit the definition.</exception>
    internal string ToCheckedWireJson(ApprovalDefinition? definition)
    {
        if (definition is null)
        {
            return ToWireJson();
        }

        EnsureValid(definition);
        return ToWireJson(definition);
    }

    /// <inheritdoc/>
    public IEnumerator<ApprovalFormValue> GetEnumerator() => ((IEnumerable<ApprovalFormValue>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Writes one <c>{id, type, value…}</c> entry; with a widget, its id and type win.</summary>
    internal static void WriteEntry(Utf8JsonWriter writer, ApprovalFormValue value, ApprovalWidgetDefinition? widget)
    {
        var sameKind = widget is not null && ApprovalWidgetTypes.KindOf(widget.Type) == value.Kind && value.Kind != ApprovalValueKind.Raw;
        writer.WriteStartObject();
        writer.WriteString("id", widget?.Id ?? value.Id);
        writer.WriteString("type", sameKind ? widget!.Type : value.Type);
        value.WriteValue(writer, widget);
        writer.WriteEndObject();
    }

    private string Write(IReadOnlyList<ApprovalWidgetDefinition>? widgets)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartArray();
            foreach (var value in _values)
            {
                WriteEntry(writer, value, widgets is null ? null : ApprovalWidgetDefinition.Find(widgets, value.Id));
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}

/// <summary>A problem with one widget's value: <paramref name="WidgetId"/> (a path such as <c>items[1].price</c> inside detail tables) and what to fix.</summary>
public sealed record ApprovalFormError(string WidgetId, string Message);

/// <summary>A form that cannot be sent as it is; <see cref="Errors"/> lists every problem.</summary>
public sealed class ApprovalFormException : Exception
{
    /// <summary>A form exception with these problems.</summary>
    public ApprovalFormException(IReadOnlyList<ApprovalFormError> errors)
        : base(Describe(errors)) => Errors = errors;

    /// <summary>An exception with a message and no widget problems.</summary>
    public ApprovalFormException()
        : this([])
    {
    }

    /// <summary>An exception with a message and no widget problems.</summary>
    public ApprovalFormException(string message)
        : base(message) => Errors = [];

    /// <summary>An exception with a message, a cause and no widget problems.</summary>
    public ApprovalFormException(string message, Exception innerException)
        : base(message, innerException) => Errors = [];

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ApprovalFormError> Errors { get; }

    private static string Describe(IReadOnlyList<ApprovalFormError> errors) => errors.Count switch
    {
        0 => "The approval form is invalid.",
        1 => "The approval form is invalid: " + errors[0].Message,
        _ => $"The approval form has {errors.Count} problems: " + string.Join("; ", errors.Select(e => e.Message)),
    };
}
