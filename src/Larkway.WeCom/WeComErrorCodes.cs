using System.Net;

namespace Larkway.WeCom;

/// <summary>
/// The codes the client decides on. WeCom answers HTTP 200 with a numeric <c>errcode</c> (0 is success); it lands in
/// <see cref="Larkway.Clients.LarkwayApiException.Code"/> as text. The client's own failures start with <c>Larkway.</c>.
/// </summary>
public static class WeComErrorCodes
{
    /// <summary>The prefix of the client's own codes.</summary>
    public const string LocalPrefix = Clients.LarkwayApiException.LocalCodePrefix;

    /// <summary>The system is busy; WeCom advises a retry (at most 3).</summary>
    public const string SystemBusy = "-1";

    /// <summary>Invalid secret (不合法的secret参数); also answered for an access token that is not the latest.</summary>
    public const string InvalidSecret = "40001";

    /// <summary>Invalid UserID.</summary>
    public const string InvalidUserId = "40003";

    /// <summary>Invalid media type.</summary>
    public const string InvalidMediaType = "40004";

    /// <summary>Invalid media size.</summary>
    public const string InvalidMediaSize = "40006";

    /// <summary>Invalid media_id.</summary>
    public const string InvalidMediaId = "40007";

    /// <summary>Invalid msgtype.</summary>
    public const string InvalidMessageType = "40008";

    /// <summary>Invalid corp id.</summary>
    public const string InvalidCorpId = "40013";

    /// <summary>Invalid access_token.</summary>
    public const string InvalidAccessToken = "40014";

    /// <summary>Invalid parameter.</summary>
    public const string InvalidParameter = "40035";

    /// <summary>A parameter WeCom does not take (不合法的参数), e.g. a <c>kf/sync_msg</c> cursor it no longer keeps.</summary>
    public const string IllegalParameter = "40058";

    /// <summary>Missing access_token.</summary>
    public const string MissingAccessToken = "41001";

    /// <summary>The access_token has expired.</summary>
    public const string AccessTokenExpired = "42001";

    /// <summary>The API's frequency limit was reached.</summary>
    public const string RateLimited45009 = "45009";

    /// <summary>Too many calls of the API at once (api concurrent out of limit).</summary>
    public const string ConcurrencyLimited45033 = "45033";

    /// <summary>The department does not exist.</summary>
    public const string DepartmentNotFound = "60003";

    /// <summary>No privilege: the member, department or tag is outside the app's visible range (no privilege to access/modify contact/party/agent).</summary>
    public const string NoContactPrivilege = "60011";

    /// <summary>The content is too long (text over 2048 bytes, …).</summary>
    public const string ContentTooLong = "45002";

    /// <summary>No visible user: the member is not in the app's visible range (or does not exist).</summary>
    public const string UserNotFound = "60111";

    /// <summary>The caller's IP is not in the app's trusted IP list (不安全的访问IP).</summary>
    public const string UntrustedIp = "60020";

    /// <summary>No recipient is valid: every user, department and tag is invalid or outside the app's visible range.</summary>
    public const string AllRecipientsInvalid = "81013";

    /// <summary>The app has no permission for this API (api forbidden).</summary>
    public const string ApiForbidden = "48002";

    /// <summary>Approval (审批): a parameter of the call is refused (a required control missing, a value of the wrong shape, a creator outside the app's visible range, a bad time range …); errmsg names it.</summary>
    public const string ApprovalParameterError = "301025";

    /// <summary>Customer service: the open_kfid is not valid.</summary>
    public const string KfInvalidAccount = "95000";

    /// <summary>Customer service: 5 messages were already sent since the customer last wrote; wait for them to write again.</summary>
    public const string KfMessageLimit = "95001";

    /// <summary>Customer service: more than 48 hours since the customer last wrote; the app can no longer send to them.</summary>
    public const string KfTimeLimit = "95002";

    /// <summary>Customer service: the account does not exist (deleted, or another corp's).</summary>
    public const string KfAccountNotFound = "95004";

    /// <summary>Customer service: the msgtoken (sync_msg's token, an event's code) is not valid or has expired.</summary>
    public const string KfInvalidToken = "95007";

    /// <summary>Customer service: the session has ended.</summary>
    public const string KfSessionEnded = "95013";

    /// <summary>Customer service: the member is not a receptionist of the account, or not activated in WeCom.</summary>
    public const string KfNotAServicer = "95014";

    /// <summary>Customer service: the session cannot move to that state from its current one.</summary>
    public const string KfTransitionRefused = "95016";

    /// <summary>Customer service: the API switch of the customer-service app is off.</summary>
    public const string KfApiSwitchOff = "95017";

    /// <summary>Customer service: the session's state does not let the app send (a receptionist holds it, or it is past 48 hours).</summary>
    public const string KfStateForbidsSending = "95018";

    /// <summary>Customer service: the receptionist has stopped or is suspended.</summary>
    public const string KfServicerStopped = "95019";

    /// <summary>Customer service: the customer has not written within 48 hours.</summary>
    public const string KfNoRecentConsultation = "95031";

    /// <summary>Customer service: the msgid was used before in this account.</summary>
    public const string KfDuplicateMsgId = "95033";

    /// <summary>The customer-service account is not handed to this app (通过API管理微信客服账号).</summary>
    public const string KfAccountNotDelegated = "48007";

    /// <summary>Group robot: the webhook key is not valid (the robot was removed or the URL is wrong).</summary>
    public const string InvalidWebhookUrl = "93000";

    /// <summary>Local: no answer within the timeout.</summary>
    public const string Timeout = LocalPrefix + "Timeout";

    /// <summary>Local: WeCom could not be reached.</summary>
    public const string NetworkError = LocalPrefix + "NetworkError";

    /// <summary>Local: the answer did not have the documented shape.</summary>
    public const string MalformedResponse = LocalPrefix + "MalformedResponse";

    /// <summary>Local: the request breaks a documented rule and was not sent.</summary>
    public const string InvalidRequest = LocalPrefix + "InvalidRequest";

    /// <summary>Local: the client held the request to a documented rate and could not send it within the allowed wait.</summary>
    public const string RateLimited = LocalPrefix + "RateLimited";

    /// <summary>Local: an AI bot file's URL is unknown or expired (WeCom keeps it valid 5 minutes): the user sends it again.</summary>
    public const string FileExpired = LocalPrefix + "FileExpired";

    /// <summary>Local: an AI bot file is larger than the caller's limit; it was not read whole.</summary>
    public const string FileTooLarge = LocalPrefix + "FileTooLarge";

    /// <summary>Local: an AI bot file did not decrypt: the key is malformed or not the file's (bad padding).</summary>
    public const string FileDecryptFailed = LocalPrefix + "FileDecryptFailed";

    /// <summary>True when the cached access token is what WeCom refused: the client drops it, fetches a new one and sends again once.</summary>
    public static bool IsInvalidToken(string code) => code is InvalidAccessToken or AccessTokenExpired or InvalidSecret;

    /// <summary>
    /// True for a refusal because of the rate of calls (45009, 45033 too many at once, HTTP 429, the client's own robot
    /// gate). WeCom carried none of them out, so the same call may be sent again later.
    /// </summary>
    public static bool IsRateLimit(string code, HttpStatusCode? status = null) =>
        status == HttpStatusCode.TooManyRequests || code is RateLimited45009 or ConcurrencyLimited45033 or RateLimited;

    /// <summary>True when the same request may succeed later unchanged.</summary>
    public static bool IsTransient(string code, HttpStatusCode? status) =>
        IsRateLimit(code, status)
        || code is SystemBusy or Timeout or NetworkError
        || status is >= HttpStatusCode.InternalServerError;
}
