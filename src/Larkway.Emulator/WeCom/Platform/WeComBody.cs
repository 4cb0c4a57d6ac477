using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.WeCom.Platform;

/// <summary>Reads a WeCom JSON body and its fields; what does not fit is a <see cref="WeComException"/> saying what to fix.</summary>
internal static class WeComBody
{
    /// <summary>The body as a JSON object (and its raw UTF-8 bytes, for size limits and duplicate checks); 47001 when it is not one.</summary>
    public static async Task<(JsonElement Body, byte[] Raw)> ReadObjectAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        var raw = buffer.ToArray();
        if (raw.Length == 0)
        {
            throw WeComException.Of(WeComCodes.DataFormatError, "the body is empty: send a JSON object");
        }

        try
        {
            using var document = JsonDocument.Parse(raw);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.Clone(), raw)
                : throw WeComException.Of(WeComCodes.DataFormatError, "the body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw WeComException.Of(WeComCodes.DataFormatError, "the body is not valid JSON: " + e.Message.ReplaceLineEndings(" "));
        }
    }

    public static JsonElement? Field(this JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>A string field (null when absent); a field of another type is 40058 naming it.</summary>
    public static string? Str(this JsonElement obj, string name, string? path = null) => obj.Field(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw WeComException.InvalidParameter($"{path ?? name} must be a string"),
    };

    /// <summary>A required non-empty string; missing is <paramref name="missingCode"/> (40058 unless said).</summary>
    public static string RequiredStr(this JsonElement obj, string name, string path, int missingCode = WeComCodes.InvalidParameter) =>
        obj.Str(name, path) is { Length: > 0 } value
            ? value
            : throw (missingCode == WeComCodes.InvalidParameter ? WeComException.InvalidParameter($"{path} is required") : WeComException.Of(missingCode, $"{path} is required"));

    /// <summary>An integer field (WeCom also accepts digits in a string, as its own clients often send them).</summary>
    public static long? Int(this JsonElement obj, string name, string? path = null) => obj.Field(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt64(out var number) => number,
        { ValueKind: JsonValueKind.String } value when long.TryParse(value.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw WeComException.InvalidParameter($"{path ?? name} must be an integer"),
    };

    public static JsonElement? Obj(this JsonElement obj, string name, string? path = null) => obj.Field(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Object } value => value,
        _ => throw WeComException.InvalidParameter($"{path ?? name} must be an object"),
    };

    public static IReadOnlyList<JsonElement>? Arr(this JsonElement obj, string name, string? path = null) => obj.Field(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Array } value => [.. value.EnumerateArray()],
        _ => throw WeComException.InvalidParameter($"{path ?? name} must be an array"),
    };

    public static int Bytes(string text) => Encoding.UTF8.GetByteCount(text);
}
