using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Approvals;

/// <summary>
/// The approvals' submit queue: one work item per approval (in <c>hub_work_items</c>, keyed by the approval's id) that
/// creates its instance on the approval's platform — with the platform's idempotency key where it has one, else after
/// asking the platform for what a lost attempt made — so however often it runs there is one instance. The caller
/// that accepted the approval makes the first attempt at once, holding the item (<see cref="SubmitNowAsync"/>); the
/// queue's worker takes over after a transient failure, or when that attempt never finished (the Hub stopped).
/// </summary>
internal sealed class ApprovalSubmissions(
    ApprovalStore store,
    ApprovalBridge bridge,
    [FromKeyedServices(ApprovalSubmissions.QueueName)] IWorkQueue<WorkItemRow> queue,
    IOptions<ApprovalOptions> options,
    TimeProvider time) : IWorkHandler<WorkItemRow>
{
    /// <summary>The queue's name.</summary>
    public const string QueueName = "approvals.submit";

    /// <summary>The lease owner of this process's first attempts (API calls, card clicks).</summary>
    public static string InlineOwner { get; } = QueueOwner.Create("approvals-inline");

    /// <inheritdoc />
    public async Task<WorkOutcome<WorkItemRow>> HandleAsync(WorkItemRow item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var approval = await store.FindAsync(item.Key, cancellationToken).ConfigureAwait(false);
        if (approval is not { Status: ApprovalState.Submitting })
        {
            // Created (or failed) by an attempt whose outcome was not recorded, or gone: nothing left to do.
            return WorkOutcome<WorkItemRow>.Done();
        }

        return (await AttemptAsync(approval, item.Attempts, cancellationToken).ConfigureAwait(false)).Outcome;
    }

    /// <summary>
    /// The first attempt, by the caller that just created <paramref name="created"/> (its item held by <see cref="InlineOwner"/>):
    /// its outcome is recorded as the worker's would be. Returns the approval afterwards.
    /// </summary>
    public async Task<ApprovalRow> SubmitNowAsync(ApprovalCreateResult created, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(created);
        var (approval, outcome) = await AttemptAsync(created.Approval, attempts: 1, cancellationToken).ConfigureAwait(false);
        if (created.Submission is { } item)
        {
            await queue.RecordAsync(item, InlineOwner, outcome, CancellationToken.None).ConfigureAwait(false);
        }

        return approval;
    }

    private async Task<(ApprovalRow Approval, WorkOutcome<WorkItemRow> Outcome)> AttemptAsync(ApprovalRow approval, int attempts, CancellationToken cancellationToken)
    {
        var result = await bridge.SubmitAsync(approval, retry: attempts > 1, cancellationToken).ConfigureAwait(false);
        if (result.Retryable is not { } failure)
        {
            return (result.Approval, WorkOutcome<WorkItemRow>.Done());
        }

        var error = $"{failure.Platform} error {failure.CodeText}: {failure.Message}";
        if (options.Value.Retry.NextAttempt(time.GetUtcNow(), attempts) is { } retryAt)
        {
            return (result.Approval, WorkOutcome<WorkItemRow>.Retry(retryAt, error));
        }

        var failed = await bridge.GiveUpAsync(result.Approval, failure, cancellationToken).ConfigureAwait(false);
        return (failed, WorkOutcome<WorkItemRow>.DeadLetter(error + $" (gave up after {attempts} attempts)"));
    }
}
