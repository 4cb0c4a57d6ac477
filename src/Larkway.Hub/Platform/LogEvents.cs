namespace Larkway.Hub.Platform;

/// <summary>
/// Every log event id of the Hub in one table, so none is used twice: 40xx storage and inbox, 41xx console and admin,
/// 42xx notifications, 43xx webhooks, 44xx apps, 46xx approvals, 47xx bots, 48xx the work queue.
/// </summary>
internal static class LogEvents
{
    // The work queue (Platform/Queue).
    public const int QueueStarted = 4800;
    public const int QueueStopped = 4801;
    public const int QueueClaimFailed = 4802;
    public const int QueueRenewFailed = 4803;
    public const int QueueHandlerFailed = 4804;
    public const int QueueRetrying = 4805;
    public const int QueueDeadLettered = 4806;
    public const int QueueLeaseLost = 4807;
    public const int QueueRecordFailed = 4808;
    public const int QueueStatsFailed = 4809;
}
