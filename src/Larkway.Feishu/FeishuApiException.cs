using System.Net;

namespace Larkway.Feishu;

/// <summary>
/// The one exception for every failed Open Platform call: a non-zero <c>code</c>, an HTTP failure,
/// a transport failure, or a local check that the request would be rejected.
/// </summary>
public class FeishuApiException : Exception
{
    /// <summary>A failed call: Feishu's (or the client's own negative) <paramref name="code"/> and <paramref name="errorMessage"/>.</summary>
    /// <param name="code">The business code; see <see cref="FeishuErrorCodes"/>.</param>
    /// <param name="errorMessage">Feishu's message (<c>msg</c>), or the client's description of a local failure.</param>
    /// <param name="httpStatus">The HTTP status, when an answer came.</param>
    /// <param name="requestId">Feishu's log id (<c>X-Tt-Logid</c>), when it gave one.</param>
    /// <param name="innerException">What caused a local failure.</param>
    public FeishuApiException(int code, string errorMessage, HttpStatusCode? httpStatus = null, string? requestId = null, Exception? innerException = null)
        : base(Describe(code, errorMessage, requestId), innerException)
    {
        Code = code;
        ErrorMessage = errorMessage;
        HttpStatus = httpStatus;
        RequestId = requestId;
    }

    /// <summary>Feishu's business code (<c>code</c> in the body); see <see cref="FeishuErrorCodes"/>. Negative for local (client-side) failures.</summary>
    public int Code { get; }

    /// <summary>Feishu's message text (<c>msg</c>). Informational only: decide on <see cref="Code"/>.</summary>
    public string ErrorMessage { get; }

    /// <summary>The HTTP status of the response, when there was one.</summary>
    public HttpStatusCode? HttpStatus { get; }

    /// <summary>The request's log id (<c>X-Tt-Logid</c> header, or <c>error.log_id</c>): quote it to Feishu support.</summary>
    public string? RequestId { get; }

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

    /// <summary>Seconds the platform asked us to wait (<c>x-ogw-ratelimit-reset</c>), on rate limits.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True when the same request may succeed later unchanged: rate limits, 5xx, timeouts, transport failures.</summary>
    public bool IsTransient => FeishuErrorCodes.IsTransient(Code, HttpStatus);

    // Local failures (negative codes) read as their message alone: "Feishu error -2" would say nothing.
    private static string Describe(int code, string message, string? requestId)
    {
        var text = code < 0 ? message : $"Feishu error {code}: {message}";
        return requestId is null ? text : $"{text} (log id {requestId})";
    }
}

/// <summary>One entry of <c>error.field_violations</c>.</summary>
public sealed record FeishuFieldViolation(string Field, string? Value, string? Description);

/// <summary>One entry of <c>error.permission_violations</c>.</summary>
public sealed record FeishuPermissionViolation(string Type, string Subject, string? Description);
