using System.Net;

namespace Larkway.DingTalk;

/// <summary>
/// The codes the client decides on. DingTalk has two error shapes: the new API (<c>api.dingtalk.com/v1.0</c>) answers a
/// non-2xx status with a string <c>code</c>; the old API (<c>oapi.dingtalk.com</c>) answers HTTP 200 with a numeric
/// <c>errcode</c>. Both land in <see cref="Larkway.Clients.LarkwayApiException.Code"/> as text. The client's own failures start with
/// <c>Larkway.</c>.
/// </summary>
public static class DingTalkErrorCodes
{
    /// <summary>The prefix of the client's own codes.</summary>
    public const string LocalPrefix = Clients.LarkwayApiException.LocalCodePrefix;

    /// <summary>New API: the access token is missing, unknown or expired.</summary>
    public const string InvalidAuthentication = "InvalidAuthentication";

    /// <summary>Old API: the access token is not valid (不合法的access_token).</summary>
    public const string InvalidAccessToken = "40014";

    /// <summary>Old API: the access token has expired (access_token超时).</summary>
    public const string AccessTokenExpired = "42001";

    /// <summary>Old API: an authentication failure whose reason is in <c>sub_code</c>.</summary>
    public const string AuthenticationFailed = "88";

    /// <summary>Old API: the system is busy; DingTalk advises a retry.</summary>
    public const string SystemBusy = "-1";

    /// <summary>Old API: the app's calls exceeded the API's rate.</summary>
    public const string OldApiRateLimited = "90018";

    /// <summary>Custom robot: the webhook's <c>access_token</c> is unknown (the robot was removed or the URL is wrong).</summary>
    public const string RobotTokenNotFound = "300005";

    /// <summary>Custom robot: a security setting refused the message (keyword, signature, timestamp or IP address).</summary>
    public const string RobotSecurityRefused = "310000";

    /// <summary>Custom robot: more than 20 messages within a minute; DingTalk then blocks the robot for 10 minutes.</summary>
    public const string RobotSendTooFast = "130101";

    /// <summary>Old API: no such member of the organisation (找不到该用户).</summary>
    public const string UserNotFound = "60121";

    /// <summary>Old API: no such department (部门不存在).</summary>
    public const string DepartmentNotFound = "60003";

    /// <summary>Old API: the department is outside the app's contact scope (通讯录权限范围).</summary>
    public const string DepartmentOutOfScope = "50004";

    /// <summary>Old API: a required parameter is missing.</summary>
    public const string MissingParameter = "40035";

    /// <summary>Local: no answer within the timeout.</summary>
    public const string Timeout = LocalPrefix + "Timeout";

    /// <summary>Local: DingTalk could not be reached.</summary>
    public const string NetworkError = LocalPrefix + "NetworkError";

    /// <summary>Local: the answer did not have the documented shape.</summary>
    public const string MalformedResponse = LocalPrefix + "MalformedResponse";

    /// <summary>Local: the request breaks a documented rule and was not sent.</summary>
    public const string InvalidRequest = LocalPrefix + "InvalidRequest";

    /// <summary>Local: the client held the request to a documented rate and could not send it within the allowed wait.</summary>
    public const string RateLimited = LocalPrefix + "RateLimited";

    /// <summary>True when the cached app token is what DingTalk refused: the client drops it, fetches a new one and sends again once.</summary>
    public static bool IsInvalidToken(string code, string? subCode = null) => code switch
    {
        InvalidAuthentication or InvalidAccessToken or AccessTokenExpired => true,
        AuthenticationFailed => subCode is InvalidAccessToken or AccessTokenExpired,
        _ => false,
    };

    /// <summary>True for a refusal because of the rate of calls (new API <c>…QpsLimit…</c> / <c>Throttling…</c>, HTTP 429, old API 90018, a custom robot's 130101, the app robot's <c>send.too.fast</c> family).</summary>
    public static bool IsRateLimit(string code, HttpStatusCode? status = null) =>
        status == HttpStatusCode.TooManyRequests
        || code is OldApiRateLimited or RobotSendTooFast
        || code.Contains("QpsLimit", StringComparison.OrdinalIgnoreCase)
        || code.StartsWith("Throttling", StringComparison.OrdinalIgnoreCase)
        || code is "send.too.fast" or "too.many.group" or "too.many.people" or "send.byToken.tooFast"
        || code == RateLimited;

    /// <summary>True when the same request may succeed later unchanged.</summary>
    public static bool IsTransient(string code, HttpStatusCode? status) =>
        IsRateLimit(code, status)
        || code is SystemBusy or Timeout or NetworkError or "ServiceUnavailable" or "SystemError"
        || status is >= HttpStatusCode.InternalServerError;
}
