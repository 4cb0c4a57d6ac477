using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.DingTalk.Stream;

/// <summary>
/// DingTalk's new-API (api.dingtalk.com) answer shapes: a JSON body and an <c>x-acs-request-id</c> header; an error is
/// non-2xx with <c>{"code","message","requestid"}</c>. Bodies are read here without throwing, so a bad body is a 400.
/// </summary>
internal static class StreamHttp
{
    public const string RequestIdHeader = "x-acs-request-id";

    /// <summary>camelCase, as DingTalk's JSON; non-ASCII written as UTF-8 (application/json only, never HTML).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IResult Ok(HttpContext context, object body) => Write(context, 200, body);

    public static IResult Error(HttpContext context, int status, string code, string message) =>
        Write(context, status, new ErrorBody(code, message, RequestId(context)));

    public static IResult Error(HttpContext context, StreamRefusal refusal) => Error(context, refusal.Status, refusal.Code, refusal.Message);

    /// <summary>The request's body as a JSON object, or the 400 to answer.</summary>
    public static async Task<(JsonElement Body, IResult? Error)> ReadObjectAsync(HttpContext context, string expected)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return (document.RootElement.Clone(), null);
            }
        }
        catch (JsonException)
        {
            // answered below
        }

        return (default, Error(context, 400, "InvalidParameter", $"the body must be a JSON object: {expected}"));
    }

    public static string? String(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IResult Write(HttpContext context, int status, object body)
    {
        context.Response.Headers[RequestIdHeader] = RequestId(context);
        return Results.Json(body, Json, "application/json; charset=utf-8", status);
    }

    /// <summary>One request id per request, in the uppercase GUID form DingTalk's gateway uses.</summary>
    private static string RequestId(HttpContext context)
    {
        const string Key = "larkway.dingtalk.requestid";
        if (context.Items[Key] is not string id)
        {
            id = Guid.NewGuid().ToString("D").ToUpperInvariant();
            context.Items[Key] = id;
        }

        return id;
    }

    private sealed record ErrorBody(string Code, string Message, string Requestid);
}
