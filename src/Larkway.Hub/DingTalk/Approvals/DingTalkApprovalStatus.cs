using System.Globalization;
using Larkway.DingTalk.Workflow;
using Larkway.Hub.Approvals;

namespace Larkway.Hub.DingTalk.Approvals;

/// <summary>A DingTalk approval (<c>GET /v1.0/workflow/processInstances</c>) in the approvals' words: its status and its tasks'.</summary>
internal static class DingTalkApprovalStatus
{
    /// <summary>The snapshot of <paramref name="instance"/>.</summary>
    public static ApprovalSnapshot Snapshot(DingTalkProcessInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var records = instance.OperationRecords ?? [];
        var tasks = (instance.Tasks ?? []).Select(t => new ApprovalTaskSnapshot(
            t.TaskId.ToString(CultureInfo.InvariantCulture),
            t.UserId,
            OfTask(t),
            t.ActivityId,
            null, // DingTalk names no node on a task; its activityId is the node
            Comment(t, records),
            Time(t.FinishTime))).ToList();
        return new ApprovalSnapshot(OfInstance(instance.Status, instance.Result), false, tasks);
    }

    /// <summary>
    /// NEW/RUNNING → PENDING; COMPLETED → APPROVED on agree, REJECTED on refuse; TERMINATED and CANCELED → CANCELED. A status
    /// DingTalk adds later reads as PENDING: the approval is kept waiting rather than ended on a guess.
    /// </summary>
    public static string OfInstance(string status, string? result) => status switch
    {
        DingTalkProcessStatus.Completed when string.Equals(result, "agree", StringComparison.OrdinalIgnoreCase) => "APPROVED",
        DingTalkProcessStatus.Completed when string.Equals(result, "refuse", StringComparison.OrdinalIgnoreCase) => "REJECTED",
        DingTalkProcessStatus.Terminated or DingTalkProcessStatus.Canceled => "CANCELED",
        _ => "PENDING",
    };

    /// <summary>
    /// A task: RUNNING (NEW, PAUSED) → PENDING; COMPLETED → APPROVED on AGREE, REJECTED on REFUSE; REDIRECTED → TRANSFERRED;
    /// CANCELED, TERMINATED or any other end → DONE (nothing left for the approver).
    /// </summary>
    public static string OfTask(DingTalkApprovalTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return (task.Status, task.Result?.ToUpperInvariant()) switch
        {
            (_, "REDIRECTED") => "TRANSFERRED",
            ("NEW" or "RUNNING" or "PAUSED", _) => "PENDING",
            ("COMPLETED", "AGREE") => "APPROVED",
            ("COMPLETED", "REFUSE") => "REJECTED",
            _ => "DONE",
        };
    }

    /// <summary>True when the task still waits for its approver.</summary>
    public static bool IsPending(DingTalkApprovalTask task) => OfTask(task) == "PENDING";

    /// <summary>True while the approval runs (it can be decided or terminated).</summary>
    public static bool IsRunning(DingTalkProcessInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return instance.Status is DingTalkProcessStatus.New or DingTalkProcessStatus.Running;
    }

    // The approver's remark is in the history, not on the task: the last execution by the task's approver with its result.
    private static string? Comment(DingTalkApprovalTask task, IReadOnlyList<DingTalkOperationRecord> records) =>
        task.Status == "COMPLETED"
            ? records.LastOrDefault(r => r.UserId == task.UserId && r.Type?.StartsWith("EXECUTE_TASK", StringComparison.Ordinal) == true
                && string.Equals(r.Result, task.Result, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(r.Remark))?.Remark
            : null;

    /// <summary>DingTalk's times (UTC, <c>yyyy-MM-ddTHH:mmZ</c>; seconds when it gives them).</summary>
    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at)
            ? at
            : null;
}
