using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Platform;

/// <summary>Writes the <c>{code,msg,data}</c> envelope (reference §1.3) and its error form.</summary>
internal static class Envelope
{
    private const string LogIdItem = "larkway.log_id";

    public const string LogIdHeader = "X-Tt-Logid";

    private static readonly object EmptyData = new Dictionary<string, object>();

    public static IResult Ok(object? data = null) => new JsonBodyResult(200, new SuccessBody(0, "success", data ?? EmptyData), null);

    /// <summary>A body that is not the standard envelope (auth v3, custom bot webhook).</summary>
    public static IResult Raw(object body, int status = 200) => new JsonBodyResult(status, body, null);

    public static void AssignLogId(HttpContext context, string logId)
    {
        context.Items[LogIdItem] = logId;
        context.Response.Headers[LogIdHeader] = logId;
    }

    public static string LogId(HttpContext context) => context.Items[LogIdItem] as string ?? string.Empty;

    public static Task WriteErrorAsync(HttpContext context, int status, int code, string msg, IReadOnlyDictionary<string, string>? headers = null) =>
        WriteAsync(context, status, ErrorBody(context, code, msg), headers);

    public static object ErrorBody(HttpContext context, int code, string msg, FieldViolation? violation = null) =>
        new ErrorEnvelope(code, msg, new ErrorDetail(LogId(context), msg, violation is null ? null : [violation]));

    public static async Task WriteAsync(HttpContext context, int status, object body, IReadOnlyDictionary<string, string>? headers)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = EmulatorJson.ContentType;
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                response.Headers[name] = value;
            }
        }

        await JsonSerializer.SerializeAsync(response.Body, body, body.GetType(), EmulatorJson.Options, context.RequestAborted);
    }

    private sealed record SuccessBody(int Code, string Msg, object Data);

    private sealed record ErrorEnvelope(int Code, string Msg, ErrorDetail Error);

    private sealed record ErrorDetail(string LogId, string Message, IReadOnlyList<FieldViolation>? FieldViolations);

    private sealed class JsonBodyResult(int status, object body, IReadOnlyDictionary<string, string>? headers) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, status, body, headers);
    }
}
