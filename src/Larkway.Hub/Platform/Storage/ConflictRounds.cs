using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Platform.Storage;

/// <summary>
/// A read-then-write that another writer may race (two events marking one row, a replica inserting the same key): run
/// again on a fresh context when the save meets a concurrency conflict or a unique violation, a few rounds at most, the
/// last one's failure propagating.
/// </summary>
internal static class ConflictRounds
{
    private const int MaxRounds = 4;

    public static async Task RunAsync(Func<CancellationToken, Task<HubDbContext>> open, IHubStorageProvider provider, Func<HubDbContext, Task> apply, CancellationToken cancellationToken)
    {
        for (var round = 1; ; round++)
        {
            var db = await open(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                try
                {
                    await apply(db).ConfigureAwait(false);
                    return;
                }
                catch (DbUpdateException ex) when (round < MaxRounds && (ex is DbUpdateConcurrencyException || provider.IsUniqueViolation(ex)))
                {
                    // Read again in the next round.
                }
            }
        }
    }
}
