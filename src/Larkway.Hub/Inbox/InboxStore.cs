using Larkway.Feishu.Events.Ingest;
using Larkway.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Inbox;

/// <summary>
/// The durable inbox: append with dedup, atomic claiming under a lease, completion, retry with back-off,
/// dead letters, replay and listing. Every state change is one conditional statement (or one transaction),
/// so two processes on the same database never both own an event. Thread-safe; one instance per process.
/// </summary>
public sealed partial class InboxStore : IAsyncDisposable, IDisposable
{
    private readonly IInboxWriter _writer;
    private readonly InboxAppendBatcher _batcher;
    private readonly InboxCompletionBatcher _completions;
    private readonly IDbContextFactory<HubDbContext> _contexts;
    private readonly HubDatabaseInitializer _initializer;
    private readonly TimeProvider _time;
    private readonly InboxOptions _options;
    private readonly InboxSignal _signal;
    private readonly ILogger _logger;

    internal InboxStore(
        IDbContextFactory<HubDbContext> contexts,
        IHubStorageProvider provider,
        HubDatabaseInitializer initializer,
        TimeProvider time,
        IOptions<InboxOptions> options,
        InboxSignal signal,
        ILogger<InboxStore> logger)
    {
        _contexts = contexts;
        _initializer = initializer;
        _time = time;
        _options = options.Value;
        _signal = signal;
        _logger = logger;
        _writer = provider.CreateInboxWriter();
        _batcher = new InboxAppendBatcher(WriteBatchAsync);
        _completions = new InboxCompletionBatcher(WriteCompletionsAsync);
    }

    /// <summary>
    /// Stores an event as Pending together with all its dedup keys, in one transaction. If any key is already
    /// stored — or another caller stores one first — nothing is written and the first copy's id is returned.
    /// </summary>
    /// <remarks>Appends arriving together share one transaction (group commit); each caller still gets its own result.</remarks>
    public Task<InboxAppendResult> AppendAsync(FeishuInboundEvent inbound, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        return _batcher.AppendAsync(inbound, leaseOwner: null, cancellationToken);
    }

    /// <summary>Stops taking appends, waits for the ones queued to be written, and closes the writer's connections.</summary>
    public async ValueTask DisposeAsync()
    {
        await _batcher.DisposeAsync().ConfigureAwait(false);
        await _completions.DisposeAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
    }

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
            rows[i] = new InboxAppendRow(NewEntity(batch[i].Inbound, batch[i].Keys, batch[i].LeaseOwner, now), batch[i].Keys);
        }

        var results = await _writer.AppendAsync(rows, CancellationToken.None).ConfigureAwait(false);
        var notify = false;
        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i].Status == InboxAppendStatus.Accepted)
            {
                LogAppended(_logger, results[i].EventId, rows[i].Event.EventType, rows[i].Event.AppName);
                notify |= batch[i].LeaseOwner is null;
            }

            batch[i].Result.TrySetResult(results[i]);
        }

        if (notify)
        {
            _signal.Notify();
        }
    }

    private InboxEvent NewEntity(FeishuInboundEvent inbound, string[] keys, string? leaseOwner, DateTimeOffset now) => new()
    {
        AppName = inbound.AppName,
        EventType = inbound.Envelope.EventType,
        DedupKey = keys.Length > 0 ? keys[0] : null,
        Body = InboxRedaction.Redact(inbound.Body.Span, inbound.Envelope),
        Transport = inbound.Transport,
        ReceivedAt = now,
        Status = leaseOwner is null ? InboxStatus.Pending : InboxStatus.InProgress,
        Attempts = leaseOwner is null ? 0 : 1,
        NextAttemptAt = now,
        LeaseOwner = leaseOwner,
        LeaseUntil = leaseOwner is null ? null : now + _options.LeaseDuration,
    };

    /// <summary>Appends; with a <paramref name="leaseOwner"/>, the event is stored already claimed by it (card actions handled inline).</summary>
    internal Task<InboxAppendResult> AppendAsync(FeishuInboundEvent inbound, string? leaseOwner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        return _batcher.AppendAsync(inbound, leaseOwner, cancellationToken);
    }

    /// <summary>
    /// Claims up to <paramref name="batchSize"/> events for <paramref name="owner"/> until now + <paramref name="leaseDuration"/>:
    /// Pending or Failed events that are due, and InProgress events whose lease has expired, oldest first.
    /// Each claim counts an attempt. An event is claimed by exactly one caller.
    /// </summary>
    public async Task<IReadOnlyList<InboxEvent>> ClaimAsync(string owner, int batchSize, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);

        await _initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        return await _writer.ClaimAsync(owner, batchSize, now, now + leaseDuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks a claimed event Done. False when <paramref name="owner"/> no longer holds its lease (another processor took it over).</summary>
    /// <remarks>Completions arriving together share one transaction (group commit).</remarks>
    public Task<bool> CompleteAsync(long id, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return _completions.CompleteAsync(id, owner, cancellationToken);
    }

    /// <summary>Marks a batch of events Done, each only while its owner still holds the lease, in one transaction.</summary>
    private async Task WriteCompletionsAsync(IReadOnlyList<PendingCompletion> batch)
    {
        await _initializer.EnsureInitializedAsync(CancellationToken.None).ConfigureAwait(false);
        var completions = new InboxCompletion[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            completions[i] = new InboxCompletion(batch[i].Id, batch[i].Owner);
        }

        var held = await _writer.CompleteAsync(completions, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        foreach (var completion in batch)
        {
            completion.Result.TrySetResult(LeaseHeld(held.Contains(completion.Id) ? 1 : 0, completion.Id, completion.Owner));
        }
    }

    /// <summary>
    /// Records a failed attempt of a claimed event: Failed with the next attempt after the back-off (or
    /// <paramref name="retryAfter"/>), or DeadLetter once <see cref="InboxOptions.MaxAttempts"/> attempts were made.
    /// Returns the new status, or null when <paramref name="owner"/> no longer holds the lease.
    /// </summary>
    /// <param name="id">The event.</param>
    /// <param name="owner">The lease owner.</param>
    /// <param name="error">What went wrong: exception type and message, never payloads or secrets.</param>
    /// <param name="retryAfter">Overrides the back-off delay (e.g. a rate limit's reset).</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    public Task<InboxStatus?> FailAsync(long id, string owner, string error, TimeSpan? retryAfter = null, CancellationToken cancellationToken = default) =>
        FailAsync(id, owner, error, retryAfter, permanent: false, cancellationToken);

    /// <summary>
    /// Records a failure that no retry can fix (a body that does not match its event model): DeadLetter at once.
    /// Returns false when <paramref name="owner"/> no longer holds the lease.
    /// </summary>
    public async Task<bool> DeadLetterAsync(long id, string owner, string error, CancellationToken cancellationToken = default) =>
        await FailAsync(id, owner, error, retryAfter: null, permanent: true, cancellationToken).ConfigureAwait(false) is not null;

    private async Task<InboxStatus?> FailAsync(long id, string owner, string error, TimeSpan? retryAfter, bool permanent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        var now = _time.GetUtcNow();
        var lastError = error.Length > InboxEvent.MaxErrorLength ? error[..InboxEvent.MaxErrorLength] : error;
        var db = await CreateContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var attempts = await Owned(db, id, owner).Select(e => (int?)e.Attempts).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (attempts is not { } n)
            {
                LeaseHeld(0, id, owner);
                return null;
            }

            var deadLetter = permanent || n >= _options.MaxAttempts;
            var status = deadLetter ? InboxStatus.DeadLetter : InboxStatus.Failed;
            DateTimeOffset? next = deadLetter ? null : now + (retryAfter ?? RetryDelay(n));

            // Conditional on the attempts read above as well: still ours, and unchanged since.
            var updated = await Owned(db, id, owner).Where(e => e.Attempts == n).ExecuteUpdateAsync(
                s => s.SetProperty(e => e.Status, status)
                    .SetProperty(e => e.NextAttemptAt, next)
                    .SetProperty(e => e.LastError, lastError)
                    .SetProperty(e => e.LeaseOwner, (string?)null)
                    .SetProperty(e => e.LeaseUntil, (DateTimeOffset?)null),
                cancellationToken).ConfigureAwait(false);
            if (!LeaseHeld(updated, id, owner))
            {
                return null;
            }

            if (deadLetter)
            {
                LogDeadLettered(_logger, id, n);
            }

            return status;
        }
    }

    /// <summary>
    /// Gives a claimed event back without counting the attempt (shutdown before or while handling it), so any
    /// processor can take it at once instead of waiting for the lease to expire.
    /// </summary>
    public async Task<bool> ReleaseAsync(long id, string owner, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var db = await CreateContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var updated = await Owned(db, id, owner).ExecuteUpdateAsync(
                s => s.SetProperty(e => e.Status, InboxStatus.Pending)
                    .SetProperty(e => e.Attempts, e => e.Attempts > 0 ? e.Attempts - 1 : 0)
                    .SetProperty(e => e.NextAttemptAt, now)
                    .SetProperty(e => e.LeaseOwner, (string?)null)
                    .SetProperty(e => e.LeaseUntil, (DateTimeOffset?)null),
                cancellationToken).ConfigureAwait(false);
            return LeaseHeld(updated, id, owner);
        }
    }

    /// <summary>Extends every lease <paramref name="owner"/> holds to now + <paramref name="leaseDuration"/>; returns how many.</summary>
    public async Task<int> RenewLeasesAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        DateTimeOffset? until = _time.GetUtcNow() + leaseDuration;
        var db = await CreateContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.InboxEvents
                .Where(e => e.Status == InboxStatus.InProgress && e.LeaseOwner == owner)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseUntil, until), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Puts an event back to Pending with its attempts reset (from DeadLetter, Done, Failed or Pending).
    /// An event being processed right now is not touched: <see cref="InboxReplayResult.InProgress"/>.
    /// </summary>
    public async Task<InboxReplayResult> ReplayAsync(long id, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var db = await CreateContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var updated = await db.InboxEvents
                .Where(e => e.Id == id && e.Status != InboxStatus.InProgress)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(e => e.Status, InboxStatus.Pending)
                        .SetProperty(e => e.Attempts, 0)
                        .SetProperty(e => e.NextAttemptAt, now)
                        .SetProperty(e => e.LastError, (string?)null)
                        .SetProperty(e => e.CompletedAt, (DateTimeOffset?)null)
                        .SetProperty(e => e.LeaseOwner, (string?)null)
                        .SetProperty(e => e.LeaseUntil, (DateTimeOffset?)null),
                    cancellationToken).ConfigureAwait(false);
            if (updated == 1)
            {
                LogReplayed(_logger, id);
                _signal.Notify();
                return InboxReplayResult.Replayed;
            }

            return await db.InboxEvents.AnyAsync(e => e.Id == id, cancellationToken).ConfigureAwait(false)
                ? InboxReplayResult.InProgress
                : InboxReplayResult.NotFound;
        }
    }

    /// <summary>
    /// One page of events newest first, optionally of one type and/or status, without bodies: at most
    /// <paramref name="limit"/> events with ids below <paramref name="beforeId"/> (all when null), the id to pass
    /// as <paramref name="beforeId"/> for the next page (null on the last), and how many events match in all.
    /// </summary>
    public async Task<InboxEventPage> ListAsync(string? eventType, InboxStatus? status, int limit, long? beforeId = null, CancellationToken cancellationToken = default)
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
                query = query.Where(e => e.Status == s);
            }

            var total = await query.LongCountAsync(cancellationToken).ConfigureAwait(false);
            var page = beforeId is { } before ? query.Where(e => e.Id < before) : query;

            // One more than asked tells whether another page follows, so the last page never points at an empty one.
            var items = await page
                .OrderByDescending(e => e.Id)
                .Take(limit + 1)
                .Select(e => new InboxEventSummary(
                    e.Id, e.AppName, e.EventType, e.DedupKey, e.ReceivedAt, e.Status, e.Attempts, e.LastError, e.Transport, e.NextAttemptAt, e.CompletedAt))
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

    /// <summary>One event with its body, or null.</summary>
    public async Task<InboxEvent?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        var db = await CreateContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.InboxEvents.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The back-off before the next attempt after <paramref name="attempts"/> failed ones, with jitter.</summary>
    internal TimeSpan RetryDelay(int attempts)
    {
        var delays = _options.EffectiveRetryDelays;
        var baseDelay = delays[Math.Clamp(attempts - 1, 0, delays.Count - 1)];
        var jitter = Math.Clamp(_options.RetryJitter, 0, 1);
        if (jitter == 0)
        {
            return baseDelay;
        }

        // Not a security decision: spreading retries only.
#pragma warning disable CA5394
        var factor = 1 + (jitter * ((Random.Shared.NextDouble() * 2) - 1));
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(baseDelay.TotalMilliseconds * factor);
    }

    private static IQueryable<InboxEvent> Owned(HubDbContext db, long id, string owner) =>
        db.InboxEvents.Where(e => e.Id == id && e.Status == InboxStatus.InProgress && e.LeaseOwner == owner);

    private bool LeaseHeld(int updated, long id, string owner)
    {
        if (updated == 0)
        {
            LogLeaseLost(_logger, id, owner);
        }

        return updated > 0;
    }

    private async Task<HubDbContext> CreateContextAsync(CancellationToken cancellationToken)
    {
        await _initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Debug, Message = "Inbox event {EventId} stored ({EventType}, app '{AppName}').")]
    private static partial void LogAppended(ILogger logger, long eventId, string eventType, string appName);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Inbox event {EventId} is no longer leased by {Owner}; another processor took it over after the lease expired.")]
    private static partial void LogLeaseLost(ILogger logger, long eventId, string owner);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "Inbox event {EventId} dead-lettered after {Attempts} attempts.")]
    private static partial void LogDeadLettered(ILogger logger, long eventId, int attempts);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Information, Message = "Inbox event {EventId} replayed: back to Pending.")]
    private static partial void LogReplayed(ILogger logger, long eventId);

}
