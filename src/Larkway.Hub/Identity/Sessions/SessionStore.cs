using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Identity.Sessions;

/// <summary>
/// The broker's sessions (<c>identity_sessions</c>) and the end of what they issued: ending a session revokes every
/// grant made in it (so each app's refresh tokens and access tokens stop working), which is what "sign out of every
/// app" means here.
/// </summary>
internal sealed class SessionStore(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IOptions<IdentityOptions> options, TimeProvider time)
{
    /// <summary>A new session for <paramref name="personId"/>, authenticated now.</summary>
    public async Task<SessionRow> CreateAsync(string personId, string amr, string? remoteIp, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var row = new SessionRow
        {
            Id = OpaqueToken.NewId("ses_"),
            PersonId = personId,
            Amr = amr,
            AuthTime = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()),
            ExpiresAt = now + options.Value.SessionLifetime,
            RemoteIp = remoteIp is { Length: > 64 } ? remoteIp[..64] : remoteIp,
        };
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            db.IdentitySessions.Add(row);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        return row;
    }

    /// <summary>The session if it has neither ended nor expired.</summary>
    public async Task<SessionRow?> FindActiveAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.IdentitySessions.AsNoTracking()
                .FirstOrDefaultAsync(s => s.Id == id && s.EndedAt == null && s.ExpiresAt > now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Live sessions, newest first; of one person when <paramref name="personId"/> is given.</summary>
    /// <summary>
    /// Live sessions, newest sign-in first (then by id), those after the session <paramref name="after"/> when given; null
    /// when no session has that id. The order is fixed by columns a session never changes, so pages neither skip nor repeat.
    /// </summary>
    public async Task<IReadOnlyList<SessionRow>?> ListActiveAsync(string? personId, string? after, int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var query = db.IdentitySessions.AsNoTracking().Where(s => s.EndedAt == null && s.ExpiresAt > now);
            if (!string.IsNullOrEmpty(personId))
            {
                query = query.Where(s => s.PersonId == personId);
            }

            if (after is not null)
            {
                // Ended or expired since the last page is still a position in the order.
                if (await db.IdentitySessions.AsNoTracking().Where(s => s.Id == after).Select(s => (DateTimeOffset?)s.AuthTime).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) is not { } authTime)
                {
                    return null;
                }

                query = query.Where(s => s.AuthTime < authTime || (s.AuthTime == authTime && string.Compare(s.Id, after) > 0));
            }

            return await query.OrderByDescending(s => s.AuthTime).ThenBy(s => s.Id).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The apps (client ids) each of <paramref name="sessionIds"/> signed the person in to: a code, or a live grant.</summary>
    public async Task<ILookup<string, string>> ClientsOfAsync(IReadOnlyCollection<string> sessionIds, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var pairs = await db.IdentityGrants.AsNoTracking()
                .Where(g => sessionIds.Contains(g.SessionId) && g.RevokedAt == null && g.ExpiresAt > now)
                .Select(g => new { g.SessionId, g.ClientId }).Distinct().ToListAsync(cancellationToken).ConfigureAwait(false);
            var coded = await db.IdentityCodes.AsNoTracking()
                .Where(c => sessionIds.Contains(c.SessionId))
                .Select(c => new { c.SessionId, c.ClientId }).Distinct().ToListAsync(cancellationToken).ConfigureAwait(false);
            return pairs.Concat(coded).Distinct().ToLookup(p => p.SessionId, p => p.ClientId, StringComparer.Ordinal);
        }
    }

    /// <summary>Ends one session and revokes its grants; false when it was not live.</summary>
    public async Task<bool> EndAsync(string id, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var ended = await db.IdentitySessions.Where(s => s.Id == id && s.EndedAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.EndedAt, now).SetProperty(s => s.EndedReason, reason), cancellationToken).ConfigureAwait(false);
                await db.IdentityGrants.Where(g => g.SessionId == id && g.RevokedAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(g => g.RevokedAt, now).SetProperty(g => g.RevokedReason, reason), cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return ended == 1;
            }
        }
    }

    /// <summary>Signs a person out everywhere: every session ended, every grant (refresh tokens included) revoked. Returns the sessions ended.</summary>
    public async Task<int> EndPersonAsync(string personId, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var ended = await EndPeopleAsync(db, [personId], reason, now, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return ended;
            }
        }
    }

    /// <summary>
    /// Ends every session and revokes every grant of <paramref name="personIds"/> in <paramref name="db"/>'s current
    /// transaction (the caller's, so it commits with what made it necessary). Returns the sessions ended.
    /// </summary>
    public static async Task<int> EndPeopleAsync(HubDbContext db, IReadOnlyCollection<string> personIds, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ended = await db.IdentitySessions.Where(s => personIds.Contains(s.PersonId) && s.EndedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.EndedAt, now).SetProperty(s => s.EndedReason, reason), cancellationToken).ConfigureAwait(false);
        await db.IdentityGrants.Where(g => personIds.Contains(g.PersonId) && g.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(g => g.RevokedAt, now).SetProperty(g => g.RevokedReason, reason), cancellationToken).ConfigureAwait(false);
        return ended;
    }

    /// <summary>Revokes every grant of a client (it was disabled).</summary>
    public async Task RevokeClientAsync(string clientId, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await db.IdentityGrants.Where(g => g.ClientId == clientId && g.RevokedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(g => g.RevokedAt, now).SetProperty(g => g.RevokedReason, reason), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes what can no longer be used: codes and grants past expiry, sessions ended or expired a day ago.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var dayAgo = now - TimeSpan.FromDays(1);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var n = await db.IdentityCodes.Where(c => c.ExpiresAt < dayAgo).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            n += await db.IdentityRefreshTokens.Where(t => t.ExpiresAt < dayAgo).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            n += await db.IdentityGrants.Where(g => g.ExpiresAt < dayAgo).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            n += await db.IdentitySessions.Where(s => s.ExpiresAt < dayAgo || s.EndedAt < dayAgo).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            return n;
        }
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}
