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

    public static Task RunAsync(Func<CancellationToken, Task<HubDbContext>> open, IHubStorageProvider provider, Func<HubDbContext, Task> apply, CancellationToken cancellationToken) =>
        RunAsync(open, provider, async db =>
        {
            await apply(db).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>As <see cref="RunAsync(Func{CancellationToken, Task{HubDbContext}}, IHubStorageProvider, Func{HubDbContext, Task}, CancellationToken)"/>, with the last round's result.</summary>
    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<HubDbContext>> open, IHubStorageProvider provider, Func<HubDbContext, Task<T>> apply, CancellationToken cancellationToken)
    {
        for (var round = 1; ; round++)
        {
            var db = await open(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                try
                {
                    return await apply(db).ConfigureAwait(false);
                }
                catch (DbUpdateException ex) when (round < MaxRounds && (ex is DbUpdateConcurrencyException || provider.IsUniqueViolation(ex)))
                {
                    // Read again in the next round.
                }
            }
        }
    }
}
