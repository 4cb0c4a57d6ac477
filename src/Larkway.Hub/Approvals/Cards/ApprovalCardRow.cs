namespace Larkway.Hub.Approvals.Cards;

/// <summary>
/// The card an approver got for one task: which notification carries it, what it shows, and the reminders sent — stored
/// so that replicas and restarts neither send a second card nor remind twice.
/// </summary>
public sealed class ApprovalCardRow
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The approval.</summary>
    public string ApprovalId { get; set; } = "";

    /// <summary>The platform's task id.</summary>
    public string TaskId { get; set; } = "";

    /// <summary>The task's assignee: the only one whose click decides it.</summary>
    public string ApproverUserId { get; set; } = "";

    /// <summary>The notification (type <c>larkway.approval.task</c>) that carries the card.</summary>
    public string NotificationId { get; set; } = "";

    /// <summary>The task's status as last applied (PENDING until it is decided, anywhere).</summary>
    public string TaskStatus { get; set; } = "PENDING";

    /// <summary>What the card shows (<c>{task status}/{approval status}</c>): a change re-renders it once.</summary>
    public string Shown { get; set; } = "";

    /// <summary>When the Hub first saw the task pending (reminders count from here).</summary>
    public DateTimeOffset PendingSince { get; set; }

    /// <summary>Reminders sent so far.</summary>
    public int Reminders { get; set; }

    /// <summary>When the last reminder was sent.</summary>
    public DateTimeOffset? LastRemindedAt { get; set; }
}
