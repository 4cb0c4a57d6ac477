using System.Net;

namespace Larkway.Feishu;

/// <summary>
/// Named Feishu error codes (from the generic error-code page and the API pages), plus negative codes
/// for failures detected on this side of the wire.
/// </summary>
public static partial class FeishuErrorCodes
{
    // --- Local (client-side) failures: never sent by Feishu. ---
    /// <summary>The request was rejected locally before sending (invalid argument, oversize content, bad card).</summary>
    public const int InvalidRequest = -1;
    /// <summary>The platform could not be reached (DNS, connection refused, TLS).</summary>
    public const int NetworkError = -2;
    /// <summary>No response within the configured timeout.</summary>
    public const int Timeout = -3;
    /// <summary>The response was not the JSON envelope Feishu documents.</summary>
    public const int MalformedResponse = -4;
    /// <summary>App credentials are missing from configuration.</summary>
    public const int MissingCredentials = -5;
    /// <summary>Too many calls (message sends, paced bitable calls) were already queued for the client-side rate limits.</summary>
    public const int ClientRateLimitQueueFull = -6;

    // --- Generic platform codes. ---
    /// <summary>Invalid or missing parameter.</summary>
    public const int InvalidParameter = 10003;
    /// <summary>Failed to get the app access token (for store apps: the app_ticket is invalid).</summary>
    public const int AppAccessTokenFailed = 10012;
    /// <summary>Failed to get the tenant access token.</summary>
    public const int TenantAccessTokenFailed = 10013;
    /// <summary>The app is unavailable or disabled.</summary>
    public const int AppUnavailable = 10014;
    /// <summary>The app secret is wrong.</summary>
    public const int WrongAppSecret = 10015;
    /// <summary>No such API path (HTTP 404).</summary>
    public const int PathNotFound = 99991201;
    /// <summary>The HTTP method does not match the API.</summary>
    public const int MethodMismatch = 99991301;
    /// <summary>Rate limited ("request trigger frequency limit"): wait <c>x-ogw-ratelimit-reset</c> seconds.</summary>
    public const int RateLimited = 99991400;
    /// <summary>The caller IP is not in the app allowlist.</summary>
    public const int IpDenied = 99991401;
    /// <summary>The monthly API call quota is used up.</summary>
    public const int MonthlyQuotaExceeded = 99991403;
    /// <summary>No access token was sent ("Need a token").</summary>
    public const int MissingAccessToken = 99991661;
    /// <summary>The app is disabled.</summary>
    public const int AppNotInUse = 99991662;
    /// <summary>The tenant access token is invalid or expired (or the API does not accept tenant tokens): refresh and retry once.</summary>
    public const int TenantAccessTokenInvalid = 99991663;
    /// <summary>The app access token is invalid: refresh and retry once.</summary>
    public const int AppAccessTokenInvalid = 99991664;
    /// <summary>Invalid tenant code.</summary>
    public const int InvalidTenantCode = 99991665;
    /// <summary>The user access token is invalid or expired, or the API does not accept user tokens.</summary>
    public const int UserAccessTokenInvalid = 99991668;
    /// <summary>The user refresh token is invalid.</summary>
    public const int UserRefreshTokenInvalid = 99991669;
    /// <summary>The token has the wrong format (must start with t-/u-): refresh and retry once.</summary>
    public const int InvalidTokenFormat = 99991671;
    /// <summary>The app has not been granted a required scope.</summary>
    public const int AppScopeMissing = 99991672;
    /// <summary>The app is not installed or not available in the tenant.</summary>
    public const int AppUnauthorized = 99991673;
    /// <summary>The user token has expired: refresh it.</summary>
    public const int UserTokenExpired = 99991677;
    /// <summary>The user has not granted a required scope: re-authorize (see permission violations).</summary>
    public const int UserScopeMissing = 99991679;
    /// <summary>Wrong app id / app secret (login_user invalid).</summary>
    public const int LoginUserInvalid = 99991543;
    /// <summary>Field validation failed (see field violations).</summary>
    public const int FieldValidationFailed = 99992402;

    // --- IM. ---
    /// <summary>Message sending rate limit of the service.</summary>
    public const int MessageServiceRateLimited = 11232;
    /// <summary>Message sending rate limit of one chat.</summary>
    public const int MessageChatRateLimited = 11233;
    /// <summary>Internal message sending rate limit.</summary>
    public const int InternalSendRateLimited = 11247;
    /// <summary>Invalid IM request parameter (also invalid receive_id, page size over the limit).</summary>
    public const int ImInvalidParameter = 230001;
    /// <summary>The bot is not in the chat.</summary>
    public const int BotNotInChat = 230002;
    /// <summary>The app has no bot ability enabled.</summary>
    public const int BotAbilityNotActivated = 230006;
    /// <summary>The message is older than the recall window.</summary>
    public const int MessageRecallExpired = 230009;
    /// <summary>The message was recalled.</summary>
    public const int MessageRecalled = 230011;
    /// <summary>The user is outside the app's availability (or has resigned).</summary>
    public const int BotUnavailableToUser = 230013;
    /// <summary>IM operation rate limit.</summary>
    public const int ImRateLimited = 230020;
    /// <summary>The content is too long (text 150 KB, post/card 30 KB).</summary>
    public const int MessageTooLong = 230025;
    /// <summary>No permission to recall the message.</summary>
    public const int NoPermissionToRecall = 230026;
    /// <summary>Cards can be updated only within 14 days.</summary>
    public const int CardPatchExpired = 230031;
    /// <summary>The receive_id is invalid.</summary>
    public const int InvalidReceiveId = 230034;
    /// <summary>A message with the same uuid is being sent: retry later.</summary>
    public const int MessageBeingSent = 230049;
    /// <summary>The uploaded file type does not match msg_type.</summary>
    public const int UploadTypeMismatch = 230055;
    /// <summary>Only the sender may edit the message.</summary>
    public const int OperatorNotSender = 230071;
    /// <summary>The message was edited 20 times already.</summary>
    public const int EditLimitReached = 230072;
    /// <summary>The card content could not be created (bad card JSON, missing template, invalid image keys).</summary>
    public const int CardContentFailed = 230099;
    /// <summary>The message was deleted.</summary>
    public const int MessageDeleted = 230110;

    // --- Chats. ---
    /// <summary>Invalid chat request parameter.</summary>
    public const int ChatInvalidParameter = 232001;
    /// <summary>The chat id is invalid.</summary>
    public const int InvalidChatId = 232006;
    /// <summary>The chat was disbanded.</summary>
    public const int ChatDissolved = 232009;
    /// <summary>The operator is not in the chat.</summary>
    public const int OperatorNotInChat = 232011;
    /// <summary>No permission for this chat operation.</summary>
    public const int ChatNoPermission = 232014;
    /// <summary>Too many concurrent changes to one chat.</summary>
    public const int ChatRateLimited = 232019;

    // --- Custom (webhook) bots. ---
    /// <summary>Custom bot: bad request.</summary>
    public const int WebhookBadRequest = 9499;
    /// <summary>Custom bot: the webhook token is invalid.</summary>
    public const int WebhookTokenInvalid = 19001;
    /// <summary>Custom bot: bad input format or unknown msg_type.</summary>
    public const int WebhookBadFormat = 19002;
    /// <summary>Custom bot: the signature does not match.</summary>
    public const int WebhookSignatureMismatch = 19021;
    /// <summary>Custom bot: the IP is not allowed.</summary>
    public const int WebhookIpNotAllowed = 19022;
    /// <summary>Custom bot: the message lacks the configured keywords.</summary>
    public const int WebhookKeywordsNotFound = 19024;
    /// <summary>Custom bot: the message exceeds the size limit.</summary>
    public const int WebhookMessageTooLarge = 19036;

    /// <summary>Rate-limit codes: retry after the platform's reset interval.</summary>
    public static bool IsRateLimit(int code) => code is RateLimited or MessageServiceRateLimited or MessageChatRateLimited
        or InternalSendRateLimited or ImRateLimited or ChatRateLimited or BitableTooManyRequests or BitableTooManyRequestsInBase;

    /// <summary>Codes meaning the cached tenant/app token is no longer good: drop it and fetch a new one.</summary>
    public static bool IsInvalidToken(int code) => code is TenantAccessTokenInvalid or AppAccessTokenInvalid or InvalidTokenFormat;

    /// <summary>
    /// Whether a failure may succeed if the same request is sent again later. An invalid tenant/app token is: the client
    /// renews it and retries once, and a token that was rotated or expired again meanwhile is renewed by the next call.
    /// </summary>
    public static bool IsTransient(int code, HttpStatusCode? status) =>
        IsRateLimit(code)
        || IsInvalidToken(code)
        || IsBitableTransient(code)
        || code is NetworkError or Timeout or MessageBeingSent or ClientRateLimitQueueFull or OAuthServerError or OAuthTemporarilyUnavailable
        || status is HttpStatusCode.TooManyRequests
        || (status is { } s && (int)s >= 500 && !IsPermanentServerCode(code));

    // A 5xx carrying one of these is not worth retrying: the platform will give the same answer.
    private static bool IsPermanentServerCode(int code) => code is AppUnavailable or WrongAppSecret or AppScopeMissing;
}
