using System.Globalization;
using System.Net;
using Larkway.Clients;

namespace Larkway.Feishu;

/// <summary>
/// The one exception for every failed Open Platform call: a non-zero <c>code</c>, an HTTP failure,
/// a transport failure, or a local check that the request would be rejected. Its common members
/// (<see cref="LarkwayApiException.ErrorMessage"/>, <see cref="LarkwayApiException.RequestId"/>, …) are those of every
/// Larkway client's exception; <see cref="Code"/> is Feishu's number (the base's is the same code as text).
/// </summary>
public class FeishuApiException : LarkwayApiException
{
    /// <summary>A failed call: Feishu's (or the client's own negative) <paramref name="code"/> and <paramref name="errorMessage"/>.</summary>
    /// <param name="code">The business code; see <see cref="FeishuErrorCodes"/>.</param>
    /// <param name="errorMessage">Feishu's message (<c>msg</c>), or the client's description of a local failure.</param>
    /// <param name="httpStatus">The HTTP status, when an answer came.</param>
    /// <param name="requestId">Feishu's log id (<c>X-Tt-Logid</c>), when it gave one.</param>
    /// <param name="innerException">What caused a local failure.</param>
    public FeishuApiException(int code, string errorMessage, HttpStatusCode? httpStatus = null, string? requestId = null, Exception? innerException = null)
        // Local failures (negative codes) read as their message alone: "Feishu error -2" would say nothing.
        : base("Feishu", code.ToString(CultureInfo.InvariantCulture), isLocal: code < 0, errorMessage, httpStatus, requestId, "log id", innerException) =>
        Code = code;

    /// <summary>
    /// Feishu's business code (<c>code</c> in the body); see <see cref="FeishuErrorCodes"/>. Negative for local (client-side)
    /// failures. As <see cref="LarkwayApiException"/> the same code reads as text.
    /// </summary>
    public new int Code { get; }

    /// <summary>Feishu's troubleshooting link (<c>error.troubleshooter</c>), when given.</summary>
    public string? Troubleshooter { get; init; }

    /// <summary>Fields the platform rejected (<c>error.field_violations</c>).</summary>
    public IReadOnlyList<FeishuFieldViolation> FieldViolations { get; init; } = [];

    /// <summary>Scopes or privileges that are missing (<c>error.permission_violations</c>).</summary>
    public IReadOnlyList<FeishuPermissionViolation> PermissionViolations { get; init; } = [];

    /// <summary>
    /// The OAuth <c>error</c> string (<c>invalid_grant</c>, <c>server_error</c>, …) of a failed user token request
    /// (<c>authen/v2/oauth/token</c>); null for every other call. <see cref="Code"/> is the finer-grained reason.
    /// </summary>
    public string? OAuthError { get; init; }

    /// <summary>True when the same request may succeed later unchanged: rate limits, 5xx, timeouts, transport failures.</summary>
    /// <remarks>On rate limits <see cref="LarkwayApiException.RetryAfter"/> is the wait Feishu asked for (<c>x-ogw-ratelimit-reset</c>).</remarks>
    public override bool IsTransient => FeishuErrorCodes.IsTransient(Code, HttpStatus);
}

/// <summary>One entry of <c>error.field_violations</c>.</summary>
public sealed record FeishuFieldViolation(string Field, string? Value, string? Description);

/// <summary>One entry of <c>error.permission_violations</c>.</summary>
public sealed record FeishuPermissionViolation(string Type, string Subject, string? Description);
