using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Inbox;

/// <summary>
/// The durable inbox: append with dedup (appends arriving together share one transaction), listing and reading. The
/// events are the <see cref="InboxQueue"/>'s items: claiming, outcomes and replay are the queue's. Thread-safe; one
/// instance per process.
/// </summary>
public sealed partial class InboxStore : IAsyncDisposable, IDisposable
{
    private readonly IInboxWriter _writer;
    private readonly InboxAppendBatcher _batcher;
    private readonly IDbContextFactory<HubDbContext> _contexts;
    private readonly HubDatabaseInitializer _initializer;
    private readonly TimeProvider _time;
    private readonly InboxOptions _options;
    private readonly WorkSignal _signal;
    private readonly ILogger _logger;

    internal InboxStore(
        IDbContextFactory<HubDbContext> contexts,
        IInboxWriter writer,
        HubDatabaseInitializer initializer,
        TimeProvider time,
        IOptions<InboxOptions> options,
        WorkSignals signals,
        ILogger<InboxStore> logger)
    {
        _contexts = contexts;
        _initializer = initializer;
        _time = time;
        _options = options.Value;
        _signal = signals.For(InboxQueue.QueueName);
        _logger = logger;
        _writer = writer;
        _batcher = new InboxAppendBatcher(WriteBatchAsync);
    }

    /// <summary>
    /// Stores an event as Pending together with all its dedup keys, in one transaction. If any key is already
    /// stored — or another caller stores one first — nothing is written and the first copy's id is returned.
    /// </summary>
    /// <remarks>Appends arriving together share one transaction (group commit); each caller still gets its own result.</remarks>
    public Task<InboxAppendResult> AppendAsync(PlatformInbound inbound, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        return _batcher.AppendAsync(new PendingAppend(inbound), cancellationToken);
    }

    /// <summary>Stops taking appends and waits for the ones queued to be written (the writer is the container's).</summary>
    public ValueTask DisposeAsync() => _batcher.DisposeAsync();

    /// <summary>As <see cref="DisposeAsync"/>, for containers disposed synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Writes a batch of appends in one transaction; keys already stored, or taken earlier in the batch, make a duplicate.</summary>
    private async Task WriteBatchAsync(IReadOnlyList<PendingAppend> batch)
    {
        await _initializer.EnsureInitializedAsync(CancellationToken.None).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var rows = new InboxAppendRow[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            rows[i] = new InboxAppendRow(NewEntity(batch[i], now), batch[i].Keys, batch[i].TimeOrderedKey);
        }

        var results = await _writer.AppendAsync(rows, CancellationToken.None).ConfigureAwait(false);
        var notify = false;
        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i].Status == InboxAppendStatus.Accepted)
            {
                LogAppended(_logger, results[i].EventId, rows[i].Event.EventType, HubAppService.NameOnWire(rows[i].Event.AppName));
                notify |= batch[i].LeaseOwner is null && !batch[i].Done;
            }

            batch[i].Result.TrySetResult(results[i]);
        }

        if (notify)
        {
            _signal.Notify();
        }
    }

    /// <summary>
    /// The row of an append: Pending, or InProgress under the appender's lease; or, for an event handled by being stored,
    /// Done with no attempt counted and nothing to claim.
    /// </summary>
    private InboxEvent NewEntity(PendingAppend pending, DateTimeOffset now)
    {
        var leased = !pending.Done && pending.LeaseOwner is not null;
        return new()
        {
            AppName = pending.AppName,
            EventType = pending.EventType,
            DedupKey = pending.ListedKey,
            Body = pending.Body,
            Transport = pending.Transport,
            ReceivedAt = now,
            State = pending.Done ? WorkState.Done : leased ? WorkState.InProgress : WorkState.Pending,
            Attempts = leased ? 1 : 0,
            NextAttemptAt = pending.Done ? null : now,
            CompletedAt = pending.Done ? now : null,
            LeaseOwner = leased ? pending.LeaseOwner : null,
            LeaseUntil = leased ? now + _options.LeaseDuration : null,
            TraceParent = pending.TraceParent,
            Lane = pending.Lane,
        };
    }

    /// <summary>
    /// Appends an event that nothing would act on (its door's triage said so) already Done, in the same group commit as
    /// every other append: stored and deduplicated before the ack, listed, replayable, but never claimed or handled.
    /// </summary>
    internal Task<InboxAppendResult> AppendDoneAsync(PlatformInbound inbound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        return _batcher.AppendAsync(new PendingAppend(inbound, done: true), cancellationToken);
    }

    /// <summary>
    /// Appends an event already claimed by <paramref name="leaseOwner"/>, which handles it at once (a card click answered
    /// within its platform's deadline, a WeCom AI bot message answered over the connection it came on) and records the
    /// outcome; if the owner dies, the lease runs out and the inbox queue takes it like any other.
    /// </summary>
    internal Task<InboxAppendResult> AppendClaimedAsync(PlatformInbound inbound, string leaseOwner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        ArgumentException.ThrowIfNullOrEmpty(leaseOwner);
        return _batcher.AppendAsync(new PendingAppend(inbound, leaseOwner), cancellationToken);
    }

    /// <summary>
    /// One page of events newest first, optionally of one type and/or status, without bodies: at most
    /// <paramref name="limit"/> events with ids below <paramref name="beforeId"/> (all when null), the id to pass
    /// as <paramref name="beforeId"/> for the next page (null on the last), and how many events match in all.
    /// </summary>
    public async Task<InboxEventPage> ListAsync(string? eventType, WorkState? status, int limit, long? beforeId = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var db = await CreateContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var query = db.InboxEvents.AsNoTracking();
            if (!string.IsNullOrEmpty(eventType))
            {
                query = query.Where(e => e.EventType == eventType);
            }

            if (status is { } s)
            {
                query = query.Where(e => e.State == s);
            }

            var total = await query.LongCountAsync(cancellationToken).ConfigureAwait(false);
            var page = beforeId is { } before ? query.Where(e => e.Id < before) : query;

            // One more than asked tells whether another page follows, so the last page never points at an empty one.
            var items = await page
                .OrderByDescending(e => e.Id)
                .Take(limit + 1)
                .Select(e => new InboxEventSummary(
                    e.Id, e.AppName, e.EventType, e.DedupKey, e.ReceivedAt, e.State, e.Attempts, e.LastError, e.Transport, e.NextAttemptAt, e.CompletedAt))
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            long? next = null;
            if (items.Count > limit)
            {
                items.RemoveAt(limit);
                next = items[^1].Id;
            }

            return new InboxEventPage(items, next, total);
        }
    }

    /// <summary>
    /// Whether an event of the same app and lane (<see cref="InboxLane"/>) as <paramref name="eventId"/> arrived before it,
    /// no earlier than <paramref name="since"/>, and is still waiting for its first handling: work ordered by arrival within
    /// a conversation waits for it. Other conversations, other apps, and events already failed once (retrying) or dead
    /// never hold it; nor does anything when <paramref name="eventId"/> has no lane. One look-up of the event by its key,
    /// one range of <c>ix_inbox_events_lane_id</c>.
    /// </summary>
    /// <remarks>
    /// "Before" is the inbox's id order, which every replica shares (one sequence in the database): an event another
    /// replica stored earlier has a lower id. An append still uncommitted at this moment is not seen; it was received
    /// at the same moment, so neither order is wrong.
    /// </remarks>
    internal async Task<bool> HasEarlierUnreadInLaneAsync(long eventId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var db = await CreateContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var earlier =
                from mine in db.InboxEvents
                where mine.Id == eventId && mine.Lane != null
                join e in db.InboxEvents on new { mine.AppName, mine.Lane } equals new { e.AppName, e.Lane }
                where e.Lane != null && e.Id < eventId && e.ReceivedAt >= since && e.Attempts <= 1
                    && (e.State == WorkState.Pending || e.State == WorkState.InProgress)
                select e.Id;
            return await earlier.AnyAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One event with its body, or null.</summary>
    public async Task<InboxEvent?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        var db = await CreateContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.InboxEvents.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HubDbContext> CreateContextAsync(CancellationToken cancellationToken)
    {
        await _initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = LogEvents.InboxStoreAppended, Level = LogLevel.Debug, Message = "Inbox event {EventId} stored ({EventType}, app '{AppName}').")]
    private static partial void LogAppended(ILogger logger, long eventId, string eventType, string appName);
}
