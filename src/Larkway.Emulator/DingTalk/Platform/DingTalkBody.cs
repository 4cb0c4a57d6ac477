using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.DingTalk.Platform;

/// <summary>Reads JSON request bodies into DingTalk-shaped refusals (never an exception that would surface as a 500).</summary>
internal static class DingTalkBody
{
    /// <summary>The whole body as a JSON object, or null when it is empty; <paramref name="invalid"/> makes the refusal for non-JSON.</summary>
    public static async Task<JsonElement?> ReadObjectAsync(HttpRequest request, Func<string, DingTalkException> invalid)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        if (buffer.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw invalid("the body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw invalid("the body is not valid JSON (" + e.Message + ")");
        }
    }

    /// <summary>A new-API body: empty → 400 MissingBody; not a JSON object → 400 InvalidParameter.</summary>
    public static async Task<JsonElement> ReadApiObjectAsync(HttpRequest request) =>
        await ReadObjectAsync(request, DingTalkException.InvalidParameter)
        ?? throw DingTalkException.Api(400, DingTalkCodes.MissingBody, "body is mandatory for this action.");

    /// <summary>A string field that is present and not empty, or null.</summary>
    public static string? String(this JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>A new-API required string: absent → 400 "Missing{name}"-style refusal naming the field.</summary>
    public static string RequiredApiString(this JsonElement obj, string name) =>
        obj.String(name) ?? throw DingTalkException.InvalidParameter($"{name} is mandatory for this action.");

    /// <summary>An oapi required integer (a number or a numeric string): absent → 40035, unusable → 400002.</summary>
    public static long RequiredOapiLong(this JsonElement body, string name, long min, long max)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 " + name);
        }

        // oapi clients often send numbers as strings ("dept_id":"1"); DingTalk accepts both.
        var parsed = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
            _ => (long?)null,
        };
        return parsed is { } number && number >= min && number <= max
            ? number
            : throw DingTalkException.Oapi(DingTalkCodes.InvalidParameterErrCode, $"无效的参数 {name}: must be an integer in [{min}, {max}]");
    }
}
