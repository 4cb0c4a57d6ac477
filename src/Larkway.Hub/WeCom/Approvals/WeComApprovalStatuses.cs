using System.Globalization;
using Larkway.Hub.Approvals;
using Larkway.WeCom.Approvals;

namespace Larkway.Hub.WeCom.Approvals;

/// <summary>
/// An application as <c>oa/getapprovaldetail</c> reports it (document 91983), in the approvals room's words: its
/// <c>sp_status</c> as PENDING / APPROVED / REJECTED / CANCELED / DELETED, and a task per approver of each node reached.
/// </summary>
internal static class WeComApprovalStatuses
{
    /// <summary>
    /// The application's status: 1 审批中 PENDING, 2 已通过 APPROVED, 3 已驳回 REJECTED, 4 已撤销 CANCELED, 6 通过后撤销
    /// APPROVED and reverted, 7 已删除 DELETED, 10 已支付 APPROVED (paid after approval). A state WeCom adds later is
    /// PENDING: nothing ends on a number the Hub does not know, and reconciliation reads it again.
    /// </summary>
    public static (string Status, bool Reverted) Of(WeComApprovalStatus status) => status switch
    {
        WeComApprovalStatus.Approved or WeComApprovalStatus.Paid => ("APPROVED", false),
        WeComApprovalStatus.RevokedAfterApproval => ("APPROVED", true),
        WeComApprovalStatus.Rejected => ("REJECTED", false),
        WeComApprovalStatus.Revoked => ("CANCELED", false),
        WeComApprovalStatus.Deleted => ("DELETED", false),
        _ => ("PENDING", false),
    };

    /// <summary>
    /// An approver's decision (<c>details[].sp_status</c>): 2 已同意 APPROVED, 3 已驳回 REJECTED, 4 已转审 TRANSFERRED;
    /// 1 (not decided) PENDING while the node is the one the application waits at, else DONE (another approver of an
    /// 或签 node decided, or the application ended); any other DONE.
    /// </summary>
    public static string OfTask(int status, bool waiting) => status switch
    {
        1 => waiting ? "PENDING" : "DONE",
        2 => "APPROVED",
        3 => "REJECTED",
        4 => "TRANSFERRED",
        _ => "DONE",
    };

    /// <summary>
    /// The snapshot. WeCom gives tasks no ids, so a task's id is its node's place in the flow and its approver
    /// (<see cref="TaskId"/>), the same on every read. Nodes after the one the application waits at are left out: their
    /// approvers have nothing to do yet (WeCom lists them undecided).
    /// </summary>
    public static ApprovalSnapshot Snapshot(WeComApprovalDetail detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var (status, reverted) = Of(detail.SpStatus);
        var inReview = detail.SpStatus == WeComApprovalStatus.InReview;
        var tasks = new List<ApprovalTaskSnapshot>();
        for (var node = 0; node < detail.SpRecord.Count; node++)
        {
            var record = detail.SpRecord[node];
            var current = inReview && record.SpStatus == 1;
            foreach (var decision in record.Details.Where(d => d.Approver?.UserId is { Length: > 0 }))
            {
                var userId = decision.Approver!.UserId;
                tasks.Add(new ApprovalTaskSnapshot(
                    TaskId(node, userId),
                    userId,
                    OfTask(decision.SpStatus, current),
                    NodeId(node),
                    NodeName(node, record.ApproverAttr),
                    string.IsNullOrEmpty(decision.Speech) ? null : decision.Speech,
                    decision.SpTime > 0 ? DateTimeOffset.FromUnixTimeSeconds(decision.SpTime) : null));
            }

            if (current)
            {
                break;
            }
        }

        return new ApprovalSnapshot(status, reverted, tasks);
    }

    /// <summary>A task's id: <c>{node}:{userid}</c>, the node counted from 1 in the flow's order.</summary>
    public static string TaskId(int node, string userId) => NodeId(node) + ":" + userId;

    private static string NodeId(int node) => (node + 1).ToString(CultureInfo.InvariantCulture);

    private static string NodeName(int node, int attr) => $"Approvers {node + 1}" + attr switch
    {
        2 => " (all must approve)",
        _ => "",
    };
}
