using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Larkway.Hub.Admin;

/// <summary>Reads a request body that must be a JSON object, saying what to send when it is not.</summary>
public static class JsonBody
{
    /// <summary>
    /// The body's root object, or false with <paramref name="problem"/> for invalid JSON or another JSON value;
    /// <paramref name="expected"/> names what the object should hold (e.g. "type, recipients and card").
    /// </summary>
    public static bool TryReadObject(ReadOnlySpan<byte> body, string expected, out JsonElement root, [NotNullWhen(false)] out string? problem)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            root = default;
            problem = $"The body is not valid JSON ({ex.Message}). Send a JSON object.";
            return false;
        }

        problem = root.ValueKind == JsonValueKind.Object ? null : $"The body must be a JSON object with {expected}.";
        return problem is null;
    }
}
