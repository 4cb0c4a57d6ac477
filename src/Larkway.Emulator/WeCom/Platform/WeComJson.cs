using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.WeCom.Platform;

/// <summary>
/// WeCom's JSON: snake_case, UTF-8 text unescaped, nulls omitted; successes are <c>{"errcode":0,"errmsg":"ok", …}</c>
/// and failures carry WeCom's errmsg tail (", hint: [..], from ip: .., more info at ...?e=code").
/// </summary>
internal static class WeComJson
{
    public const string ContentType = "application/json; charset=UTF-8";

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A success: <c>{"errcode":0,"errmsg":"ok", …fields}</c>.</summary>
    public static IResult Ok(IReadOnlyDictionary<string, object?>? fields = null)
    {
        var body = new Dictionary<string, object?> { ["errcode"] = 0, ["errmsg"] = "ok" };
        foreach (var (name, value) in fields ?? new Dictionary<string, object?>())
        {
            body[name] = value;
        }

        return new Result(200, body);
    }

    /// <summary>Plain JSON (control endpoints).</summary>
    public static IResult Plain(object body, int status = 200) => new Result(status, body);

    public static async Task WriteAsync(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, body, body.GetType(), Options, context.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpContext context, WeComException error)
    {
        var body = new Dictionary<string, object?> { ["errcode"] = error.ErrCode, ["errmsg"] = ErrMsg(context, error.ErrCode, error.Message) };
        foreach (var (name, value) in error.Extra ?? new Dictionary<string, object?>())
        {
            body[name] = value;
        }

        return WriteAsync(context, error.HttpStatus, body);
    }

    /// <summary>WeCom appends a hint (its request id), the caller's IP and a link to the code's explanation.</summary>
    public static string ErrMsg(HttpContext context, int code, string message)
    {
        var hint = WeComIds.Digits(25);
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1";
        return string.Create(CultureInfo.InvariantCulture, $"{message}, hint: [{hint}], from ip: {ip}, more info at https://open.work.weixin.qq.com/devtool/query?e={code}");
    }

    private sealed class Result(int status, object body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, status, body);
    }
}
