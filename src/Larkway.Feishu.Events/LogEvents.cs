namespace Larkway.Feishu.Events;

/// <summary>
/// Every log event id of Larkway.Feishu.Events in one table, so none is used twice. The assembly's range is 1700–1899 (docs/metrics.md lists
/// every assembly's, and a test fails on an id outside it or shared in the Hub's process). Ranges by folder; a new
/// message takes the next free id of its folder's range.
/// </summary>
internal static class LogEvents
{
    // Dispatch
    public const int FeishuEventDispatcherNoHandler = 1701;

    // LongConnection
    public const int LongConnectionDiscovering = 1800;
    public const int LongConnectionConnected = 1801;
    public const int LongConnectionDisconnected = 1802;
    public const int LongConnectionReconnectAttempt = 1803;
    public const int LongConnectionRetryableFailure = 1804;
    public const int LongConnectionStopped = 1805;
    public const int LongConnectionWatchdogFired = 1806;
    public const int LongConnectionConfigApplied = 1807;
    public const int LongConnectionPingIntervalIgnored = 1808;
    public const int LongConnectionMalformedPayload = 1809;
    public const int LongConnectionWrongToken = 1810;
    public const int LongConnectionSinkFailed = 1811;
    public const int LongConnectionFragmentsDropped = 1812;
    public const int LongConnectionInvalidFrame = 1813;
    public const int LongConnectionBusy = 1814;
    public const int LongConnectionSendFailed = 1815;
    public const int LongConnectionCancelled = 1816;
    public const int LongConnectionFrameIgnored = 1817;
    public const int LongConnectionTextIgnored = 1818;
    public const int LongConnectionOversizedMessage = 1819;
    public const int LongConnectionChallengeIgnored = 1820;
    public const int LongConnectionHandled = 1821;
    public const int LongConnectionReplacing = 1822;
    public const int LongConnectionPongMissed = 1823;
}
