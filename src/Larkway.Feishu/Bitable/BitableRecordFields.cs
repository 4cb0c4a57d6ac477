using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Larkway.Feishu.Bitable;

/// <summary>
/// The cells a record create or update writes, by field name, in the order given:
/// <c>new BitableRecordFields { ["Title"] = new BitableValue.Text("Q3 plan"), ["Due"] = new BitableValue.Date(due) }</c>.
/// On update only the fields named change; <see cref="BitableValue.Clear"/> empties a cell.
/// </summary>
[JsonConverter(typeof(BitableRecordFieldsConverter))]
public sealed class BitableRecordFields : IEnumerable<KeyValuePair<string, BitableValue>>
{
    private readonly OrderedDictionary<string, BitableValue> _values = new(StringComparer.Ordinal);

    /// <summary>No cells yet.</summary>
    public BitableRecordFields()
    {
    }

    /// <summary>The given cells.</summary>
    public BitableRecordFields(IEnumerable<KeyValuePair<string, BitableValue>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (name, value) in values)
        {
            this[name] = value;
        }
    }

    /// <summary>The number of cells.</summary>
    public int Count => _values.Count;

    /// <summary>The field names, in order.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>A cell by field name; setting replaces it.</summary>
    /// <exception cref="KeyNotFoundException">Getting a field that was not set.</exception>
    public BitableValue this[string fieldName]
    {
        get => _values[fieldName];
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(fieldName);
            ArgumentNullException.ThrowIfNull(value);
            _values[fieldName] = value;
        }
    }

    /// <summary>Adds a cell (for collection initialisers).</summary>
    /// <exception cref="ArgumentException">The field is already set.</exception>
    public void Add(string fieldName, BitableValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(fieldName);
        ArgumentNullException.ThrowIfNull(value);
        _values.Add(fieldName, value);
    }

    /// <summary>Removes a cell; false when it was not set.</summary>
    public bool Remove(string fieldName) => _values.Remove(fieldName);

    /// <summary>Whether the field is set.</summary>
    public bool Contains(string fieldName) => _values.ContainsKey(fieldName);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, BitableValue>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>What Feishu would refuse in these cells, each naming the field.</summary>
    internal IEnumerable<string> Problems()
    {
        foreach (var (name, value) in _values)
        {
            foreach (var problem in value.Problems())
            {
                yield return $"field '{name}' {problem}";
            }
        }
    }

    /// <summary>Throws when a cell would be refused, listing every problem; <paramref name="row"/> names the record in a batch.</summary>
    internal void ThrowIfInvalid(string paramName, int? row = null)
    {
        var problems = Problems().ToList();
        if (Count == 0)
        {
            problems.Insert(0, "there are no fields; give at least one");
        }

        if (problems.Count > 0)
        {
            var where = row is { } r ? $"Record [{r}]: " : "";
            throw new ArgumentException(where + string.Join("; ", problems) + ".", paramName);
        }
    }
}

/// <summary>Writes <see cref="BitableRecordFields"/> as the <c>fields</c> object, each cell in its write shape; reads any object as raw cells.</summary>
internal sealed class BitableRecordFieldsConverter : JsonConverter<BitableRecordFields>
{
    public override BitableRecordFields Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("Expected the record's fields object.");
        }

        var fields = new BitableRecordFields();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            fields[property.Name] = new BitableValue.Raw(property.Value.Clone());
        }

        return fields;
    }

    public override void Write(Utf8JsonWriter writer, BitableRecordFields value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        foreach (var (name, cell) in value)
        {
            writer.WritePropertyName(name);
            cell.WriteTo(writer);
        }

        writer.WriteEndObject();
    }
}
