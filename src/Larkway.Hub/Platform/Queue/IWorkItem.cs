namespace Larkway.Hub.Platform.Queue;

/// <summary>
/// The columns that make a row a work item: its state, attempts, when it is due, and who holds it. A feature whose
/// rows are themselves the work (an inbox event, a delivery) maps them on those rows; other work is a
/// <see cref="WorkItemRow"/> in the shared <c>hub_work_items</c> table.
/// </summary>
public interface IWorkItem
{
    /// <summary>Row id; the queue claims in id order.</summary>
    long Id { get; }

    /// <summary>Where the item stands.</summary>
    WorkState State { get; set; }

    /// <summary>Attempts so far, counted when claimed (a deferral gives its attempt back).</summary>
    int Attempts { get; set; }

    /// <summary>When a Pending or Retrying item may be claimed.</summary>
    DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>The worker holding an InProgress item.</summary>
    string? LeaseOwner { get; set; }

    /// <summary>Until when the lease holds.</summary>
    DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>What the last failed attempt said (never a payload or a secret).</summary>
    string? LastError { get; set; }
}
