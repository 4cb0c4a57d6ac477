using System.Linq.Expressions;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Leases;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Inbox;

/// <summary>
/// What the inbox keeps, and for how long — hourly, on one replica (lease <c>job/inbox-retention</c>): an event handled
/// longer ago than <see cref="InboxOptions.Retention"/>, and a dead-lettered one that arrived longer ago than
/// <see cref="InboxOptions.DeadLetterRetention"/>, is deleted with its dedup keys (the database cascades). An event still
/// pending, in progress or retrying is never touched, however old. Ids are never reused (both engines count on), so an
/// <c>inbox_{id}</c> key made from a deleted event names no later one.
/// </summary>
internal sealed partial class InboxRetention(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IOptions<InboxOptions> options,
    TimeProvider time,
    ILogger<InboxRetention> logger) : IHubJob
{
    /// <summary>Rows one statement deletes at most.</summary>
    public const int BatchSize = 1000;

    /// <inheritdoc />
    public string Name => "inbox-retention";

    /// <inheritdoc />
    public TimeSpan Interval => TimeSpan.FromHours(1);

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var deleted = await PruneAsync(cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            LogPruned(logger, deleted);
        }
    }

    /// <summary>One pass over everything due now; returns the events deleted.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var spent = Spent(now - options.Value.Retention, now - options.Value.DeadLetterRetention);
        return await StatementBatches.UntilDoneAsync(
            contexts,
            BatchSize,
            db =>
            {
                var batch = db.InboxEvents.Where(spent).OrderBy(e => e.Id).Take(BatchSize).Select(e => e.Id);
                return db.InboxEvents.Where(e => batch.Contains(e.Id)).Where(spent).ExecuteDeleteAsync(cancellationToken);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Handled before <paramref name="handledBefore"/> (an event stored as handled at ingest has its arrival as its
    /// completion), or dead-lettered and arrived before <paramref name="deadBefore"/>. A replayed event is pending again.
    /// </summary>
    private static Expression<Func<InboxEvent, bool>> Spent(DateTimeOffset handledBefore, DateTimeOffset deadBefore) =>
        e => (e.State == WorkState.Done && (e.CompletedAt < handledBefore || (e.CompletedAt == null && e.ReceivedAt < handledBefore)))
            || (e.State == WorkState.DeadLetter && e.ReceivedAt < deadBefore);

    [LoggerMessage(EventId = LogEvents.InboxRetentionPruned, Level = LogLevel.Information,
        Message = "Inbox retention: {Events} events past their retention deleted, with their dedup keys.")]
    private static partial void LogPruned(ILogger logger, int events);
}
