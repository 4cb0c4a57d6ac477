using System.Net;
using Larkway.Clients;

namespace Larkway.WeCom;

/// <summary>
/// The one exception for every failed WeCom call: an <c>errcode</c> other than 0, an HTTP failure, a transport failure or
/// timeout, or a local check that the request would be refused (a limit broken before anything was sent). Its common
/// members (<see cref="LarkwayApiException.Code"/> as text, <see cref="LarkwayApiException.RequestId"/>, …) are those of
/// every Larkway client's exception.
/// </summary>
public class WeComApiException : LarkwayApiException
{
    /// <summary>A failed call.</summary>
    /// <param name="code">WeCom's errcode as digits (<c>40014</c>), or one of the client's own (<c>Larkway.Timeout</c>); see <see cref="WeComErrorCodes"/>.</param>
    /// <param name="errorMessage">WeCom's errmsg, or the client's description of a local failure.</param>
    /// <param name="httpStatus">The HTTP status, when an answer came (WeCom answers errors with 200).</param>
    /// <param name="requestId">WeCom's request id: the <c>hint: [...]</c> of its errmsg.</param>
    /// <param name="innerException">What caused a local failure.</param>
    public WeComApiException(string code, string errorMessage, HttpStatusCode? httpStatus = null, string? requestId = null, Exception? innerException = null)
        : base("WeCom", code, errorMessage, httpStatus, requestId, innerException) =>
        ErrCode = NumericCode(code);

    /// <summary>WeCom's numeric <c>errcode</c>; null for local failures.</summary>
    public int? ErrCode { get; }

    /// <summary>What to fix, for the codes a team meets first (untrusted IP, no visible recipient, the rate, a bad token…); null otherwise.</summary>
    public string? Hint { get; init; }

    /// <summary>The recipients WeCom refused when it refused all of them (81013): <c>invaliduser</c>, when given.</summary>
    public string? InvalidUser { get; init; }

    /// <inheritdoc/>
    public override bool IsTransient => WeComErrorCodes.IsTransient(Code, HttpStatus);
}
