using System.Collections;
using System.Text.Json;

namespace Larkway.Feishu.Bitable;

/// <summary>
/// A record as Feishu returns it. <see cref="Fields"/> holds each cell's JSON by field name (empty cells are left out);
/// read a cell typed with <see cref="BitableFieldValues.Get{T}(string)"/>. The automatic fields (creator, times) are
/// set when the call asked for them.
/// </summary>
/// <param name="RecordId">The record's id (<c>rec…</c>).</param>
/// <param name="Fields">The cells.</param>
public sealed record BitableRecord(string RecordId, BitableFieldValues Fields)
{
    /// <summary>Who created the record (with automatic fields).</summary>
    public BitablePerson? CreatedBy { get; init; }

    /// <summary>When the record was created (with automatic fields).</summary>
    public DateTimeOffset? CreatedTime { get; init; }

    /// <summary>Who last modified the record (with automatic fields).</summary>
    public BitablePerson? LastModifiedBy { get; init; }

    /// <summary>When the record was last modified (with automatic fields): compare this for change detection, as filters are day-granular.</summary>
    public DateTimeOffset? LastModifiedTime { get; init; }

    /// <summary>The record's share link (batch get and get with <c>with_shared_url</c>).</summary>
    public string? SharedUrl { get; init; }

    /// <summary>The record's link (search).</summary>
    public string? RecordUrl { get; init; }
}

/// <summary>
/// The cells of a record read from Feishu, by field name. Each is kept as the JSON Feishu sent; <see cref="Get{T}(string)"/>
/// reads one as a typed value (<c>record.Fields.Get&lt;BitableValue.Text&gt;("Title")?.PlainText</c>) and
/// <see cref="Read(IEnumerable{BitableField})"/> reads them all by the table's field definitions.
/// </summary>
public sealed class BitableFieldValues : IReadOnlyDictionary<string, JsonElement>
{
    private readonly IReadOnlyDictionary<string, JsonElement> _cells;

    /// <summary>Cells by field name (the JSON is kept, not copied: clone elements of a document you dispose).</summary>
    public BitableFieldValues(IReadOnlyDictionary<string, JsonElement> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        _cells = cells;
    }

    /// <summary>No cells.</summary>
    public static BitableFieldValues None { get; } = new(new Dictionary<string, JsonElement>());

    /// <inheritdoc/>
    public int Count => _cells.Count;

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _cells.Keys;

    /// <inheritdoc/>
    public IEnumerable<JsonElement> Values => _cells.Values;

    /// <inheritdoc/>
    public JsonElement this[string key] => _cells[key];

    /// <summary>
    /// A cell read as <typeparamref name="T"/>; null when the cell is empty (absent or null). The type decides the shape
    /// read: <c>Get&lt;BitableValue.Links&gt;</c> reads <c>{"link_record_ids":[…]}</c>, <c>Get&lt;BitableValue.Persons&gt;</c>
    /// reads people objects.
    /// </summary>
    /// <exception cref="FormatException">The cell is not a <typeparamref name="T"/> (the message names the field).</exception>
    public T? Get<T>(string fieldName)
        where T : BitableValue, IBitableValue<T>
    {
        if (!_cells.TryGetValue(fieldName, out var json))
        {
            return null;
        }

        try
        {
            return BitableValue.Read<T>(json);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"Field '{fieldName}' does not hold a {typeof(T).Name} value: {ex.Message}", ex);
        }
    }

    /// <summary>A cell read by its field's type; null when empty.</summary>
    /// <exception cref="FormatException">The cell does not fit the type (the message names the field).</exception>
    public BitableValue? Get(string fieldName, BitableFieldType type)
    {
        if (!_cells.TryGetValue(fieldName, out var json))
        {
            return null;
        }

        try
        {
            return BitableValue.Read(type, json);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"Field '{fieldName}' does not hold a {type} value: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Every non-empty cell read by the type of its field in <paramref name="fields"/> (what <c>Fields.ListAsync</c>
    /// returns); cells of fields not listed read as <see cref="BitableValue.Raw"/>.
    /// </summary>
    /// <exception cref="FormatException">A cell does not fit its field's type.</exception>
    public IReadOnlyDictionary<string, BitableValue> Read(IEnumerable<BitableField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var types = new Dictionary<string, BitableFieldType>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            types[field.FieldName] = field.Type;
        }

        var values = new Dictionary<string, BitableValue>(StringComparer.Ordinal);
        foreach (var (name, json) in _cells)
        {
            var value = types.TryGetValue(name, out var type) ? Get(name, type) : json.ValueKind == JsonValueKind.Null ? null : new BitableValue.Raw(json);
            if (value is not null)
            {
                values[name] = value;
            }
        }

        return values;
    }

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _cells.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, out JsonElement value) => _cells.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, JsonElement>> GetEnumerator() => _cells.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
