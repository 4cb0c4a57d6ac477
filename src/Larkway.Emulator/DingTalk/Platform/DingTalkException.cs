namespace Larkway.Emulator.DingTalk.Platform;

/// <summary>
/// A DingTalk refusal. New-API refusals carry an HTTP status and a string <see cref="Code"/>; old-API (and robot)
/// refusals are HTTP 200 with a numeric <see cref="ErrCode"/>, sometimes with a sub_code/sub_msg.
/// </summary>
internal sealed class DingTalkException : Exception
{
    private DingTalkException(string message, int httpStatus, string? code, int errCode)
        : base(message)
    {
        HttpStatus = httpStatus;
        Code = code;
        ErrCode = errCode;
    }

    public DingTalkException()
        : this("DingTalk error", 500, "ServiceUnavailable", -1)
    {
    }

    public DingTalkException(string message)
        : this(message, 500, "ServiceUnavailable", -1)
    {
    }

    public DingTalkException(string message, Exception innerException)
        : base(message, innerException)
    {
        HttpStatus = 500;
        Code = "ServiceUnavailable";
        ErrCode = -1;
    }

    public int HttpStatus { get; }

    /// <summary>The new API's code ("InvalidAuthentication"); null for an old-API refusal.</summary>
    public string? Code { get; }

    /// <summary>The old API's errcode (for a new-API refusal, -1: it is never written).</summary>
    public int ErrCode { get; }

    public string? SubCode { get; init; }

    public string? SubMsg { get; init; }

    /// <summary>An api.dingtalk.com /v1.0 refusal: non-2xx with <c>{code,message,requestid}</c>.</summary>
    public static DingTalkException Api(int httpStatus, string code, string message) => new(message, httpStatus, code, -1);

    /// <summary>An oapi.dingtalk.com refusal: HTTP 200 with <c>{errcode,errmsg}</c>.</summary>
    public static DingTalkException Oapi(int errCode, string errMsg) => new(errMsg, 200, null, errCode);

    /// <summary>The new API's "a required field is absent or unusable" (the exact code per field is unsure; see README).</summary>
    public static DingTalkException InvalidParameter(string message) => Api(400, DingTalkCodes.InvalidParameter, message);
}

/// <summary>Codes and messages of DingTalk's answers, in one place; where the real value is unconfirmed it says so.</summary>
internal static class DingTalkCodes
{
    // New API (api.dingtalk.com /v1.0) string codes.
    public const string InvalidAuthentication = "InvalidAuthentication";
    public const string InvalidAuthenticationMessage = "不合法的access_token";

    /// <summary>Unsure: the code a wrong appKey/appSecret gets from /v1.0/oauth2/accessToken (HTTP 400).</summary>
    public const string InvalidClientIdOrSecret = "invalidClientIdOrSecret";

    /// <summary>Unsure: DingTalk names missing fields in several ways (Missing…, invalidParameter.…); we use one code.</summary>
    public const string InvalidParameter = "InvalidParameter";
    public const string MissingBody = "MissingBody";
    public const string ServiceUnavailable = "ServiceUnavailable";
    public const string QpsLimit = "Forbidden.AccessDenied.QpsLimitForApi";

    /// <summary>Unsure: what the gateway answers for a path it does not know.</summary>
    public const string NotFound = "InvalidAction.NotFound";

    // Old API (oapi.dingtalk.com) errcodes.
    public const int SystemBusy = -1;
    public const string SystemBusyMessage = "系统繁忙";
    public const int PathNotFound = 404;
    public const int MissingParameter = 40035;
    public const int InvalidAccessToken = 40014;
    public const int AccessTokenExpired = 42001;
    public const int InvalidAppKeyOrSecret = 40089;

    /// <summary>Unsure of the exact text; 90018 is DingTalk's "this app called the API above its QPS".</summary>
    public const int QpsExceeded = 90018;
    public const int UserNotFound = 60121;

    /// <summary>Documented for the contact APIs ("无效的参数"); also used here where DingTalk's own code is unknown (see README).</summary>
    public const int InvalidParameterErrCode = 400002;
    public const int DepartmentNotFound = 60003;

    /// <summary>DingTalk's global code for a department outside the app's contact scope (通讯录权限范围); the exact text is unsure.</summary>
    public const int DepartmentOutOfScope = 50004;
    public const string DepartmentOutOfScopeMessage = "请求的部门id不在授权范围内";
    public const int InvalidMobile = 40104;

    /// <summary>Unsure: the code an agent_id that is not the calling app's gets (DingTalk's "不合法的agentid").</summary>
    public const int InvalidAgentId = 40056;

    // Custom robot webhook errcodes.
    public const int RobotTokenNotExist = 300005;
    public const int RobotSecurity = 310000;
    public const int RobotSendTooFast = 130101;

    /// <summary>A body that is not declared as JSON (clients posting a form are refused; the code's text is unsure).</summary>
    public const int InvalidContentType = 43004;

    /// <summary>Seen from the real webhook (2025): a missing or ill-typed field of the message.</summary>
    public const int RobotFieldInvalid = 400402;
}
