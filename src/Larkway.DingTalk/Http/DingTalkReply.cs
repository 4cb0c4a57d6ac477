using System.Net;
using Larkway.Shared.Clients;

namespace Larkway.DingTalk.Http;

/// <summary>One attempt's answer, read whole, with the error it carries (if any) found in either of DingTalk's shapes.</summary>
internal sealed class DingTalkReply(HttpStatusCode status, byte[] body, string? contentType, string? requestId, DingTalkError? error, bool isJson)
    : ApiReply(status, body, contentType, isJson, requestId)
{
    /// <summary>Null when the call succeeded.</summary>
    public DingTalkError? Error { get; } = error;

    public static async Task<DingTalkReply> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var contentType = response.Content.Headers.ContentType?.MediaType;
        var headerId = response.Headers.TryGetValues("x-acs-request-id", out var ids) ? ids.FirstOrDefault() : null;
        var fields = ErrorFields.Read(body);
        var requestId = headerId ?? fields.RequestId;
        var error = Classify(response, fields, contentType);
        return new DingTalkReply(response.StatusCode, body, contentType, requestId, error, fields.IsJson);
    }

    /// <summary>The body deserialised as <typeparamref name="T"/>; a body of another shape is a malformed-response error.</summary>
    public T Deserialize<T>(System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, string what) =>
        Deserialize(info, what, (message, ex) => new DingTalkApiException(DingTalkErrorCodes.MalformedResponse, message, Status, RequestId, ex));

    private static DingTalkError? Classify(HttpResponseMessage response, ErrorFields fields, string? contentType)
    {
        var retryAfter = response.Headers.RetryAfter?.Delta;
        if (!response.IsSuccessStatusCode)
        {
            var code = fields.Code ?? fields.ErrCode ?? $"HTTP{(int)response.StatusCode}";
            var message = fields.Message ?? fields.ErrMsg
                ?? (fields.IsJson ? $"HTTP {(int)response.StatusCode} without a message" : $"HTTP {(int)response.StatusCode} with content type '{contentType ?? "none"}'");
            return new DingTalkError(code, message, fields.SubCode, retryAfter);
        }

        if (fields.ErrCode is { } errcode && errcode != "0")
        {
            var message = fields.SubMessage is { Length: > 0 } sub && fields.ErrMsg is not { Length: > 0 } ? sub : fields.ErrMsg ?? "no errmsg";
            // A robot that sent more than 20 a minute is blocked for 10 minutes (custom robot documentation).
            var wait = errcode == DingTalkErrorCodes.RobotSendTooFast ? TimeSpan.FromMinutes(10) : retryAfter;
            return new DingTalkError(errcode, message, fields.SubCode, wait);
        }

        return null;
    }
}

/// <summary>An error found in an answer: its code as text (string code or errcode), message and sub-code.</summary>
internal sealed record DingTalkError(string Code, string Message, string? SubCode, TimeSpan? RetryAfter);

/// <summary>The top-level error fields of either shape, read without deserialising the rest.</summary>
internal readonly record struct ErrorFields(bool IsJson, string? Code, string? Message, string? ErrCode, string? ErrMsg, string? SubCode, string? SubMessage, string? RequestId)
{
    public static ErrorFields Read(ReadOnlySpan<byte> body)
    {
        Span<string?> v = new string?[9];
        var isJson = Shared.Clients.JsonTopLevel.TryReadScalars(body, ["code", "message", "errcode", "errmsg", "sub_code", "sub_msg", "requestid", "request_id", "requestId"], v);
        return new ErrorFields(isJson, v[0], v[1], v[2], v[3], v[4], v[5], v[6] ?? v[7] ?? v[8]);
    }
}
