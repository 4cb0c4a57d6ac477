using Larkway.Hub.Platform.Http;

namespace Larkway.Hub.Approvals;

/// <summary>
/// What applying a snapshot changes: the pure rules, apart from storage. Monotonic — a final status never
/// regresses (an out-of-order or stale read cannot undo APPROVED), a task that has acted never goes back to PENDING —
/// and idempotent: a change already recorded (same key) is never recorded again.
/// </summary>
public static class ApprovalTransitions
{
    /// <summary>The wire name of a state (<c>pending</c>, <c>approved</c>, …), as the APIs write it.</summary>
    public static string WireName(ApprovalState state) => WireName<ApprovalState>.Of(state);

    /// <summary>Parses a wire name exactly as <see cref="WireName(ApprovalState)"/> writes it (not Feishu's <c>APPROVED</c>); null for anything else.</summary>
    public static ApprovalState? Parse(string? name) => WireName<ApprovalState>.TryParseExact(name, out var state) ? state : null;

    /// <summary>True while Feishu may still change the outcome and the Hub should keep reading the instance.</summary>
    public static bool IsOpen(ApprovalState state) => state is ApprovalState.Submitting or ApprovalState.Pending;

    /// <summary>
    /// Whether <paramref name="from"/> may become <paramref name="to"/>. Pending moves to any outcome; an approval may be
    /// reverted; anything but a failed create may be deleted; canceled, deleted and failed are final.
    /// </summary>
    public static bool CanMove(ApprovalState from, ApprovalState to) => from switch
    {
        ApprovalState.Submitting => to is not (ApprovalState.Submitting or ApprovalState.Failed),
        ApprovalState.Pending => to is ApprovalState.Approved or ApprovalState.Rejected or ApprovalState.Canceled or ApprovalState.Deleted or ApprovalState.Reverted,
        ApprovalState.Approved => to is ApprovalState.Reverted or ApprovalState.Deleted,
        ApprovalState.Rejected or ApprovalState.Reverted => to is ApprovalState.Deleted,
        _ => false,
    };

    /// <summary>The state a snapshot reports; null for a status the Hub does not know (then only tasks are applied).</summary>
    public static ApprovalState? StateOf(ApprovalSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Status.ToUpperInvariant() switch
        {
            "PENDING" => ApprovalState.Pending,
            "APPROVED" => snapshot.Reverted ? ApprovalState.Reverted : ApprovalState.Approved,
            "REJECTED" => ApprovalState.Rejected,
            "CANCELED" or "RECALL" => ApprovalState.Canceled,
            "DELETED" => ApprovalState.Deleted,
            "REVERTED" => ApprovalState.Reverted,
            _ => null,
        };
    }

    /// <summary>A task status that is an outcome: it never goes back to pending.</summary>
    public static bool IsTaskDone(string status) => !string.Equals(status, "PENDING", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The transitions applying <paramref name="snapshot"/> to an approval in <paramref name="current"/> with the stored
    /// <paramref name="tasks"/> makes, in order — task changes first, then the status they led to — and the resulting
    /// state and task list. <paramref name="recorded"/> holds the keys of transitions already recorded.
    /// </summary>
    public static ApprovalPlan Plan(ApprovalState current, IReadOnlyList<ApprovalTaskSnapshot> tasks, ApprovalSnapshot snapshot, IReadOnlySet<string> recorded)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(recorded);
        var changes = new List<PlannedTransition>();
        var keys = new HashSet<string>(recorded, StringComparer.Ordinal);
        var merged = tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var order = tasks.Select(t => t.Id).ToList();
        var state = current;

        foreach (var task in snapshot.Tasks)
        {
            var status = task.Status.ToUpperInvariant();
            if (merged.TryGetValue(task.Id, out var known) && (string.Equals(known.Status, status, StringComparison.Ordinal) || IsTaskDone(known.Status)))
            {
                // Unchanged, or an older read of a task that has already acted: keep what is known.
                continue;
            }

            if (!merged.ContainsKey(task.Id))
            {
                order.Add(task.Id);
            }

            merged[task.Id] = task with { Status = status };
            var key = $"task:{task.Id}:{status}";
            if (keys.Add(key))
            {
                changes.Add(new PlannedTransition(key, "task_" + status.ToLowerInvariant(), null, task with { Status = status }));
            }
        }

        if (StateOf(snapshot) is { } reported && reported != current && CanMove(current, reported))
        {
            state = reported;
            var key = "status:" + WireName(reported);
            if (keys.Add(key))
            {
                changes.Add(new PlannedTransition(key, WireName(reported), reported, Decider(reported, merged.Values)));
            }
        }

        return new ApprovalPlan(state, [.. order.Select(id => merged[id])], changes);
    }

    /// <summary>The task whose outcome decided an approval or rejection (the last to act with that outcome), for its operator and comment.</summary>
    private static ApprovalTaskSnapshot? Decider(ApprovalState outcome, IEnumerable<ApprovalTaskSnapshot> tasks)
    {
        var status = outcome switch
        {
            ApprovalState.Approved => "APPROVED",
            ApprovalState.Rejected => "REJECTED",
            _ => null,
        };
        return status is null ? null : tasks.Where(t => t.Status == status).OrderBy(t => t.EndTime ?? DateTimeOffset.MinValue).LastOrDefault();
    }
}

/// <summary>The outcome of <see cref="ApprovalTransitions.Plan"/>.</summary>
/// <param name="State">The approval's state afterwards.</param>
/// <param name="Tasks">The task list afterwards.</param>
/// <param name="Changes">The transitions to record, in order.</param>
public sealed record ApprovalPlan(ApprovalState State, IReadOnlyList<ApprovalTaskSnapshot> Tasks, IReadOnlyList<PlannedTransition> Changes);

/// <summary>One transition to record.</summary>
/// <param name="Key">Unique per approval (<c>status:approved</c>, <c>task:{id}:approved</c>).</param>
/// <param name="Name">The callback name after <c>larkway.approval.</c> (<c>approved</c>, <c>task_approved</c>, …).</param>
/// <param name="State">The new state, for a status transition.</param>
/// <param name="Task">The task that changed (task transition), or that decided (status transition), when known.</param>
public sealed record PlannedTransition(string Key, string Name, ApprovalState? State, ApprovalTaskSnapshot? Task);
