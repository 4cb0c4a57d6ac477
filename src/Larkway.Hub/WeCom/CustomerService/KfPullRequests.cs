using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>
/// A <c>kf_msg_or_event</c> callback's part: it only asks for a pull (the callback is answered at once, the pull runs in
/// the queue). An account not being pulled becomes due now; one being pulled counts the request, and its pull runs again
/// once it ends (<see cref="KfPull.OnRecordedAsync"/>), so no callback's items wait for the next one.
/// </summary>
internal sealed class KfPullRequests(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    HubSecretProtector protector,
    WorkSignals signals,
    TimeProvider time)
{
    /// <summary>Asks for a pull of <paramref name="openKfId"/> on <paramref name="app"/>; false when the Hub does not serve that account.</summary>
    public async Task<bool> RequestAsync(string app, string openKfId, string? token, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var kept = string.IsNullOrEmpty(token) ? null : protector.Protect(token);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var account = db.Set<KfAccountRow>().Where(a => a.App == app && a.OpenKfId == openKfId);

            // Two statements, each conditional: a pull ending between them is seen by the next round.
            for (var round = 0; round < 3; round++)
            {
                var idle = await account.Where(a => a.State != WorkState.InProgress).ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.PullRequests, a => a.PullRequests + 1)
                    .SetProperty(a => a.Token, a => kept ?? a.Token)
                    .SetProperty(a => a.TokenAt, a => kept != null ? now : a.TokenAt)
                    .SetProperty(a => a.State, WorkState.Pending)
                    .SetProperty(a => a.Attempts, 0)
                    .SetProperty(a => a.NextAttemptAt, now), cancellationToken).ConfigureAwait(false);
                if (idle == 0)
                {
                    idle = await account.Where(a => a.State == WorkState.InProgress).ExecuteUpdateAsync(s => s
                        .SetProperty(a => a.PullRequests, a => a.PullRequests + 1)
                        .SetProperty(a => a.Token, a => kept ?? a.Token)
                        .SetProperty(a => a.TokenAt, a => kept != null ? now : a.TokenAt), cancellationToken).ConfigureAwait(false);
                }

                if (idle > 0)
                {
                    signals.For(KfPull.QueueName).Notify();
                    return true;
                }

                if (!await account.AnyAsync(cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
