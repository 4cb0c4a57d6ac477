namespace Larkway.Emulator.WeCom.Platform;

/// <summary>
/// WeCom's error codes (全局错误码, developer.work.weixin.qq.com/document/path/90313) with the emulator's English errmsg.
/// Clients must branch on errcode only: WeCom says its errmsg may change.
/// </summary>
internal static class WeComCodes
{
    public const int SystemBusy = -1;
    public const int InvalidSecret = 40001;
    public const int InvalidUserId = 40003;
    public const int InvalidMediaType = 40004;
    public const int InvalidType = 40005;
    public const int InvalidFileSize = 40006;
    public const int InvalidMediaId = 40007;
    public const int InvalidMsgType = 40008;
    public const int InvalidImageSize = 40009;
    public const int InvalidVideoSize = 40011;
    public const int InvalidCorpId = 40013;
    public const int InvalidAccessToken = 40014;
    public const int InvalidCode = 40029;
    public const int InvalidAgentId = 40056;
    public const int InvalidParameter = 40058;
    public const int EmptyParameter = 40063;
    public const int MissingAccessToken = 41001;
    public const int MissingCorpId = 41002;
    public const int MissingSecret = 41004;
    public const int MissingCode = 41008;
    public const int AccessTokenExpired = 42001;
    public const int EmptyMedia = 44001;
    public const int EmptyContent = 44004;
    public const int MediaTooLarge = 45001;
    public const int ContentTooLarge = 45002;
    public const int TooManyArticles = 45008;
    public const int FrequencyLimited = 45009;
    public const int ConcurrencyLimited = 45033;
    public const int UserNotExist = 46004;
    public const int DataFormatError = 47001;
    public const int DepartmentNotFound = 60003;
    public const int NoContactPrivilege = 60011;
    public const int UserIdNotFound = 60111;
    public const int InvalidDepartmentId = 60123;
    public const int AllRecipientsInvalid = 81013;
    public const int AllRecipientsEmpty = 82001;
    public const int InvalidWebhook = 93000;
    public const int EmptyRobotContent = 93017;
    public const int NoAppPermission = 301002;
    public const int ApprovalParameterError = 301025;

    public static string Message(int code) => code switch
    {
        SystemBusy => "system busy",
        InvalidSecret => "invalid credential",
        InvalidUserId => "invalid userid",
        InvalidMediaType => "invalid media type",
        InvalidType => "invalid type",
        InvalidFileSize => "invalid file size",
        InvalidMediaId => "invalid media_id",
        InvalidMsgType => "invalid message type",
        InvalidImageSize => "invalid image size",
        InvalidVideoSize => "invalid video size",
        InvalidCorpId => "invalid corpid",
        InvalidAccessToken => "invalid access_token",
        InvalidCode => "invalid code",
        InvalidAgentId => "invalid agentid",
        InvalidParameter => "invalid parameter",
        EmptyParameter => "empty parameter",
        MissingAccessToken => "access_token missing",
        MissingCorpId => "corpid missing",
        MissingSecret => "corpsecret missing",
        MissingCode => "missing code",
        AccessTokenExpired => "access_token expired",
        EmptyMedia => "empty media data",
        EmptyContent => "empty content",
        MediaTooLarge => "media size out of limit",
        ContentTooLarge => "content size out of limit",
        TooManyArticles => "article size out of limit",
        FrequencyLimited => "api freq out of limit",
        ConcurrencyLimited => "api concurrent out of limit",
        UserNotExist => "user no exist",
        DataFormatError => "data format error",
        DepartmentNotFound => "department not found",
        NoContactPrivilege => "no privilege to access/modify contact/party/agent",
        UserIdNotFound => "userid not found",
        InvalidDepartmentId => "invalid department id",
        AllRecipientsInvalid => "user & party & tag all invalid",
        AllRecipientsEmpty => "user & party & tag all empty",
        InvalidWebhook => "invalid webhook url",
        EmptyRobotContent => "the request content must not be empty",
        NoAppPermission => "no privilege to access/modify the app",
        ApprovalParameterError => "get approval param error",
        _ => "error",
    };
}
