using System.Net;

namespace Larkway.Feishu;

/// <summary>
/// Named Feishu error codes (from the generic error-code page and the API pages), plus negative codes
/// for failures detected on this side of the wire.
/// </summary>
public static class FeishuErrorCodes
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
    /// <summary>Too many message sends were already queued for the client-side rate limits.</summary>
    public const int ClientRateLimitQueueFull = -6;

    // --- Generic platform codes. ---
    public const int InvalidParameter = 10003;
    public const int AppAccessTokenFailed = 10012;
    public const int TenantAccessTokenFailed = 10013;
    public const int AppUnavailable = 10014;
    public const int WrongAppSecret = 10015;
    public const int PathNotFound = 99991201;
    public const int MethodMismatch = 99991301;
    public const int RateLimited = 99991400;
    public const int IpDenied = 99991401;
    public const int MonthlyQuotaExceeded = 99991403;
    public const int MissingAccessToken = 99991661;
    public const int AppNotInUse = 99991662;
    public const int TenantAccessTokenInvalid = 99991663;
    public const int AppAccessTokenInvalid = 99991664;
    public const int InvalidTenantCode = 99991665;
    public const int UserAccessTokenInvalid = 99991668;
    public const int UserRefreshTokenInvalid = 99991669;
    public const int InvalidTokenFormat = 99991671;
    public const int AppScopeMissing = 99991672;
    public const int AppUnauthorized = 99991673;
    public const int UserTokenExpired = 99991677;
    public const int UserScopeMissing = 99991679;
    public const int LoginUserInvalid = 99991543;
    public const int FieldValidationFailed = 99992402;

    // --- IM. ---
    public const int MessageServiceRateLimited = 11232;
    public const int MessageChatRateLimited = 11233;
    public const int InternalSendRateLimited = 11247;
    public const int ImInvalidParameter = 230001;
    public const int BotNotInChat = 230002;
    public const int BotAbilityNotActivated = 230006;
    public const int MessageRecallExpired = 230009;
    public const int MessageRecalled = 230011;
    public const int BotUnavailableToUser = 230013;
    public const int ImRateLimited = 230020;
    public const int MessageTooLong = 230025;
    public const int NoPermissionToRecall = 230026;
    public const int CardPatchExpired = 230031;
    public const int InvalidReceiveId = 230034;
    public const int MessageBeingSent = 230049;
    public const int UploadTypeMismatch = 230055;
    public const int OperatorNotSender = 230071;
    public const int EditLimitReached = 230072;
    public const int CardContentFailed = 230099;
    public const int MessageDeleted = 230110;

    // --- Chats. ---
    public const int ChatInvalidParameter = 232001;
    public const int InvalidChatId = 232006;
    public const int ChatDissolved = 232009;
    public const int OperatorNotInChat = 232011;
    public const int ChatNoPermission = 232014;
    public const int ChatRateLimited = 232019;

    // --- Custom (webhook) bots. ---
    public const int WebhookBadRequest = 9499;
    public const int WebhookTokenInvalid = 19001;
    public const int WebhookBadFormat = 19002;
    public const int WebhookSignatureMismatch = 19021;
    public const int WebhookIpNotAllowed = 19022;
    public const int WebhookKeywordsNotFound = 19024;
    public const int WebhookMessageTooLarge = 19036;

    /// <summary>Rate-limit codes: retry after the platform's reset interval.</summary>
    public static bool IsRateLimit(int code) => code is RateLimited or MessageServiceRateLimited or MessageChatRateLimited
        or InternalSendRateLimited or ImRateLimited or ChatRateLimited;

    /// <summary>Codes meaning the cached tenant/app token is no longer good: drop it and fetch a new one.</summary>
    public static bool IsInvalidToken(int code) => code is TenantAccessTokenInvalid or AppAccessTokenInvalid or InvalidTokenFormat;

    /// <summary>Whether a failure may succeed if the same request is sent again later.</summary>
    public static bool IsTransient(int code, HttpStatusCode? status) =>
        IsRateLimit(code)
        || code is NetworkError or Timeout or MessageBeingSent or ClientRateLimitQueueFull
        || status is HttpStatusCode.TooManyRequests
        || (status is { } s && (int)s >= 500 && !IsPermanentServerCode(code));

    // A 5xx carrying one of these is not worth retrying: the platform will give the same answer.
    private static bool IsPermanentServerCode(int code) => code is AppUnavailable or WrongAppSecret or AppScopeMissing;
}
