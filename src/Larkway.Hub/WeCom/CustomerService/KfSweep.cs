using Larkway.Hub.Platform.Leases;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>
/// Pulls every served account now and then (<see cref="KfOptions.SweepInterval"/>), and at once when a replica takes the
/// job: WeCom retries a callback only briefly, so what customers wrote while the Hub was down (or whose callback was
/// lost) would otherwise wait for the account's next callback. A scheduled job — one replica at a time, under the lease
/// <c>job/wecom-kf-sweep</c>; a pull finds nothing new at the cost of one <c>sync_msg</c> call.
/// </summary>
internal sealed class KfSweep(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, WorkSignals signals, IOptions<KfOptions> options, TimeProvider time)
    : IHubJob
{
    public string Name => "wecom-kf-sweep";

    public TimeSpan Interval => options.Value.SweepInterval;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            // Only accounts at rest: one being pulled, retried or dead-lettered keeps its own schedule.
            var now = time.GetUtcNow();
            var due = await db.Set<KfAccountRow>().Where(a => a.State == WorkState.Done)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, WorkState.Pending).SetProperty(a => a.NextAttemptAt, now).SetProperty(a => a.Attempts, 0), cancellationToken)
                .ConfigureAwait(false);
            if (due > 0)
            {
                signals.For(KfPull.QueueName).Notify();
            }
        }
    }
}
