using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Feishu.Bitable;

/// <summary>A field (column) as Feishu returns it.</summary>
public sealed record BitableField
{
    /// <summary>The field's id (<c>fld…</c>).</summary>
    public string FieldId { get; init; } = "";

    /// <summary>The field's name: records are keyed by it.</summary>
    public string FieldName { get; init; } = "";

    /// <summary>The field's type.</summary>
    public BitableFieldType Type { get; init; }

    /// <summary>The interface kind (<see cref="BitableUiTypes"/>), e.g. <c>Currency</c> for a number.</summary>
    public string? UiType { get; init; }

    /// <summary>The type's settings.</summary>
    public BitableFieldProperty? Property { get; init; }

    /// <summary>The description's text (Feishu sends a string, segments or an object depending on the endpoint: all read as text).</summary>
    [JsonConverter(typeof(BitableDescriptionConverter))]
    public string? Description { get; init; }

    /// <summary>Whether this is the primary (index) field, which cannot be deleted.</summary>
    public bool IsPrimary { get; init; }

    /// <summary>Whether the field is hidden in the view the list was asked for.</summary>
    public bool IsHidden { get; init; }
}

/// <summary>
/// A field type's settings (<c>property</c>); which members apply depends on the type — the
/// <see cref="BitableFieldDefinition"/> factories set the right ones. Members Feishu adds later are kept in
/// <see cref="Extra"/> and sent back as they came.
/// </summary>
public sealed record BitableFieldProperty
{
    /// <summary>Single/multi select: the options (ids are assigned by Feishu).</summary>
    public IReadOnlyList<BitableSelectOption>? Options { get; init; }

    /// <summary>Number, currency, progress, rating, formula: the display format, e.g. <c>"0.00"</c>, <c>"1,000"</c>, <c>"0.00%"</c>.</summary>
    public string? Formatter { get; init; }

    /// <summary>Date, created and modified time: the date format, e.g. <c>"yyyy/MM/dd"</c> (default), <c>"yyyy-MM-dd HH:mm"</c>.</summary>
    public string? DateFormatter { get; init; }

    /// <summary>Date: fill new records with their creation time.</summary>
    public bool? AutoFill { get; init; }

    /// <summary>User, group, links: whether a cell holds several (default true).</summary>
    public bool? Multiple { get; init; }

    /// <summary>Links: the linked table.</summary>
    public string? TableId { get; init; }

    /// <summary>Links: the linked table's name (read).</summary>
    public string? TableName { get; init; }

    /// <summary>Two-way link: the name of the field on the other side.</summary>
    public string? BackFieldName { get; init; }

    /// <summary>Two-way link: the id of the field on the other side (read).</summary>
    public string? BackFieldId { get; init; }

    /// <summary>Auto number: the numbering rule.</summary>
    public BitableAutoSerial? AutoSerial { get; init; }

    /// <summary>Location: where a place may be entered from.</summary>
    public BitableLocationInput? Location { get; init; }

    /// <summary>Formula: the expression.</summary>
    public string? FormulaExpression { get; init; }

    /// <summary>Barcode: how values may be entered.</summary>
    public BitableEditModes? AllowedEditModes { get; init; }

    /// <summary>Progress (with <see cref="RangeCustomize"/>) and rating: the lowest value.</summary>
    public decimal? Min { get; init; }

    /// <summary>Progress (with <see cref="RangeCustomize"/>) and rating: the highest value.</summary>
    public decimal? Max { get; init; }

    /// <summary>Progress: whether <see cref="Min"/> and <see cref="Max"/> apply.</summary>
    public bool? RangeCustomize { get; init; }

    /// <summary>Currency: the code, e.g. <c>CNY</c>, <c>USD</c>, <c>EUR</c>.</summary>
    public string? CurrencyCode { get; init; }

    /// <summary>Rating: the symbol.</summary>
    public BitableRating? Rating { get; init; }

    /// <summary>Formula (bases with <c>formula_type</c> 2): the result's type and display.</summary>
    public BitableFormulaResultType? Type { get; init; }

    /// <summary>Members this library does not model, as they came (and as they are sent back).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A select option.</summary>
/// <param name="Name">The option's name: records refer to it.</param>
public sealed record BitableSelectOption(string Name)
{
    /// <summary>The option's id (<c>opt…</c>), assigned by Feishu; give it on update to keep the option.</summary>
    public string? Id { get; init; }

    /// <summary>The colour, 0–54 (default: the next after the previous option's).</summary>
    public int? Color { get; init; }
}

/// <summary>An auto number's rule.</summary>
/// <param name="Type"><c>auto_increment_number</c> (plain 1, 2, 3) or <c>custom</c> (from <see cref="Options"/>).</param>
public sealed record BitableAutoSerial(string Type)
{
    /// <summary>The custom rule's parts, in order.</summary>
    public IReadOnlyList<BitableAutoSerialPart>? Options { get; init; }

    /// <summary>On update: renumber existing records too.</summary>
    public bool? ReformatExistingRecords { get; init; }
}

/// <summary>A part of a custom auto number.</summary>
/// <param name="Type"><c>system_number</c> (value: digits 1–9), <c>fixed_text</c> (value: up to 20 characters) or <c>created_time</c> (value: a date format).</param>
/// <param name="Value">The part's setting.</param>
public sealed record BitableAutoSerialPart(string Type, string Value);

/// <summary>Where a location may be entered from.</summary>
/// <param name="InputType"><c>only_mobile</c> (current position on a phone) or <c>not_limit</c>.</param>
public sealed record BitableLocationInput(string InputType);

/// <summary>How a barcode may be entered.</summary>
/// <param name="Manual">Typed in.</param>
/// <param name="Scan">Scanned on a phone.</param>
public sealed record BitableEditModes(bool? Manual, bool? Scan);

/// <summary>A rating's symbol.</summary>
/// <param name="Symbol"><c>star</c>, <c>heart</c>, <c>thumbsup</c>, <c>fire</c>, <c>smile</c>, <c>lightning</c>, <c>flower</c> or <c>number</c>.</param>
public sealed record BitableRating(string? Symbol);

/// <summary>A formula's result type (bases with <c>formula_type</c> 2).</summary>
public sealed record BitableFormulaResultType
{
    /// <summary>The result's <see cref="BitableFieldType"/> number.</summary>
    public int DataType { get; init; }

    /// <summary>The result's interface kind.</summary>
    public string? UiType { get; init; }

    /// <summary>The result's display settings, as Feishu gives them.</summary>
    public JsonElement? UiProperty { get; init; }
}

/// <summary>
/// Reads a field description: a string (list), an object <c>{text, disable_sync}</c> (create, update) or text segments
/// (list with <c>text_field_as_array</c>). Writes a string.
/// </summary>
internal sealed class BitableDescriptionConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var json = document.RootElement;
        return json.ValueKind switch
        {
            JsonValueKind.String => json.GetString(),
            JsonValueKind.Object => BitableJson.String(json, "text"),
            JsonValueKind.Array => string.Concat(json.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.Object ? BitableJson.String(s, "text") : s.ValueKind == JsonValueKind.String ? s.GetString() : null)),
            _ => null,
        };
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
