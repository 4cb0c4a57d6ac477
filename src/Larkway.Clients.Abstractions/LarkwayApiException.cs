using System.Globalization;
using System.Net;

namespace Larkway.Clients;

/// <summary>
/// What the API exception of every Larkway client library has, under the same names: the platform, its own error code,
/// its message, the HTTP status and request id when an answer came, whether the same call may succeed later, and how
/// long to wait. Catch it to treat a failure of any platform alike; catch the platform's own type
/// (<c>FeishuApiException</c>, <c>DingTalkApiException</c>, <c>WeComApiException</c>) for what only that platform has.
/// </summary>
public abstract class LarkwayApiException : Exception
{
    /// <summary>The prefix of the codes the client libraries give their own failures (<c>Larkway.Timeout</c>).</summary>
    public const string LocalCodePrefix = "Larkway.";

    /// <summary>
    /// A failed call whose code is text: a code starting with <see cref="LocalCodePrefix"/> is the client's own, and
    /// the exception's message is then the description alone.
    /// </summary>
    /// <param name="platform">The platform, as the library names it (<c>DingTalk</c>, <c>WeCom</c>).</param>
    /// <param name="code">The platform's code as it gave it, or the client's own.</param>
    /// <param name="errorMessage">The platform's message, or the client's description of a local failure.</param>
    /// <param name="httpStatus">The HTTP status, when an answer came.</param>
    /// <param name="requestId">The platform's request id, when it gave one.</param>
    /// <param name="innerException">What caused a local failure.</param>
    protected LarkwayApiException(string platform, string code, string errorMessage, HttpStatusCode? httpStatus, string? requestId, Exception? innerException)
        : this(platform, code, code?.StartsWith(LocalCodePrefix, StringComparison.Ordinal) ?? false, errorMessage, httpStatus, requestId, "request id", innerException)
    {
    }

    /// <summary>A failed call, for a platform whose codes tell the client's own failures apart in their own way.</summary>
    /// <param name="platform">The platform, as the library names it (<c>Feishu</c>).</param>
    /// <param name="code">The platform's code as text, or the client's own.</param>
    /// <param name="isLocal">The client's own failure: the exception's message is then the description alone.</param>
    /// <param name="errorMessage">The platform's message, or the client's description of a local failure.</param>
    /// <param name="httpStatus">The HTTP status, when an answer came.</param>
    /// <param name="requestId">The platform's request id, when it gave one.</param>
    /// <param name="requestIdName">What the platform calls its request id, for the message (<c>log id</c>).</param>
    /// <param name="innerException">What caused a local failure.</param>
    protected LarkwayApiException(string platform, string code, bool isLocal, string errorMessage, HttpStatusCode? httpStatus, string? requestId, string requestIdName, Exception? innerException)
        : base(Describe(platform, code, isLocal, errorMessage, requestId, requestIdName), innerException)
    {
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(code);
        Platform = platform;
        Code = code;
        ErrorMessage = errorMessage;
        HttpStatus = httpStatus;
        RequestId = requestId;
    }

    /// <summary>The platform that failed the call: <c>Feishu</c>, <c>DingTalk</c> or <c>WeCom</c>.</summary>
    public string Platform { get; }

    /// <summary>
    /// The platform's code as text, as it gave it (<c>99991663</c>, <c>InvalidAuthentication</c>, <c>40014</c>), or the
    /// client's own for a failure of its own. A library whose codes are numbers also has them typed on its exception.
    /// </summary>
    public string Code { get; }

    /// <summary>The platform's message text, or the client's description of its own failure. Informational only: decide on the code.</summary>
    public string ErrorMessage { get; }

    /// <summary>The HTTP status of the answer, when there was one.</summary>
    public HttpStatusCode? HttpStatus { get; }

    /// <summary>The platform's id of the request, when it gave one: quote it to the platform's support.</summary>
    public string? RequestId { get; }

    /// <summary>How long to wait before the same request can succeed, when the platform or the client knows it (a rate limit).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True when the same request may succeed later unchanged: rate limits, 5xx, "system busy", timeouts, transport failures.</summary>
    public abstract bool IsTransient { get; }

    /// <summary>A code of digits (an optional sign first) as a number; null for any other code.</summary>
    protected static int? NumericCode(string code) =>
        int.TryParse(code, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : null;

    // A local failure reads as its message alone: "WeCom error Larkway.Timeout" would say nothing more.
    private static string Describe(string platform, string code, bool isLocal, string message, string? requestId, string requestIdName)
    {
        var text = isLocal ? message : $"{platform} error {code}: {message}";
        return requestId is null ? text : $"{text} ({requestIdName} {requestId})";
    }
}
