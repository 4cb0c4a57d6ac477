using System.Linq.Expressions;
using Larkway.Hub.Platform.Leases;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Platform.Queue;

/// <summary>
/// How long a queue keeps what it has finished with — hourly, on one replica (lease <c>job/{Name}</c>): the rows a feature
/// calls <see cref="Spent"/> (finished longer ago than its retention, or dead-lettered longer ago than its dead-letter
/// retention) are deleted, oldest first, in statements of at most <see cref="BatchSize"/> rows. A row still pending, in
/// progress or retrying is the feature's to leave out, and every feature does.
/// </summary>
/// <typeparam name="TRow">The queue's row.</typeparam>
internal abstract class QueueRetention<TRow>(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, TimeProvider time) : IHubJob
    where TRow : class, IWorkItem
{
    /// <summary>Rows one statement deletes at most.</summary>
    public const int BatchSize = 1000;

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public TimeSpan Interval => TimeSpan.FromHours(1);

    /// <summary>How long a finished row is kept, and a dead-lettered one (the feature's settings).</summary>
    protected abstract (TimeSpan Finished, TimeSpan DeadLetter) Retention { get; }

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var deleted = await PruneAsync(cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            LogPruned(deleted);
        }
    }

    /// <summary>One pass over everything due now; returns the rows deleted.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var (finished, deadLetter) = Retention;
        var spent = Spent(now - finished, now - deadLetter);
        return await StatementBatches.UntilDoneAsync(
            contexts,
            BatchSize,
            db =>
            {
                var rows = db.Set<TRow>();
                var batch = rows.Where(spent).OrderBy(r => r.Id).Take(BatchSize).Select(r => r.Id);
                return rows.Where(r => batch.Contains(r.Id)).Where(spent).ExecuteDeleteAsync(cancellationToken);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The rows to delete: finished before <paramref name="finishedBefore"/>, or dead-lettered before <paramref name="deadBefore"/>.</summary>
    protected abstract Expression<Func<TRow, bool>> Spent(DateTimeOffset finishedBefore, DateTimeOffset deadBefore);

    /// <summary>Logs one line with the count (never a row's content).</summary>
    protected abstract void LogPruned(int rows);
}
