using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Platform.Storage;

/// <summary>
/// Works off a backlog one bounded statement at a time (each its own short transaction) rather than in one long lock:
/// the retention jobs' deletes and erasures.
/// </summary>
internal static class StatementBatches
{
    /// <summary>
    /// Runs <paramref name="batch"/> — one statement changing at most <paramref name="batchSize"/> rows — until it changes
    /// fewer; returns the rows changed in all.
    /// </summary>
    public static async Task<int> UntilDoneAsync(
        IDbContextFactory<HubDbContext> contexts, int batchSize, Func<HubDbContext, Task<int>> batch, CancellationToken cancellationToken)
    {
        var total = 0;
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            while (true)
            {
                var changed = await batch(db).ConfigureAwait(false);
                total += changed;
                if (changed < batchSize)
                {
                    return total;
                }
            }
        }
    }
}
