using System.Globalization;
using System.Text.Json;

namespace Larkway.Feishu.Approval;

/// <summary>
/// One filled-in widget of an approval instance's form: an entry <c>{id, type, value}</c> of the stringified
/// <c>form</c> array that instances/create takes. One nested record per documented widget type, each with the
/// value shape Feishu expects (feishu-api.md §7.4). <see cref="Id"/> is the widget's id or its custom_id.
/// </summary>
public abstract record ApprovalFormValue(string Id)
{
    private readonly string? _type;

    /// <summary>The wire <c>type</c>; defaults to the family's usual type (e.g. <c>radioV2</c>) and, when sent with a definition, follows the widget's.</summary>
    public string Type
    {
        get => _type ?? DefaultType;
        init => _type = value;
    }

    /// <summary>The type written when none was set.</summary>
    protected abstract string DefaultType { get; }

    internal abstract ApprovalValueKind Kind { get; }

    /// <summary>Writes <c>"value"</c> (and siblings such as <c>currency</c>) into the open entry object.</summary>
    internal abstract void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget);

    /// <summary>What is wrong with the value for <paramref name="widget"/>, each phrased to follow "widget 'id' (type)".</summary>
    internal virtual IEnumerable<string> Problems(ApprovalWidgetDefinition widget) => [];

    /// <summary>Whether the value counts as "filled" for a required widget.</summary>
    internal virtual bool IsEmpty => false;

    internal static string Rfc3339(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static IEnumerable<string> EmptyEntries(IReadOnlyList<string>? values, string what)
    {
        if (values is null)
        {
            yield return $"has no {what} list; give an empty list or some {what}";
            yield break;
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]))
            {
                yield return $"has an empty {what} at [{i}]; remove it or give a value";
            }
        }
    }

    /// <summary>Single-line text (<c>input</c>).</summary>
    public sealed record Input(string Id, string Value) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.Input;

        internal override ApprovalValueKind Kind => ApprovalValueKind.Input;

        internal override bool IsEmpty => string.IsNullOrWhiteSpace(Value);

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget) => writer.WriteString("value", Value);

        internal override IEnumerable<string> Problems(ApprovalWidgetDefinition widget) =>
            Value is null ? ["has no text; give a string"] : [];
    }

    /// <summary>Multi-line text (<c>textarea</c>).</summary>
    public sealed record Textarea(string Id, string Value) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.Textarea;

        internal override ApprovalValueKind Kind => ApprovalValueKind.Textarea;

        internal override bool IsEmpty => string.IsNullOrWhiteSpace(Value);

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget) => writer.WriteString("value", Value);

        internal override IEnumerable<string> Problems(ApprovalWidgetDefinition widget) =>
            Value is null ? ["has no text; give a string"] : [];
    }

    /// <summary>A number (<c>number</c>); decimal, so always finite.</summary>
    public sealed record Number(string Id, decimal Value) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.Number;

        internal override ApprovalValueKind Kind => ApprovalValueKind.Number;

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget) => writer.WriteNumber("value", Value);
    }

    /// <summary>A money amount (<c>amount</c>) in a currency such as <c>CNY</c> or <c>USD</c>.</summary>
    public sealed record Amount(string Id, decimal Value, string Currency) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.Amount;

        internal override ApprovalValueKind Kind => ApprovalValueKind.Amount;

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget)
        {
            writer.WriteNumber("value", Value);
            writer.WriteString("currency", Currency);
        }

        internal override IEnumerable<string> Problems(ApprovalWidgetDefinition widget)
        {
            if (string.IsNullOrWhiteSpace(Currency))
            {
                yield return "needs a currency such as \"CNY\"";
            }
            else if (Currency.Length != 3 || !Currency.All(char.IsAsciiLetterUpper))
            {
                yield return $"has currency '{Currency}'; give a three-letter upper-case code such as \"CNY\" or \"USD\"";
            }
        }
    }

    /// <summary>A calculated value (<c>formula</c>); Feishu recomputes it and refuses a mismatch.</summary>
    public sealed record Formula(string Id, decimal Value) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.Formula;

        internal override ApprovalValueKind Kind => ApprovalValueKind.Formula;

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget) => writer.WriteNumber("value", Value);
    }

    /// <summary>A date and time (<c>date</c>), sent as RFC 3339 with its offset.</summary>
    public sealed record Date(string Id, DateTimeOffset Value) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.Date;

        internal override ApprovalValueKind Kind => ApprovalValueKind.Date;

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget) => writer.WriteString("value", Rfc3339(Value));

        internal override IEnumerable<string> Problems(ApprovalWidgetDefinition widget) =>
            Value == default ? ["has no date; give one such as 2026-01-31T09:00:00+08:00"] : [];
    }

    /// <summary>A date range (<c>dateInterval</c>); <paramref name="Interval"/> is its length in days (computed from the range when null).</summary>
    public sealed record DateInterval(string Id, DateTimeOffset Start, DateTimeOffset End, double? Interval = null) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.DateInterval;

        internal override ApprovalValueKind Kind => ApprovalValueKind.DateInterval;

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget)
        {
            writer.WriteStartObject("value");
            writer.WriteString("start", Rfc3339(Start));
            writer.WriteString("end", Rfc3339(End));
            writer.WriteNumber("interval", Interval ?? Math.Round((End - Start).TotalDays, 3));
            writer.WriteEndObject();
        }

        internal override IEnumerable<string> Problems(ApprovalWidgetDefinition widget)
        {
            if (Start == default || End == default)
            {
                yield return "needs both a start and an end such as 2026-01-31T09:00:00+08:00";
            }
            else if (End < Start)
            {
                yield return $"ends ({Rfc3339(End)}) before it starts ({Rfc3339(Start)}); swap them";
            }

            if (Interval is { } days && (!double.IsFinite(days) || days < 0))
            {
                yield return $"has interval {days.ToString(CultureInfo.InvariantCulture)}; give a length in days of 0 or more";
            }
        }
    }

    /// <summary>A single choice (<c>radio</c>/<c>radioV2</c>): one of the widget's option values.</summary>
    public sealed record Radio(string Id, string Option) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.RadioV2;

        internal override ApprovalValueKind Kind => ApprovalValueKind.Radio;

        internal override bool IsEmpty => string.IsNullOrWhiteSpace(Option);

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget) => writer.WriteString("value", Option);

        internal override IEnumerable<string> Problems(ApprovalWidgetDefinition widget) =>
            IsEmpty ? ["has no option; give one of: " + widget.OptionList()]
            : widget.HasOption(Option) ? []
            : [$": '{Option}' is not one of: {widget.OptionList()}"];
    }

    /// <summary>A multiple choice (<c>checkbox</c>/<c>checkboxV2</c>): option values of the widget.</summary>
    public sealed record Checkbox(string Id, IReadOnlyList<string> Options) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.CheckboxV2;

        internal override ApprovalValueKind Kind => ApprovalValueKind.Checkbox;

        internal override bool IsEmpty => Options is null || Options.Count == 0;

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget) => WriteStrings(writer, "value", Options ?? []);

        internal override IEnumerable<string> Problems(ApprovalWidgetDefinition widget)
        {
            foreach (var option in Options ?? [])
            {
                if (!widget.HasOption(option))
                {
                    yield return $": '{option}' is not one of: {widget.OptionList()}";
                }
            }

            var duplicate = Options?.GroupBy(o => o, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                yield return $"lists '{duplicate.Key}' more than once; list each option once";
            }
        }
    }

    /// <summary>People (<c>contact</c>): user_ids in <c>value</c>, open_ids alongside.</summary>
    public sealed record Contact(string Id, IReadOnlyList<string> UserIds, IReadOnlyList<string>? OpenIds = null) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.Contact;

        internal override ApprovalValueKind Kind => ApprovalValueKind.Contact;

        internal override bool IsEmpty => (UserIds?.Count ?? 0) + (OpenIds?.Count ?? 0) == 0;

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget)
        {
            WriteStrings(writer, "value", UserIds ?? []);
            if (OpenIds is { Count: > 0 })
            {
                WriteStrings(writer, "open_ids", OpenIds);
            }
        }

        internal override IEnumerable<string> Problems(ApprovalWidgetDefinition widget) =>
            EmptyEntries(UserIds ?? [], "user id").Concat(EmptyEntries(OpenIds ?? [], "open id"));
    }

    /// <summary>Departments (<c>department</c>) by open department id (<c>od-…</c>).</summary>
    public sealed record Department(string Id, IReadOnlyList<string> OpenDepartmentIds) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.Department;

        internal override ApprovalValueKind Kind => ApprovalValueKind.Department;

        internal override bool IsEmpty => OpenDepartmentIds is null || OpenDepartmentIds.Count == 0;

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget)
        {
            writer.WriteStartArray("value");
            foreach (var id in OpenDepartmentIds ?? [])
            {
                writer.WriteStartObject();
                writer.WriteString("open_id", id);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        internal override IEnumerable<string> Problems(ApprovalWidgetDefinition widget) => EmptyEntries(OpenDepartmentIds, "department id");
    }

    /// <summary>A phone number (<c>telephone</c>): country code such as <c>+86</c> and the national number.</summary>
    public sealed record Telephone(string Id, string CountryCode, string NationalNumber) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.Telephone;

        internal override ApprovalValueKind Kind => ApprovalValueKind.Telephone;

        internal override bool IsEmpty => string.IsNullOrWhiteSpace(NationalNumber);

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget)
        {
            writer.WriteStartObject("value");
            writer.WriteString("countryCode", CountryCode);
            writer.WriteString("nationalNumber", NationalNumber);
            writer.WriteEndObject();
        }

        internal override IEnumerable<string> Problems(ApprovalWidgetDefinition widget)
        {
            if (CountryCode is not { Length: >= 2 } || CountryCode[0] != '+' || !CountryCode.Skip(1).All(char.IsAsciiDigit))
            {
                yield return $"has country code '{CountryCode}'; give '+' and digits such as \"+86\"";
            }

            if (string.IsNullOrWhiteSpace(NationalNumber) || !NationalNumber.All(char.IsAsciiDigit))
            {
                yield return $"has number '{NationalNumber}'; give the digits only, such as \"13800000000\"";
            }
        }
    }

    /// <summary>Files (<c>attachment</c>/<c>attachmentV2</c>) by the codes of the approval file upload.</summary>
    public sealed record Attachment(string Id, IReadOnlyList<string> FileCodes) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.AttachmentV2;

        internal override ApprovalValueKind Kind => ApprovalValueKind.Attachment;

        internal override bool IsEmpty => FileCodes is null || FileCodes.Count == 0;

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget) => WriteStrings(writer, "value", FileCodes ?? []);

        internal override IEnumerable<string> Problems(ApprovalWidgetDefinition widget) => EmptyEntries(FileCodes, "file code");
    }

    /// <summary>Images (<c>image</c>/<c>imageV2</c>) by the codes of the approval file upload.</summary>
    public sealed record Image(string Id, IReadOnlyList<string> FileCodes) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.Image;

        internal override ApprovalValueKind Kind => ApprovalValueKind.Image;

        internal override bool IsEmpty => FileCodes is null || FileCodes.Count == 0;

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget) => WriteStrings(writer, "value", FileCodes ?? []);

        internal override IEnumerable<string> Problems(ApprovalWidgetDefinition widget) => EmptyEntries(FileCodes, "file code");
    }

    /// <summary>Linked approvals (<c>connect</c>) by instance code.</summary>
    public sealed record Connect(string Id, IReadOnlyList<string> InstanceCodes) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.Connect;

        internal override ApprovalValueKind Kind => ApprovalValueKind.Connect;

        internal override bool IsEmpty => InstanceCodes is null || InstanceCodes.Count == 0;

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget) => WriteStrings(writer, "value", InstanceCodes ?? []);

        internal override IEnumerable<string> Problems(ApprovalWidgetDefinition widget) => EmptyEntries(InstanceCodes, "instance code");
    }

    /// <summary>A cloud document (<c>document</c>): a docx document_id.</summary>
    public sealed record Document(string Id, string Token) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.Document;

        internal override ApprovalValueKind Kind => ApprovalValueKind.Document;

        internal override bool IsEmpty => string.IsNullOrWhiteSpace(Token);

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget)
        {
            writer.WriteStartObject("value");
            writer.WriteString("token", Token);
            writer.WriteString("type", "docx");
            writer.WriteEndObject();
        }

        internal override IEnumerable<string> Problems(ApprovalWidgetDefinition widget) =>
            IsEmpty ? ["has no token; give a docx document_id, or leave the widget out"] : [];
    }

    /// <summary>A detail table (<c>fieldList</c>): rows of values for the widget's child widgets.</summary>
    public sealed record FieldList(string Id, IReadOnlyList<IReadOnlyList<ApprovalFormValue>> Rows) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => ApprovalWidgetTypes.FieldList;

        internal override ApprovalValueKind Kind => ApprovalValueKind.FieldList;

        internal override bool IsEmpty => Rows is null || Rows.Count == 0;

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget)
        {
            writer.WriteStartArray("value");
            foreach (var row in Rows ?? [])
            {
                writer.WriteStartArray();
                foreach (var cell in row)
                {
                    ApprovalForm.WriteEntry(writer, cell, widget?.FindChild(cell.Id));
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }
    }

    /// <summary>
    /// Any other widget the API accepts (e.g. <c>leaveGroupV2</c>, <c>workGroup</c>, <c>shiftGroup</c>), its <c>value</c> given as JSON
    /// exactly as documented for that type. Checked only for its type.
    /// </summary>
    public sealed record Raw(string Id, string WidgetType, JsonElement Value) : ApprovalFormValue(Id)
    {
        /// <inheritdoc/>
        protected override string DefaultType => WidgetType;

        internal override ApprovalValueKind Kind => ApprovalValueKind.Raw;

        internal override bool IsEmpty => Value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

        internal override void WriteValue(Utf8JsonWriter writer, ApprovalWidgetDefinition? widget)
        {
            writer.WritePropertyName("value");
            Value.WriteTo(writer);
        }
    }
}
