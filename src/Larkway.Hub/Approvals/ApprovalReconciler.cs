using Larkway.Hub.Leases;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Approvals;

/// <summary>
/// Reads again the open approvals no event has refreshed for a while (<see cref="ApprovalOptions.SyncAge"/>, longer for
/// long-pending ones) and applies what Feishu says (source <c>reconcile</c>): a lost event delays an outcome, never
/// loses it. A scheduled job — one replica at a time, under the lease <c>job/approval-reconcile</c>.
/// </summary>
internal sealed partial class ApprovalReconciler(ApprovalStore store, ApprovalBridge bridge, IOptions<ApprovalOptions> options, ILogger<ApprovalReconciler> logger) : IHubJob
{
    /// <summary>Rounds per run at most, so one run ends even when Feishu keeps everything due.</summary>
    private const int MaxRounds = 20;

    public string Name => "approval-reconcile";

    public TimeSpan Interval => options.Value.ReconcileInterval;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var batch = options.Value.ReconcileBatchSize;
        for (var round = 0; round < MaxRounds; round++)
        {
            var due = await store.DueForSyncAsync(batch, cancellationToken).ConfigureAwait(false);
            foreach (var approval in due)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    await bridge.SyncAsync(approval, ApprovalBridge.FromReconcile, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ApprovalBridge.Failure(ex) is not null && !cancellationToken.IsCancellationRequested)
                {
                    // One unreadable instance must not hold up the rest: it is read again after SyncAge.
                    LogReadFailed(logger, ex, approval.Id);
                    await store.PostponeSyncAsync(approval.Id, cancellationToken).ConfigureAwait(false);
                }
            }

            if (due.Count < batch)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 4640, Level = LogLevel.Warning, Message = "Reconciliation could not read the instance of approval {ApprovalId}; it is read again later.")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string approvalId);
}
