using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Platform;

/// <summary>
/// What the platforms' JSON answers have in common: UTF-8 text unescaped (these bodies are application/json, never
/// embedded in HTML), nulls omitted, dictionary keys as written; the <c>{"errcode":0,"errmsg":"ok", …}</c> success of
/// the errcode-style APIs (DingTalk's oapi, WeCom); and writing a body with the platform's options and content type.
/// </summary>
internal static class WireJson
{
    /// <summary>A platform's serializer options, naming properties with <paramref name="naming"/>.</summary>
    public static JsonSerializerOptions Options(JsonNamingPolicy naming) => new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = naming,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>An errcode-style success: <c>{"errcode":0,"errmsg":"ok", …fields}</c>.</summary>
    public static Dictionary<string, object?> ErrcodeOk(IReadOnlyDictionary<string, object?>? fields)
    {
        var body = new Dictionary<string, object?> { ["errcode"] = 0, ["errmsg"] = "ok" };
        foreach (var (name, value) in fields ?? new Dictionary<string, object?>())
        {
            body[name] = value;
        }

        return body;
    }

    public static async Task WriteAsync(HttpContext context, int status, object body, JsonSerializerOptions options, string contentType)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, body, body.GetType(), options, context.RequestAborted);
    }

    /// <summary>An endpoint's result that writes <paramref name="body"/> so.</summary>
    public static IResult Result(int status, object body, JsonSerializerOptions options, string contentType) => new JsonBodyResult(status, body, options, contentType);

    private sealed class JsonBodyResult(int status, object body, JsonSerializerOptions options, string contentType) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, status, body, options, contentType);
    }
}
