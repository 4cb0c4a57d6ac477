namespace Larkway.Emulator.Platform;

/// <summary>
/// Feishu business codes the emulator answers with (reference/feishu-errors.md, feishu-api.md §1.7, §4, §6).
/// </summary>
public static class ErrorCodes
{
    public const int Success = 0;

    // Generic (generic-error-code page).
    public const int InternalError = 1; // Emulator choice: no documented code for an unexpected server fault.
    public const int BadRequest = 9499;
    public const int InvalidParameter = 10003;
    public const int AppUnavailable = 10014;
    public const int WrongAppSecret = 10015;
    public const int AppCredentialsInvalid = 99991543;
    public const int PathNotFound = 99991201;
    public const int MethodNotAllowed = 99991301;
    public const int RateLimited = 99991400;
    public const int MissingToken = 99991661;
    public const int TenantTokenInvalid = 99991663;
    public const int ScopeRequired = 99991672;
    public const int AppTokenInvalid = 99991664;
    public const int UserTokenInvalid = 99991668;
    public const int UserTokenExpired = 99991677;
    public const int TokenFormatInvalid = 99991671;

    /// <summary>The open_id was issued to another app (generic-error-code page: "open_id cross app").</summary>
    public const int OpenIdCrossApp = 99992361;

    // IM messages (send/edit/recall/patch pages).
    public const int ImInvalidParameter = 230001;
    public const int BotNotInChat = 230002;
    public const int MessageRecalled = 230011;
    public const int P2pChatCannotBeShared = 230015;
    public const int BotNotResourceOwner = 230017;
    public const int ImRateLimited = 230020;
    public const int MessageTooLong = 230025;
    public const int BotUnavailableToUser = 230013;
    public const int ReceiveIdInvalid = 230034;
    public const int CardUpdateWindowExpired = 230031;
    public const int NoRecallPermission = 230026;
    public const int NoPermission = 230027;
    public const int RecallWindowExpired = 230009;
    public const int OperatorNotSender = 230071;
    public const int EditLimitReached = 230072;
    public const int ResourceTypeMismatch = 230055;
    public const int CardContentInvalid = 230099;

    // Uploads (upload image/file pages; not in the shared reference — emulator uses these consistently).
    public const int UploadInvalidParameter = 234001;
    public const int UploadTooLarge = 234006;
    public const int UploadEmpty = 234010;
    public const int UploadUnknownImageFormat = 234011;

    // Contact v3 (reference §9: 40001 is the family's parameter error).
    public const int ContactInvalidParameter = 40001;

    /// <summary>HTTP 403: the department is outside the app's contact scope (or does not exist) — "no dept authority error".</summary>
    public const int ContactNoDepartmentAuthority = 40004;

    /// <summary>HTTP 400: page_size out of range ("page size is invalid").</summary>
    public const int ContactPageSizeInvalid = 40011;

    /// <summary>HTTP 400: a page_token not issued for this listing ("page token is invalid error").</summary>
    public const int ContactPageTokenInvalid = 40012;

    /// <summary>HTTP 403: the user is outside the app's contact scope, unknown, or another app's open_id — "no user authority error".</summary>
    public const int ContactNoUserAuthority = 41050;

    // Chats and members.
    public const int ChatInvalidParameter = 232001;
    public const int ChatIdInvalid = 232006;
    public const int ChatDissolved = 232009;
    public const int OperatorNotInChat = 232011;
    public const int ChatNoPermission = 232014;
    public const int NoValidMembers = 232027;
    public const int BadMemberIdType = 232015;
    public const int NotChatOwner = 232017;

    // Card callbacks: the code the clicking user sees (the client-side error table of the doc 卡片回传交互回调).
    // 200340 is listed there without a meaning we could confirm; the
    // emulator uses it when the callback cannot be delivered at all (nothing configured, connection refused).
    public const int CardCallbackUndeliverable = 200340;
    public const int CardCallbackTimeout = 200341;
    public const int CardCallbackHttpStatus = 200671;
    public const int CardCallbackBadResponse = 200672;
    public const int CardCallbackBadCard = 200673;

    // Custom bot webhook (HTTP 200 for all of these).
    public const int WebhookTokenInvalid = 19001;
    public const int WebhookBadMessage = 19002;
    public const int WebhookSignFailed = 19021;
    public const int WebhookIpNotAllowed = 19022;
    public const int WebhookKeywordsNotFound = 19024;
    public const int WebhookTooLarge = 19036;
    public const int WebhookRateLimited = 11232;

    // Approval v4 (reference §7, error table of the approval pages; HTTP 400 unless noted).
    public const int ApprovalInvalidParameter = 1390001;
    public const int ApprovalCodeNotFound = 1390002;
    public const int ApprovalInstanceNotFound = 1390003;
    public const int ApprovalUserNotFound = 1390004;
    public const int ApprovalSubscriptionExists = 1390007;

    /// <summary>HTTP 403: the user may not act on this task or instance.</summary>
    public const int ApprovalNoPermission = 1390009;
    public const int ApprovalTaskNotFound = 1390010;
    public const int ApprovalDefinitionDeleted = 1390016;
    public const int ApprovalInstanceAlreadyReverted = 1395210;
    public const int ApprovalDuplicateUuid = 60012;
}
