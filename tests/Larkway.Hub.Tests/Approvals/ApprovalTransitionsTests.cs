using Larkway.Hub.Approvals;

namespace Larkway.Hub.Tests.Approvals;

/// <summary>The pure rules of applying a snapshot: ordered, monotonic, never twice.</summary>
public sealed class ApprovalTransitionsTests
{
    private static readonly HashSet<string> None = new(StringComparer.Ordinal);

    [Fact]
    public void A_decided_task_and_the_outcome_are_planned_in_order_with_the_deciding_approver()
    {
        var stored = new[] { Task("t1", "PENDING") };
        var snapshot = new ApprovalSnapshot("APPROVED", false, [Task("t1", "APPROVED", comment: "fine")]);

        var plan = ApprovalTransitions.Plan(ApprovalState.Pending, stored, snapshot, None);

        plan.State.ShouldBe(ApprovalState.Approved);
        plan.Changes.Select(c => c.Name).ShouldBe(["task_approved", "approved"]);
        plan.Changes[1].Task!.UserId.ShouldBe("ou_t1");
        plan.Changes[1].Task!.Comment.ShouldBe("fine");
        plan.Tasks.Single().Status.ShouldBe("APPROVED");
    }

    [Fact]
    public void A_stale_snapshot_never_regresses_a_final_status_nor_a_task_that_acted()
    {
        var stored = new[] { Task("t1", "REJECTED") };
        var stale = new ApprovalSnapshot("PENDING", false, [Task("t1", "PENDING")]);

        var plan = ApprovalTransitions.Plan(ApprovalState.Rejected, stored, stale, None);

        plan.State.ShouldBe(ApprovalState.Rejected);
        plan.Changes.ShouldBeEmpty();
        plan.Tasks.Single().Status.ShouldBe("REJECTED");
    }

    [Fact]
    public void Recorded_changes_are_not_planned_again_and_reverted_may_follow_approved_but_nothing_follows_canceled()
    {
        var recorded = new HashSet<string>(["task:t1:APPROVED", "status:approved"], StringComparer.Ordinal);
        ApprovalTransitions.Plan(ApprovalState.Pending, [Task("t1", "PENDING")], new ApprovalSnapshot("APPROVED", false, [Task("t1", "APPROVED")]), recorded)
            .Changes.ShouldBeEmpty();

        var reverted = ApprovalTransitions.Plan(ApprovalState.Approved, [Task("t1", "APPROVED")], new ApprovalSnapshot("APPROVED", true, [Task("t1", "APPROVED")]), None);
        reverted.State.ShouldBe(ApprovalState.Reverted);
        reverted.Changes.Single().Name.ShouldBe("reverted");

        var canceled = ApprovalTransitions.Plan(ApprovalState.Canceled, [], new ApprovalSnapshot("APPROVED", false, []), None);
        canceled.State.ShouldBe(ApprovalState.Canceled);
        canceled.Changes.ShouldBeEmpty();
        ApprovalTransitions.CanMove(ApprovalState.Deleted, ApprovalState.Pending).ShouldBeFalse();
        ApprovalTransitions.CanMove(ApprovalState.Approved, ApprovalState.Rejected).ShouldBeFalse();
    }

    [Fact]
    public void New_tasks_are_planned_as_pending_and_wire_names_round_trip()
    {
        var plan = ApprovalTransitions.Plan(ApprovalState.Pending, [], new ApprovalSnapshot("PENDING", false, [Task("t1", "PENDING"), Task("t2", "PENDING")]), None);
        plan.Changes.Select(c => c.Key).ShouldBe(["task:t1:PENDING", "task:t2:PENDING"]);
        plan.State.ShouldBe(ApprovalState.Pending);

        foreach (var state in Enum.GetValues<ApprovalState>())
        {
            ApprovalTransitions.Parse(ApprovalTransitions.WireName(state)).ShouldBe(state);
        }

        ApprovalTransitions.Parse("APPROVED").ShouldBeNull();
    }

    private static ApprovalTaskSnapshot Task(string id, string status, string? comment = null) =>
        new(id, "ou_" + id, status, "node_" + id, "Node " + id, comment, status == "PENDING" ? null : DateTimeOffset.UnixEpoch);
}
