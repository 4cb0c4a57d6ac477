namespace Larkway.Feishu;

/// <summary>
/// Every log event id of Larkway.Feishu in one table, so none is used twice. The assembly's range is 1000–1699 (docs/metrics.md lists
/// every assembly's, and a test fails on an id outside it or shared in the Hub's process). Ranges by folder; a new
/// message takes the next free id of its folder's range.
/// </summary>
internal static class LogEvents
{
    // Http
    public const int CallSucceeded = 1001;
    public const int CallFailed = 1002;
    public const int CallFailedWithoutResponse = 1003;
    public const int TokenRejected = 1010;
    public const int Retrying = 1020;
    public const int RateLimitWaited = 1030;

    // Authen
    public const int UserTokenRefreshed = 1100;
    public const int UserTokenRefreshFailed = 1101;
    public const int UserTokenDropped = 1102;

    // Bitable
    public const int BitableBatchShrunk = 1200;
    public const int BitableBatchRestored = 1201;
    public const int BitableBatchCapLowered = 1202;
    public const int BitableRecordRefused = 1203;

    // CardKit
    public const int CardKitStreamUpdateFailed = 1300;
    public const int CardKitStreamReopened = 1301;
    public const int CardKitStreamFinishFailed = 1302;
}
