using System.Linq.Expressions;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace Larkway.Hub.Platform.Queue;

/// <summary>
/// The work queue over any table whose rows are <see cref="IWorkItem"/>s, in EF Core. Claims take a batch in one
/// statement — <c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL, so replicas claiming at once take different rows; a
/// conditional update on SQLite, whose single writer serialises claims anyway — and every later change is conditional
/// on the lease, so only the holder records an outcome.
/// </summary>
/// <typeparam name="TRow">The row type; mapped in <see cref="HubDbContext"/>.</typeparam>
internal class EfWorkQueue<TRow> : IWorkQueue<TRow>
    where TRow : class, IWorkItem
{
    private readonly IDbContextFactory<HubDbContext> _contexts;
    private readonly IHubStorageProvider _provider;
    private readonly TimeProvider _time;
    private readonly QueueScope? _scope;
    private readonly WorkSignal? _signal;
    private string? _claimSql;

    /// <summary>
    /// A queue over every row of <typeparamref name="TRow"/>, or only those <paramref name="scope"/> selects; a replay
    /// wakes <paramref name="signal"/>'s worker.
    /// </summary>
    public EfWorkQueue(string name, IDbContextFactory<HubDbContext> contexts, IHubStorageProvider provider, TimeProvider time, QueueScope? scope = null, WorkSignal? signal = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _contexts = contexts;
        _provider = provider;
        _time = time;
        _scope = scope;
        _signal = signal;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider Time => _time;

    /// <inheritdoc />
    public virtual async Task<IReadOnlyList<TRow>> ClaimAsync(string owner, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var now = _time.GetUtcNow();
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return _provider.SupportsSkipLocked
                ? await ClaimSkippingLockedAsync(db, owner, max, now, now + lease, cancellationToken).ConfigureAwait(false)
                : await ClaimConditionallyAsync(db, owner, max, now, now + lease, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One <c>UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING *</c>: rows another claimer holds are skipped.</summary>
    private async Task<IReadOnlyList<TRow>> ClaimSkippingLockedAsync(HubDbContext db, string owner, int max, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        _claimSql ??= QueueClaimSql.ForSkipLocked(db.Model.FindEntityType(typeof(TRow)) ?? throw new InvalidOperationException($"{typeof(TRow).Name} is not mapped."), _scope);
        object[] parameters = _scope is { } scope
            ? [owner, until.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), max, scope.Value]
            : [owner, until.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), max];
        var rows = await db.Set<TRow>().FromSqlRaw(_claimSql, parameters).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderBy(r => r.Id)];
    }

    /// <summary>
    /// Candidates first, then one conditional update for the lot (one commit, not one per row): only rows still due are
    /// taken, so of two claimers each row goes to exactly one. A due row is never one this owner holds under a live lease,
    /// so afterwards the candidates InProgress under this owner are the ones just claimed.
    /// </summary>
    private async Task<IReadOnlyList<TRow>> ClaimConditionallyAsync(HubDbContext db, string owner, int max, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var candidates = await Due(Rows(db), now).OrderBy(r => r.Id).Select(r => r.Id).Take(max).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (candidates.Count == 0)
        {
            return [];
        }

        DateTimeOffset? leaseUntil = until;
        var updated = await Due(Rows(db).Where(r => candidates.Contains(r.Id)), now).ExecuteUpdateAsync(
            s =>
            {
                s.SetProperty(r => r.State, WorkState.InProgress);
                s.SetProperty(r => r.LeaseOwner, owner);
                s.SetProperty(r => r.LeaseUntil, leaseUntil);
                s.SetProperty(r => r.Attempts, r => r.Attempts + 1);
            },
            cancellationToken).ConfigureAwait(false);
        if (updated == 0)
        {
            return [];
        }

        var rows = await Rows(db).AsNoTracking()
            .Where(r => candidates.Contains(r.Id) && r.LeaseOwner == owner && r.State == WorkState.InProgress)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderBy(r => r.Id)];
    }

    /// <inheritdoc />
    public async Task<int> RenewAsync(string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        DateTimeOffset? until = _time.GetUtcNow() + lease;
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await Rows(db).Where(r => r.State == WorkState.InProgress && r.LeaseOwner == owner)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseUntil, until), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public virtual async Task<bool> RecordAsync(long id, string owner, WorkOutcome<TRow> outcome, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(outcome);
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var updated = await Owned(db, id, owner).ExecuteUpdateAsync(s => Apply(s, outcome), cancellationToken).ConfigureAwait(false);
            return updated == 1;
        }
    }

    /// <summary>The state, next attempt, lease and error an outcome means, then the feature's own columns.</summary>
    private static void Apply(UpdateSettersBuilder<TRow> s, WorkOutcome<TRow> outcome)
    {
        var error = Truncate(outcome.Error);
        s.SetProperty(r => r.LeaseOwner, (string?)null);
        s.SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null);
        switch (outcome.Kind)
        {
            case WorkOutcomeKind.Done:
                s.SetProperty(r => r.State, WorkState.Done);
                s.SetProperty(r => r.NextAttemptAt, (DateTimeOffset?)null);
                s.SetProperty(r => r.LastError, (string?)null);
                break;
            case WorkOutcomeKind.Retry:
                s.SetProperty(r => r.State, WorkState.Retrying);
                s.SetProperty(r => r.NextAttemptAt, outcome.At);
                s.SetProperty(r => r.LastError, error);
                break;
            case WorkOutcomeKind.DeadLetter:
                s.SetProperty(r => r.State, WorkState.DeadLetter);
                s.SetProperty(r => r.NextAttemptAt, (DateTimeOffset?)null);
                s.SetProperty(r => r.LastError, error);
                break;
            case WorkOutcomeKind.Defer:
                // Not attempted: the attempt counted at the claim is given back. A deferral with a cause (a rate limit)
                // shows as Retrying with it; a plain one (pacing, shutdown) as Pending.
                s.SetProperty(r => r.State, error is null ? WorkState.Pending : WorkState.Retrying);
                s.SetProperty(r => r.NextAttemptAt, outcome.At);
                s.SetProperty(r => r.Attempts, r => r.Attempts > 0 ? r.Attempts - 1 : 0);
                if (error is not null)
                {
                    s.SetProperty(r => r.LastError, error);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(outcome), outcome.Kind, "Unknown outcome.");
        }

        outcome.Also?.Invoke(s);
    }

    /// <inheritdoc />
    public Task<ReplayResult> ReplayAsync(long id, CancellationToken cancellationToken) => ReplayAsync(id, also: null, cancellationToken);

    /// <summary>Replays one item, also writing the feature's columns (e.g. clearing a completion time).</summary>
    public async Task<ReplayResult> ReplayAsync(long id, Action<UpdateSettersBuilder<TRow>>? also, CancellationToken cancellationToken)
    {
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await ReplayWhereAsync(db, r => r.Id == id, also, cancellationToken).ConfigureAwait(false) == 1)
            {
                return ReplayResult.Replayed;
            }

            return await Rows(db).AnyAsync(r => r.Id == id, cancellationToken).ConfigureAwait(false) ? ReplayResult.InProgress : ReplayResult.NotFound;
        }
    }

    /// <summary>Puts every matching item that is not in progress back to Pending with its attempts reset; returns how many.</summary>
    public async Task<int> ReplayAsync(Expression<Func<TRow, bool>> which, Action<UpdateSettersBuilder<TRow>>? also, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(which);
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await ReplayWhereAsync(db, which, also, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Replays the matching items nobody holds: not in progress, or held under a lease that expired (its worker died).</summary>
    private async Task<int> ReplayWhereAsync(HubDbContext db, Expression<Func<TRow, bool>> which, Action<UpdateSettersBuilder<TRow>>? also, CancellationToken cancellationToken)
    {
        DateTimeOffset? now = _time.GetUtcNow();
        var replayed = await Rows(db).Where(which).Where(r => r.State != WorkState.InProgress || r.LeaseUntil <= now).ExecuteUpdateAsync(
            s =>
            {
                s.SetProperty(r => r.State, WorkState.Pending);
                s.SetProperty(r => r.Attempts, 0);
                s.SetProperty(r => r.NextAttemptAt, now);
                s.SetProperty(r => r.LastError, (string?)null);
                s.SetProperty(r => r.LeaseOwner, (string?)null);
                s.SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null);
                also?.Invoke(s);
            },
            cancellationToken).ConfigureAwait(false);
        if (replayed > 0)
        {
            _signal?.Notify();
        }

        return replayed;
    }

    /// <inheritdoc />
    public async Task<QueueStats> StatsAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset? now = _time.GetUtcNow();
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            // Each count reads the (state, next attempt) index; no scan of the Done rows, which only grow.
            var rows = Rows(db).AsNoTracking();
            var waiting = await rows.LongCountAsync(r => r.State == WorkState.Pending || r.State == WorkState.Retrying, cancellationToken).ConfigureAwait(false);
            var inProgress = await rows.LongCountAsync(r => r.State == WorkState.InProgress, cancellationToken).ConfigureAwait(false);
            var deadLetters = await rows.LongCountAsync(r => r.State == WorkState.DeadLetter, cancellationToken).ConfigureAwait(false);
            var due = rows.Where(r => (r.State == WorkState.Pending || r.State == WorkState.Retrying) && r.NextAttemptAt <= now);
            var dueCount = await due.LongCountAsync(cancellationToken).ConfigureAwait(false);
            var oldest = await due.MinAsync(r => r.NextAttemptAt, cancellationToken).ConfigureAwait(false);
            return new QueueStats(waiting, inProgress, deadLetters, oldest) { Due = dueCount };
        }
    }

    /// <summary>This queue's rows.</summary>
    protected IQueryable<TRow> Rows(HubDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = db.Set<TRow>().AsQueryable();
        return _scope is { } scope ? rows.Where(r => EF.Property<string>(r, scope.Property) == scope.Value) : rows;
    }

    /// <summary>The item while <paramref name="owner"/> holds it.</summary>
    protected IQueryable<TRow> Owned(HubDbContext db, long id, string owner) =>
        Rows(db).Where(r => r.Id == id && r.State == WorkState.InProgress && r.LeaseOwner == owner);

    private static IQueryable<TRow> Due(IQueryable<TRow> rows, DateTimeOffset now) =>
        rows.Where(r => ((r.State == WorkState.Pending || r.State == WorkState.Retrying) && r.NextAttemptAt <= now)
            || (r.State == WorkState.InProgress && r.LeaseUntil <= now));

    private static string? Truncate(string? error) =>
        error is { Length: > QueueLimits.MaxErrorLength } ? error[..QueueLimits.MaxErrorLength] : error;
}

/// <summary>Selects one queue's rows in a shared table: those whose <see cref="Property"/> equals <see cref="Value"/>.</summary>
/// <param name="Property">The mapped property (e.g. the queue name of a <see cref="WorkItemRow"/>).</param>
/// <param name="Value">Its value for this queue.</param>
public sealed record QueueScope(string Property, string Value);

/// <summary>Sizes shared by the queues.</summary>
public static class QueueLimits
{
    /// <summary>The longest error kept on an item.</summary>
    public const int MaxErrorLength = 1000;
}
