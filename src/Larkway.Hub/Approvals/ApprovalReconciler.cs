using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Leases;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Approvals;

/// <summary>
/// Reads again the open approvals no event has refreshed for a while (<see cref="ApprovalOptions.SyncAge"/>, longer for
/// long-pending ones) and applies what its platform says (source <c>reconcile</c>): a lost event delays an outcome, never
/// loses it. Within <see cref="ApprovalOptions.RevertWindow"/> it also reads ended approvals a platform may still revert or
/// delete, backing off, and finishes card refreshes a crash left undone (<see cref="ApprovalRow.CardsDue"/>). A scheduled job — one replica at a time, under the lease <c>job/approval-reconcile</c>.
/// </summary>
internal sealed partial class ApprovalReconciler(ApprovalStore store, ApprovalBridge bridge, Cards.ApprovalCards cards, IOptions<ApprovalOptions> options, ILogger<ApprovalReconciler> logger) : IHubJob
{
    /// <summary>Rounds per run at most, so one run ends even when a platform keeps everything due.</summary>
    private const int MaxRounds = 20;

    public string Name => "approval-reconcile";

    public TimeSpan Interval => options.Value.ReconcileInterval;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var batch = options.Value.ReconcileBatchSize;
        for (var round = 0; round < MaxRounds; round++)
        {
            var due = await store.DueForSyncAsync(batch, cancellationToken).ConfigureAwait(false);
            await ReadAllAsync(due, cancellationToken).ConfigureAwait(false);
            if (due.Count < batch)
            {
                break;
            }
        }

        // Ended approvals a platform may still revert or delete: one small batch per run, so the checks never flood a platform.
        await ReadAllAsync(await store.DueForRevertCheckAsync(options.Value.RevertCheckBatchSize, cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);

        // Changes whose cards a crash left stale: refreshing is idempotent, so one more after an unfinished one is harmless.
        foreach (var approval in await store.DueForCardRefreshAsync(batch, cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await cards.RefreshAsync(approval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReadAllAsync(IReadOnlyList<ApprovalRow> due, CancellationToken cancellationToken)
    {
        foreach (var approval in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await bridge.SyncAsync(approval, ApprovalBridge.FromReconcile, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (bridge.Failure(approval, ex) is not null && !cancellationToken.IsCancellationRequested)
            {
                // One unreadable instance must not hold up the rest: it is read again after SyncAge.
                LogReadFailed(logger, ex, approval.Id);
                await store.PostponeSyncAsync(approval.Id, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.ApprovalReconcilerReadFailed, Level = LogLevel.Warning, Message = "Reconciliation could not read the instance of approval {ApprovalId}; it is read again later.")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string approvalId);
}
