namespace Larkway.Feishu.AspNetCore;

/// <summary>
/// Every log event id of Larkway.Feishu.AspNetCore in one table, so none is used twice. The assembly's range is 1900–1999 (docs/metrics.md lists
/// every assembly's, and a test fails on an id outside it or shared in the Hub's process). Ranges by folder; a new
/// message takes the next free id of its folder's range.
/// </summary>
internal static class LogEvents
{
    // (root)
    public const int FeishuEventRequestHandlerRejected = 1901;
    public const int FeishuEventRequestHandlerSinkFailed = 1902;
    public const int FeishuEventRequestHandlerCardActionLate = 1903;
    public const int FeishuEventRequestHandlerLateCardActionFailed = 1904;
    public const int FeishuEventRequestHandlerClientGone = 1910;

    // Authentication
    public const int FeishuAuthenticationHandlerRefused = 1920;
    public const int FeishuAuthenticationHandlerTokensStored = 1921;

    // Jsapi
    public const int FeishuJsapiConfigRefused = 1930;
    public const int FeishuJsapiConfigFeishuFailed = 1931;
}
