using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Emulator.Platform;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.DingTalk.Platform;

/// <summary>
/// DingTalk's JSON: camelCase on the new API; the old API's snake_case names (access_token) are spelled so in the
/// models (camelCase leaves them alone). UTF-8 text unescaped, nulls omitted.
/// </summary>
internal static class DingTalkJson
{
    public const string ContentType = "application/json; charset=utf-8";

    public static readonly JsonSerializerOptions Options = WireJson.Options(JsonNamingPolicy.CamelCase);

    public static IResult Ok(object body) => WireJson.Result(200, body, Options, ContentType);

    /// <summary>An oapi success: <c>{"errcode":0,"errmsg":"ok", …fields}</c>.</summary>
    public static IResult OapiOk(IReadOnlyDictionary<string, object?>? fields = null) => Ok(WireJson.ErrcodeOk(fields));

    public static Task WriteAsync(HttpContext context, int status, object body) => WireJson.WriteAsync(context, status, body, Options, ContentType);

    /// <summary>A refusal in the shape of the family it happened in.</summary>
    public static Task WriteErrorAsync(HttpContext context, DingTalkFamily family, DingTalkException error)
    {
        if (family == DingTalkFamily.Api)
        {
            var requestId = DingTalkRequestIds.Of(context);
            var status = error.Code is null ? 500 : error.HttpStatus;
            var code = error.Code ?? DingTalkCodes.ServiceUnavailable;
            return WriteAsync(context, status, new ApiError(code, error.Message, requestId));
        }

        var body = new Dictionary<string, object?> { ["errcode"] = error.Code is null ? error.ErrCode : DingTalkCodes.SystemBusy, ["errmsg"] = error.Message };
        if (error.SubCode is not null)
        {
            body["sub_code"] = error.SubCode;
            body["sub_msg"] = error.SubMsg;
        }

        if (family == DingTalkFamily.Oapi)
        {
            body["request_id"] = DingTalkRequestIds.Of(context);
        }

        return WriteAsync(context, 200, body);
    }

    private sealed record ApiError(string Code, string Message, [property: JsonPropertyName("requestid")] string RequestId);
}
