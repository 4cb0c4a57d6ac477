using System.Globalization;
using System.Text.Json;

namespace Larkway.Feishu.Bitable;

/// <summary>Lenient reading of cell JSON (numbers may come as strings) and writing of the id-object lists Feishu takes.</summary>
internal static class BitableJson
{
    public static string? String(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    public static bool? Bool(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        } : null;

    public static long? Int64Property(JsonElement obj, string name) => obj.TryGetProperty(name, out var value) ? Int64(value) : null;

    public static long? Int64(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Number when json.TryGetInt64(out var n) => n,
        JsonValueKind.Number when json.TryGetDouble(out var d) && d >= long.MinValue && d <= long.MaxValue => (long)d,
        JsonValueKind.String when long.TryParse(json.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) => s,
        _ => null,
    };

    public static decimal? Decimal(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Number when json.TryGetDecimal(out var n) => n,
        JsonValueKind.String when decimal.TryParse(json.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) => s,
        _ => null,
    };

    /// <summary>The objects of an array (a single object reads as a list of one, as created-by sometimes is).</summary>
    public static IEnumerable<JsonElement> Objects(JsonElement json, string expected) => json.ValueKind switch
    {
        JsonValueKind.Array => json.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Object ? e : throw new FormatException($"Expected {expected}, got an array holding {Describe(e)}.")).ToArray(),
        JsonValueKind.Object => [json],
        _ => throw new FormatException($"Expected {expected}, got {Describe(json)}."),
    };

    public static void WriteStrings(Utf8JsonWriter writer, IEnumerable<string> values)
    {
        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    /// <summary><c>[{"id":"a"},{"id":"b"}]</c>: how people, chats and attachments are written.</summary>
    public static void WriteIdObjects(Utf8JsonWriter writer, IEnumerable<string> ids, string name)
    {
        writer.WriteStartArray();
        foreach (var id in ids)
        {
            writer.WriteStartObject();
            writer.WriteString(name, id);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>What a JSON value is, for error messages (the kind and a short excerpt; cells are the caller's data).</summary>
    public static string Describe(JsonElement json)
    {
        var text = json.ValueKind == JsonValueKind.Undefined ? "nothing" : json.GetRawText();
        if (text.Length > 60)
        {
            text = string.Concat(text.AsSpan(0, 57), "...");
        }

        return json.ValueKind switch
        {
            JsonValueKind.Object => $"an object {text}",
            JsonValueKind.Array => $"an array {text}",
            JsonValueKind.String => $"a string {text}",
            JsonValueKind.Number => $"the number {text}",
            JsonValueKind.True or JsonValueKind.False => text,
            JsonValueKind.Null => "null",
            _ => text,
        };
    }
}
