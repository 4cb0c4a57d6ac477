using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Platform;

/// <summary>
/// Reads JSON bodies and query values with Feishu-style 400 errors instead of exceptions that would
/// surface as 500s. <c>invalidCode</c> is the endpoint family's "invalid parameter" code.
/// </summary>
internal static class RequestJson
{
    public static async Task<JsonElement> ReadObjectAsync(HttpRequest request, int invalidCode, bool allowEmpty = false)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        if (buffer.Length == 0)
        {
            if (allowEmpty)
            {
                return JsonDocument.Parse("{}").RootElement.Clone();
            }

            throw ApiErrorException.BadRequest(invalidCode, "invalid request: the JSON body is empty");
        }

        return ParseObject(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), invalidCode);
    }

    public static JsonElement ParseObject(ReadOnlyMemory<byte> utf8, int invalidCode)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(utf8);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw ApiErrorException.BadRequest(invalidCode, "invalid request: malformed JSON body (" + e.Message + ")");
        }

        return root.ValueKind == JsonValueKind.Object
            ? root
            : throw ApiErrorException.BadRequest(invalidCode, "invalid request: the JSON body must be an object");
    }

    public static string RequiredString(this JsonElement obj, string name, int invalidCode) =>
        obj.OptionalString(name, invalidCode) is { Length: > 0 } value
            ? value
            : throw ApiErrorException.BadRequest(invalidCode, $"invalid request: field '{name}' is required");

    public static string? OptionalString(this JsonElement obj, string name, int invalidCode)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw ApiErrorException.BadRequest(invalidCode, $"invalid request: field '{name}' must be a string");
    }

    public static int? OptionalInt(this JsonElement obj, string name, int invalidCode) =>
        !obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
        : throw ApiErrorException.BadRequest(invalidCode, $"invalid request: field '{name}' must be an integer");

    public static bool? OptionalBool(this JsonElement obj, string name, int invalidCode)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ApiErrorException.BadRequest(invalidCode, $"invalid request: field '{name}' must be a boolean"),
        };
    }

    public static IReadOnlyList<string>? OptionalStringArray(this JsonElement obj, string name, int invalidCode)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw ApiErrorException.BadRequest(invalidCode, $"invalid request: field '{name}' must be an array of strings");
        }

        var list = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            list.Add(item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw ApiErrorException.BadRequest(invalidCode, $"invalid request: field '{name}' must be an array of strings"));
        }

        return list;
    }

    public static string? Query(this HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    public static int QueryInt(this HttpRequest request, string name, int defaultValue, int min, int max, int invalidCode)
    {
        var raw = request.Query(name);
        if (raw is null)
        {
            return defaultValue;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw ApiErrorException.BadRequest(invalidCode, $"invalid request: {name} must be an integer in [{min}, {max}]; the page_size exceeds the limit");
    }

    public static long? QueryLong(this HttpRequest request, string name, int invalidCode)
    {
        var raw = request.Query(name);
        if (raw is null)
        {
            return null;
        }

        return long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw ApiErrorException.BadRequest(invalidCode, $"invalid request: {name} must be an integer");
    }
}
