using System.Net;
using Larkway.Clients;

namespace Larkway.DingTalk;

/// <summary>
/// The one exception for every failed DingTalk call: a new-API error (<c>code</c> / <c>message</c> / <c>requestid</c>
/// with a non-2xx status), an old-API <c>errcode</c> other than 0, a transport failure or timeout, or a local check that
/// the request would be refused. Its common members (<see cref="LarkwayApiException.Code"/> as text,
/// <see cref="LarkwayApiException.RequestId"/>, …) are those of every Larkway client's exception.
/// </summary>
public class DingTalkApiException : LarkwayApiException
{
    /// <summary>A failed call.</summary>
    /// <param name="code">DingTalk's code: the new API's string code (<c>InvalidAuthentication</c>), the old API's errcode
    /// as digits (<c>40014</c>), or one of the client's own (<c>Larkway.Timeout</c>); see <see cref="DingTalkErrorCodes"/>.</param>
    /// <param name="errorMessage">DingTalk's message, or the client's description of a local failure.</param>
    /// <param name="httpStatus">The HTTP status, when an answer came (the old API answers errors with 200).</param>
    /// <param name="requestId">DingTalk's request id (<c>x-acs-request-id</c>, <c>requestid</c> or <c>request_id</c>).</param>
    /// <param name="innerException">What caused a local failure.</param>
    public DingTalkApiException(string code, string errorMessage, HttpStatusCode? httpStatus = null, string? requestId = null, Exception? innerException = null)
        : base("DingTalk", code, errorMessage, httpStatus, requestId, innerException) =>
        ErrCode = NumericCode(code);

    /// <summary>The old API's numeric <c>errcode</c>; null for new-API and local failures.</summary>
    public int? ErrCode { get; }

    /// <summary>The old API's <c>sub_code</c> (errcode 88 carries the real reason there), when given.</summary>
    public string? SubCode { get; init; }

    /// <inheritdoc/>
    public override bool IsTransient => DingTalkErrorCodes.IsTransient(Code, HttpStatus);
}
