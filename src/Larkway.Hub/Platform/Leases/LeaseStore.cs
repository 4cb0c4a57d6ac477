using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Platform.Leases;

/// <summary>
/// Named leases in <c>hub_leases</c>, shared by every replica on the database: the way exactly one replica holds the
/// long connection or runs a scheduled job. Each operation is one conditional statement, so two replicas racing for
/// a lease never both get it. Times come from the injected <see cref="TimeProvider"/> (replicas' clocks must agree
/// to well within a third of a lease's duration).
/// </summary>
public sealed class LeaseStore
{
    private readonly IDbContextFactory<HubDbContext> _contexts;
    private readonly HubDatabaseInitializer _initializer;
    private readonly TimeProvider _time;

    internal LeaseStore(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, TimeProvider time)
    {
        _contexts = contexts;
        _initializer = initializer;
        _time = time;
    }

    /// <summary>
    /// Takes <paramref name="name"/> for <paramref name="owner"/> until now + <paramref name="duration"/> if it is free,
    /// expired, or already <paramref name="owner"/>'s (then it is extended). False when another owner holds it live.
    /// </summary>
    /// <remarks>
    /// One upsert, the same SQL on SQLite (3.24+) and PostgreSQL: <c>INSERT … ON CONFLICT (name) DO UPDATE … WHERE</c>
    /// the row is ours or expired. A lease nobody has held yet is inserted; two replicas inserting at once meet on the
    /// primary key and the loser's conditional update then finds the winner's live lease and changes nothing — no
    /// unique-violation exception, so a standby replica's polls log no errors.
    /// </remarks>
    public async Task<bool> TryAcquireAsync(string name, string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        Validate(name, owner, duration);
        await _initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var expiresMs = (now + duration).ToUnixTimeMilliseconds();
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var changed = await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO hub_leases (name, owner, acquired_at, expires_at) VALUES ({name}, {owner}, {nowMs}, {expiresMs})
                ON CONFLICT (name) DO UPDATE SET
                    owner = excluded.owner,
                    acquired_at = CASE WHEN hub_leases.owner = excluded.owner THEN hub_leases.acquired_at ELSE excluded.acquired_at END,
                    expires_at = excluded.expires_at
                WHERE hub_leases.owner = excluded.owner OR hub_leases.expires_at <= excluded.acquired_at
                """, cancellationToken).ConfigureAwait(false);
            return changed == 1;
        }
    }

    /// <summary>Extends the lease to now + <paramref name="duration"/> only while <paramref name="owner"/> holds it live; false otherwise.</summary>
    public async Task<bool> RenewAsync(string name, string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        Validate(name, owner, duration);
        await _initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var until = now + duration;
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            // An expired lease is not renewed even if nobody took it: its holder has already been told to stop.
            var changed = await db.Leases.Where(l => l.Name == name && l.Owner == owner && l.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, until), cancellationToken).ConfigureAwait(false);
            return changed == 1;
        }
    }

    /// <summary>Gives the lease up (deletes it) if <paramref name="owner"/> holds it, so another replica can take it at once.</summary>
    public async Task<bool> ReleaseAsync(string name, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        await _initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Leases.Where(l => l.Name == name && l.Owner == owner).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <summary>The lease row, live or expired; null when nobody holds or held it.</summary>
    public async Task<HubLease?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await _initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.Leases.AsNoTracking().FirstOrDefaultAsync(l => l.Name == name, cancellationToken).ConfigureAwait(false);
            return row is null ? null : new HubLease(row.Name, row.Owner, row.AcquiredAt, row.ExpiresAt);
        }
    }

    private static void Validate(string name, string owner, TimeSpan duration)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(name.Length, HubLeaseRow.MaxNameLength, nameof(name));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(owner.Length, HubLeaseRow.MaxOwnerLength, nameof(owner));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero, nameof(duration));
    }
}
