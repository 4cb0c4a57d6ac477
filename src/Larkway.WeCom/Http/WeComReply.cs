using System.Net;
using Larkway.Shared.Clients;
using System.Text.RegularExpressions;

namespace Larkway.WeCom.Http;

/// <summary>One attempt's answer, read whole, with the error it carries (if any).</summary>
internal sealed partial class WeComReply(HttpStatusCode status, byte[] body, string? contentType, string? fileName, WeComError? error, bool isJson, string? requestId, string? invalidUser)
    : ApiReply(status, body, contentType, isJson, requestId)
{
    /// <summary>The file name of a download (Content-Disposition).</summary>
    public string? FileName { get; } = fileName;

    public string? InvalidUser { get; } = invalidUser;

    /// <summary>Null when the call succeeded.</summary>
    public WeComError? Error { get; } = error;

    public static async Task<WeComReply> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var contentType = response.Content.Headers.ContentType?.MediaType;
        var fileName = response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"');
        var fields = ErrorFields.Read(body);
        var requestId = fields.ErrMsg is { } msg && HintPattern().Match(msg) is { Success: true } match ? match.Groups[1].Value : null;
        WeComError? error = null;
        if (!response.IsSuccessStatusCode)
        {
            var code = fields.ErrCode is { } c && c != "0" ? c : $"HTTP{(int)response.StatusCode}";
            error = new WeComError(code, fields.ErrMsg ?? $"HTTP {(int)response.StatusCode} with content type '{contentType ?? "none"}'");
        }
        else if (fields.ErrCode is { } errcode && errcode != "0")
        {
            error = new WeComError(errcode, fields.ErrMsg ?? "no errmsg");
        }

        return new WeComReply(response.StatusCode, body, contentType, fileName, error, fields.IsJson, requestId, fields.InvalidUser);
    }

    /// <summary>The body deserialised as <typeparamref name="T"/>; a body of another shape is a malformed-response error.</summary>
    public T Deserialize<T>(System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, string what) =>
        Deserialize(info, what, (message, ex) => new WeComApiException(WeComErrorCodes.MalformedResponse, message, Status, RequestId, ex));

    [GeneratedRegex(@"hint: \[([^\]]+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex HintPattern();
}

/// <summary>An error found in an answer: errcode as text and errmsg.</summary>
internal sealed record WeComError(string Code, string Message);

/// <summary>The top-level error fields, read without deserialising the rest.</summary>
internal readonly record struct ErrorFields(bool IsJson, string? ErrCode, string? ErrMsg, string? InvalidUser)
{
    public static ErrorFields Read(ReadOnlySpan<byte> body)
    {
        Span<string?> values = new string?[3];
        var isJson = Shared.Clients.JsonTopLevel.TryReadScalars(body, ["errcode", "errmsg", "invaliduser"], values);
        return new ErrorFields(isJson, values[0], values[1], values[2]);
    }
}
