using System.Net;

namespace Larkway.WeCom;

/// <summary>
/// The one exception for every failed WeCom call: an <c>errcode</c> other than 0, an HTTP failure, a transport failure or
/// timeout, or a local check that the request would be refused (a limit broken before anything was sent).
/// </summary>
public class WeComApiException : Exception
{
    /// <summary>A failed call.</summary>
    /// <param name="code">WeCom's errcode as digits (<c>40014</c>), or one of the client's own (<c>Larkway.Timeout</c>); see <see cref="WeComErrorCodes"/>.</param>
    /// <param name="errorMessage">WeCom's errmsg, or the client's description of a local failure.</param>
    /// <param name="httpStatus">The HTTP status, when an answer came.</param>
    /// <param name="requestId">WeCom's request id: the <c>hint: [...]</c> of its errmsg.</param>
    /// <param name="innerException">What caused a local failure.</param>
    public WeComApiException(string code, string errorMessage, HttpStatusCode? httpStatus = null, string? requestId = null, Exception? innerException = null)
        : base(Describe(code, errorMessage, requestId), innerException)
    {
        ArgumentNullException.ThrowIfNull(code);
        Code = code;
        ErrorMessage = errorMessage;
        HttpStatus = httpStatus;
        RequestId = requestId;
        ErrCode = int.TryParse(code, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    /// <summary>WeCom's errcode as text; <c>Larkway.*</c> for local failures.</summary>
    public string Code { get; }

    /// <summary>WeCom's numeric <c>errcode</c>; null for local failures.</summary>
    public int? ErrCode { get; }

    /// <summary>WeCom's <c>errmsg</c> (with the client's hint on what to fix, where it has one). Informational only: decide on <see cref="Code"/>.</summary>
    public string ErrorMessage { get; }

    /// <summary>What to fix, for the codes a team meets first (untrusted IP, no visible recipient, the rate, a bad token…); null otherwise.</summary>
    public string? Hint { get; init; }

    /// <summary>The HTTP status of the answer, when there was one (WeCom answers errors with 200).</summary>
    public HttpStatusCode? HttpStatus { get; }

    /// <summary>WeCom's request id (the <c>hint: [...]</c> in errmsg): quote it to WeCom support.</summary>
    public string? RequestId { get; }

    /// <summary>How long to wait before the same request can succeed, when known (the client-side robot rate).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The recipients WeCom refused when it refused all of them (81013): <c>invaliduser</c>, when given.</summary>
    public string? InvalidUser { get; init; }

    /// <summary>True when the same request may succeed later unchanged: rate limits, 5xx, "system busy", timeouts, transport failures.</summary>
    public bool IsTransient => WeComErrorCodes.IsTransient(Code, HttpStatus);

    // Local failures read as their message alone: "WeCom error Larkway.Timeout" would say nothing more.
    private static string Describe(string code, string message, string? requestId)
    {
        var text = code.StartsWith(WeComErrorCodes.LocalPrefix, StringComparison.Ordinal) ? message : $"WeCom error {code}: {message}";
        return requestId is null ? text : $"{text} (request id {requestId})";
    }
}
