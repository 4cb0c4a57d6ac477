using System.Linq.Expressions;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Inbox;

/// <summary>
/// What the inbox keeps (lease <c>job/inbox-retention</c>): an event handled longer ago than
/// <see cref="InboxOptions.Retention"/>, and a dead-lettered one that arrived longer ago than
/// <see cref="InboxOptions.DeadLetterRetention"/>, is deleted with its dedup keys (the database cascades). An event still
/// pending, in progress or retrying is never touched, however old. Ids are never reused (both engines count on), so an
/// <c>inbox_{id}</c> key made from a deleted event names no later one.
/// </summary>
internal sealed partial class InboxRetention(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IOptions<InboxOptions> options,
    TimeProvider time,
    ILogger<InboxRetention> logger) : QueueRetention<InboxEvent>(contexts, initializer, time)
{
    /// <inheritdoc />
    public override string Name => "inbox-retention";

    /// <inheritdoc />
    protected override (TimeSpan Finished, TimeSpan DeadLetter) Retention => (options.Value.Retention, options.Value.DeadLetterRetention);

    /// <summary>
    /// Handled before <paramref name="finishedBefore"/> (an event stored as handled at ingest has its arrival as its
    /// completion), or dead-lettered and arrived before <paramref name="deadBefore"/>. A replayed event is pending again.
    /// </summary>
    protected override Expression<Func<InboxEvent, bool>> Spent(DateTimeOffset finishedBefore, DateTimeOffset deadBefore) =>
        e => (e.State == WorkState.Done && (e.CompletedAt < finishedBefore || (e.CompletedAt == null && e.ReceivedAt < finishedBefore)))
            || (e.State == WorkState.DeadLetter && e.ReceivedAt < deadBefore);

    /// <inheritdoc />
    protected override void LogPruned(int rows) => LogPruned(logger, rows);

    [LoggerMessage(EventId = LogEvents.InboxRetentionPruned, Level = LogLevel.Information,
        Message = "Inbox retention: {Events} events past their retention deleted, with their dedup keys.")]
    private static partial void LogPruned(ILogger logger, int events);
}
