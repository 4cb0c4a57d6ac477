namespace Larkway.Feishu.Events;

/// <summary>
/// Every log event id of Larkway.Feishu.Events in one table, so none is used twice. Ranges by folder; a new message takes the
/// next free id of its folder's range.
/// </summary>
internal static class LogEvents
{
    // Dispatch
    public const int FeishuEventDispatcherNoHandler = 3101;

    // LongConnection
    public const int LongConnectionDiscovering = 3200;
    public const int LongConnectionConnected = 3201;
    public const int LongConnectionDisconnected = 3202;
    public const int LongConnectionReconnectAttempt = 3203;
    public const int LongConnectionRetryableFailure = 3204;
    public const int LongConnectionStopped = 3205;
    public const int LongConnectionWatchdogFired = 3206;
    public const int LongConnectionConfigApplied = 3207;
    public const int LongConnectionPingIntervalIgnored = 3208;
    public const int LongConnectionMalformedPayload = 3209;
    public const int LongConnectionWrongToken = 3210;
    public const int LongConnectionSinkFailed = 3211;
    public const int LongConnectionFragmentsDropped = 3212;
    public const int LongConnectionInvalidFrame = 3213;
    public const int LongConnectionBusy = 3214;
    public const int LongConnectionSendFailed = 3215;
    public const int LongConnectionCancelled = 3216;
    public const int LongConnectionFrameIgnored = 3217;
    public const int LongConnectionTextIgnored = 3218;
    public const int LongConnectionOversizedMessage = 3219;
    public const int LongConnectionChallengeIgnored = 3220;
    public const int LongConnectionHandled = 3221;
    public const int LongConnectionReplacing = 3222;
    public const int LongConnectionPongMissed = 3223;
}
