namespace Larkway.Feishu.AspNetCore;

/// <summary>
/// Every log event id of Larkway.Feishu.AspNetCore in one table, so none is used twice. Ranges by folder; a new message takes the
/// next free id of its folder's range.
/// </summary>
internal static class LogEvents
{
    // (root)
    public const int FeishuEventRequestHandlerRejected = 3301;
    public const int FeishuEventRequestHandlerSinkFailed = 3302;
    public const int FeishuEventRequestHandlerCardActionLate = 3303;
    public const int FeishuEventRequestHandlerLateCardActionFailed = 3304;
    public const int FeishuEventRequestHandlerClientGone = 3310;

    // Authentication
    public const int FeishuAuthenticationHandlerRefused = 3320;
    public const int FeishuAuthenticationHandlerTokensStored = 3321;

    // Jsapi
    public const int FeishuJsapiConfigRefused = 3330;
    public const int FeishuJsapiConfigFeishuFailed = 3331;
}
