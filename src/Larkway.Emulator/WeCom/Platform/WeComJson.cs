using System.Globalization;
using System.Text.Json;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.WeCom.Platform;

/// <summary>
/// WeCom's JSON: snake_case, UTF-8 text unescaped, nulls omitted; successes are <c>{"errcode":0,"errmsg":"ok", …}</c>
/// and failures carry WeCom's errmsg tail (", hint: [..], from ip: .., more info at ...?e=code").
/// </summary>
internal static class WeComJson
{
    public const string ContentType = "application/json; charset=UTF-8";

    public static readonly JsonSerializerOptions Options = WireJson.Options(JsonNamingPolicy.SnakeCaseLower);

    /// <summary>A success: <c>{"errcode":0,"errmsg":"ok", …fields}</c>.</summary>
    public static IResult Ok(IReadOnlyDictionary<string, object?>? fields = null) => Plain(WireJson.ErrcodeOk(fields));

    /// <summary>Plain JSON (control endpoints).</summary>
    public static IResult Plain(object body, int status = 200) => WireJson.Result(status, body, Options, ContentType);

    public static Task WriteAsync(HttpContext context, int status, object body) => WireJson.WriteAsync(context, status, body, Options, ContentType);

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
}
