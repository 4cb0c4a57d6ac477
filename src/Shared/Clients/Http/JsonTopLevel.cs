using System.Text;
using System.Text.Json;

namespace Larkway.Shared.Clients;

/// <summary>Reads a few top-level fields of a JSON answer (its error fields) without deserialising the rest.</summary>
internal static class JsonTopLevel
{
    /// <summary>
    /// Fills <paramref name="values"/>[i] with the text of the top-level field <paramref name="names"/>[i] (a string, or a
    /// number as written; null when absent or of another kind). Returns false when <paramref name="body"/> is not a JSON
    /// object (then every value is null).
    /// </summary>
    public static bool TryReadScalars(ReadOnlySpan<byte> body, ReadOnlySpan<string> names, Span<string?> values)
    {
        values.Clear();
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                var value = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
                    _ => null,
                };
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }

                var index = names.IndexOf(name!);
                if (index >= 0)
                {
                    values[index] = value;
                }
            }

            return true;
        }
        catch (JsonException)
        {
            values.Clear();
            return false;
        }
    }
}
