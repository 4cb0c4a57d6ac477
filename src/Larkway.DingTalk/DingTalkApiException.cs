using System.Net;

namespace Larkway.DingTalk;

/// <summary>
/// The one exception for every failed DingTalk call: a new-API error (<c>code</c> / <c>message</c> / <c>requestid</c>
/// with a non-2xx status), an old-API <c>errcode</c> other than 0, a transport failure or timeout, or a local check that
/// the request would be refused.
/// </summary>
public class DingTalkApiException : Exception
{
    /// <summary>A failed call.</summary>
    /// <param name="code">DingTalk's code: the new API's string code (<c>InvalidAuthentication</c>), the old API's errcode
    /// as digits (<c>40014</c>), or one of the client's own (<c>Larkway.Timeout</c>); see <see cref="DingTalkErrorCodes"/>.</param>
    /// <param name="errorMessage">DingTalk's message, or the client's description of a local failure.</param>
    /// <param name="httpStatus">The HTTP status, when an answer came.</param>
    /// <param name="requestId">DingTalk's request id (<c>x-acs-request-id</c>, <c>requestid</c> or <c>request_id</c>).</param>
    /// <param name="innerException">What caused a local failure.</param>
    public DingTalkApiException(string code, string errorMessage, HttpStatusCode? httpStatus = null, string? requestId = null, Exception? innerException = null)
        : base(Describe(code, errorMessage, requestId), innerException)
    {
        ArgumentNullException.ThrowIfNull(code);
        Code = code;
        ErrorMessage = errorMessage;
        HttpStatus = httpStatus;
        RequestId = requestId;
        ErrCode = int.TryParse(code, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    /// <summary>DingTalk's code as text: the new API's <c>code</c> or the old API's <c>errcode</c>; <c>Larkway.*</c> for local failures.</summary>
    public string Code { get; }

    /// <summary>The old API's numeric <c>errcode</c>; null for new-API and local failures.</summary>
    public int? ErrCode { get; }

    /// <summary>DingTalk's <c>message</c> / <c>errmsg</c>. Informational only: decide on <see cref="Code"/>.</summary>
    public string ErrorMessage { get; }

    /// <summary>The old API's <c>sub_code</c> (errcode 88 carries the real reason there), when given.</summary>
    public string? SubCode { get; init; }

    /// <summary>The HTTP status of the answer, when there was one (the old API answers errors with 200).</summary>
    public HttpStatusCode? HttpStatus { get; }

    /// <summary>DingTalk's request id: quote it to DingTalk support.</summary>
    public string? RequestId { get; }

    /// <summary>How long to wait before the same request can succeed, when known (a rate limit, a robot blocked for sending too fast).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True when the same request may succeed later unchanged: rate limits, 5xx, "system busy", timeouts, transport failures.</summary>
    public bool IsTransient => DingTalkErrorCodes.IsTransient(Code, HttpStatus);

    // Local failures read as their message alone: "DingTalk error Larkway.Timeout" would say nothing more.
    private static string Describe(string code, string message, string? requestId)
    {
        var text = code.StartsWith(DingTalkErrorCodes.LocalPrefix, StringComparison.Ordinal) ? message : $"DingTalk error {code}: {message}";
        return requestId is null ? text : $"{text} (request id {requestId})";
    }
}
