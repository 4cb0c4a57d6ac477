using Larkway.Emulator.WeCom.Callbacks;
using Larkway.Emulator.WeCom.State;

namespace Larkway.Emulator.WeCom.Approvals;

/// <summary>
/// An approver's decision, however it is made (the test control or the approval page), or the applicant's withdrawal: the
/// application moves on and the encrypted <c>sys_approval_change</c> callback (StatuChangeEvent 2 approved, 3 rejected,
/// 6 withdrawn) goes to the app. Also a departed approver's places handed on (4 转审).
/// </summary>
internal sealed class ApprovalDecisions(ApprovalStore store, WeComOrg org, WeComCallbackSender callbacks, TimeProvider time)
{
    /// <summary>
    /// Why the decision is refused, or null with the callback's delivery (null inside when no callback URL is set),
    /// which completes once the app answered or the retries ran out.
    /// </summary>
    public (string? Problem, Task<WeComCallbackOutcome?> Delivery) Decide(ApprovalApplication application, string userId, bool approve, string? speech)
    {
        if (store.Decide(application, userId, approve, speech) is { } problem)
        {
            return (problem, Task.FromResult<WeComCallbackOutcome?>(null));
        }

        var xml = ApprovalEndpoints.ChangeXml(org, store, application, approve ? 2 : 3, time);
        return (null, callbacks.DeliverAsync("event", xml, CancellationToken.None));
    }

    /// <summary>The applicant withdraws the application (<see cref="ApprovalStore.Withdraw"/>); sent as StatuChangeEvent 6 (撤销).</summary>
    public (string? Problem, Task<WeComCallbackOutcome?> Delivery) Withdraw(ApprovalApplication application, string userId)
    {
        if (store.Withdraw(application, userId) is { } problem)
        {
            return (problem, Task.FromResult<WeComCallbackOutcome?>(null));
        }

        var xml = ApprovalEndpoints.ChangeXml(org, store, application, WithdrawnEvent, time);
        return (null, callbacks.DeliverAsync("event", xml, CancellationToken.None));
    }

    /// <summary>
    /// A person left: their undecided places go to the approval admin (<see cref="ApprovalStore.HandOver"/>), each changed
    /// application sent as StatuChangeEvent 4 (转审). Returns the deliveries.
    /// </summary>
    public IReadOnlyList<Task<WeComCallbackOutcome?>> HandOver(string userId) =>
        [.. store.HandOver(userId).Select(application =>
            callbacks.DeliverAsync("event", ApprovalEndpoints.ChangeXml(org, store, application, HandedOnEvent, time), CancellationToken.None))];

    /// <summary>The <c>StatuChangeEvent</c> of a place handed on (转审).</summary>
    public const int HandedOnEvent = 4;

    /// <summary>The <c>StatuChangeEvent</c> of a withdrawal (撤销).</summary>
    public const int WithdrawnEvent = 6;
}
