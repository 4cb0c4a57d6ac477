using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Leases;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Directory;

/// <summary>
/// The nightly reconciliation: every <see cref="DirectoryOptions.ReconcileEvery"/> (from the last run's start, kept in the
/// database, so restarts do not move it) a run of kind <c>reconciliation</c> reads the whole directory again through the
/// sync's queue: what events missed is healed (recorded with source <c>reconciliation</c>), and what the app cannot see
/// (missing field scopes, departments out of scope) is recorded as problems. A directory never synced gets a full sync
/// one check interval after the Hub starts (<see cref="DirectoryOptions.SyncWhenEmpty"/>). A scheduled job — one replica
/// at a time, under the lease <c>job/directory-reconcile</c>.
/// </summary>
internal sealed partial class DirectoryReconciler(DirectoryStore store, DirectoryService service, IOptions<DirectoryOptions> options, TimeProvider time, ILogger<DirectoryReconciler> logger) : IHubJob
{
    private readonly DateTimeOffset _started = time.GetUtcNow();

    public string Name => "directory-reconcile";

    public TimeSpan Interval => options.Value.ReconcileCheckInterval;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var last = await store.LastStartAsync([DirectorySyncKind.Full, DirectorySyncKind.Reconciliation], cancellationToken).ConfigureAwait(false);
        DirectorySyncKind kind;
        if (last is null)
        {
            // Never synced: wait one interval after start (a Hub started for something else is not flooded at once).
            if (!options.Value.SyncWhenEmpty || now - _started < options.Value.ReconcileCheckInterval)
            {
                return;
            }

            kind = DirectorySyncKind.Full;
        }
        else if (now - last.Value >= options.Value.ReconcileEvery)
        {
            kind = DirectorySyncKind.Reconciliation;
        }
        else
        {
            return;
        }

        var (run, started) = await service.StartSyncAsync(kind, "schedule", cancellationToken).ConfigureAwait(false);
        if (started)
        {
            LogStarted(logger, run.Id, Platform.Http.WireName<DirectorySyncKind>.Of(kind));
        }
    }

    [LoggerMessage(EventId = LogEvents.DirectoryReconcileStarted, Level = LogLevel.Information, Message = "Directory {Kind} {RunId} started by the schedule.")]
    private static partial void LogStarted(ILogger logger, string runId, string kind);
}
