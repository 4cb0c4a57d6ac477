namespace Larkway.Hub.Platform;

/// <summary>
/// Every log event id of the Hub in one table, so none is used twice: 40xx storage and inbox, 41xx console and admin,
/// 42xx notifications, 43xx webhooks, 44xx apps, 46xx approvals, 47xx bots, 48xx the work queue,
/// 49xx observability: 490x–491x export and health, 492x monitoring (the dashboard's recorder), 493x alerts.
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

    // Monitoring (Monitoring/): the recorder behind the console's dashboard.
    public const int MonitoringFlushFailed = 4920;
    public const int MonitoringPruned = 4921;

    // Alerts (Alerts/).
    public const int AlertOpened = 4930;
    public const int AlertCleared = 4931;
    public const int AlertEvaluationFailed = 4932;
    public const int AlertNotifyFailed = 4933;
    public const int AlertNotificationSkipped = 4934;
}
