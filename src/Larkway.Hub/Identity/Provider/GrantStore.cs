using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Identity.Provider;

/// <summary>How a redemption of a code went.</summary>
internal enum CodeRedemption
{
    Redeemed,
    Unknown,
    Expired,

    /// <summary>Used before: what the first redemption issued has just been revoked (RFC 6749 §4.1.2).</summary>
    Reused,
}

/// <summary>How a refresh went.</summary>
internal enum RefreshOutcome
{
    Rotated,
    Unknown,
    Expired,
    Revoked,

    /// <summary>A rotated token presented again: its whole grant has just been revoked.</summary>
    Reused,
}

/// <summary>
/// Codes, grants and refresh tokens (<c>identity_codes</c>, <c>identity_grants</c>, <c>identity_refresh_tokens</c>).
/// Only hashes are stored. Every one-time use is one conditional statement inside a transaction, so two redemptions of
/// one code, or two refreshes with one token, cannot both succeed: the loser is treated as reuse.
/// </summary>
internal sealed class GrantStore(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IOptions<IdentityOptions> options, TimeProvider time)
{
    /// <summary>Stores a new code and returns it (the only time it exists in plain).</summary>
    public async Task<string> CreateCodeAsync(AuthorizationCodeRow row, CancellationToken cancellationToken)
    {
        var code = OpaqueToken.New(OpaqueToken.CodePrefix);
        row.Hash = OpaqueToken.Hash(code);
        row.CreatedAt = time.GetUtcNow();
        row.ExpiresAt = row.CreatedAt + options.Value.CodeLifetime;
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            db.IdentityCodes.Add(row);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        return code;
    }

    /// <summary>The code's row, unredeemed or not; null when unknown.</summary>
    public async Task<AuthorizationCodeRow?> FindCodeAsync(string code, CancellationToken cancellationToken)
    {
        var hash = OpaqueToken.Hash(code);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.IdentityCodes.AsNoTracking().FirstOrDefaultAsync(c => c.Hash == hash, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes a code without starting a grant — it was presented by a client it was not issued to, so it has leaked — and
    /// revokes what it issued if it had been redeemed already.
    /// </summary>
    public async Task VoidCodeAsync(AuthorizationCodeRow code, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await db.IdentityCodes.Where(c => c.Hash == code.Hash && c.ConsumedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.ConsumedAt, now), cancellationToken).ConfigureAwait(false);
            var current = await db.IdentityCodes.AsNoTracking().FirstOrDefaultAsync(c => c.Hash == code.Hash, cancellationToken).ConfigureAwait(false);
            if (current?.GrantId is { } issued)
            {
                await RevokeGrantAsync(issued, reason, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Takes the code (once) and starts its grant, with a first refresh token when <paramref name="offline"/>; a code
    /// taken before revokes the grant the first redemption started.
    /// </summary>
    public async Task<(CodeRedemption Outcome, GrantRow? Grant, string? RefreshToken)> RedeemCodeAsync(AuthorizationCodeRow code, bool offline, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (code.ExpiresAt <= now)
            {
                return (CodeRedemption.Expired, null, null);
            }

            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var taken = await db.IdentityCodes.Where(c => c.Hash == code.Hash && c.ConsumedAt == null && c.ExpiresAt > now)
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.ConsumedAt, now), cancellationToken).ConfigureAwait(false);
                if (taken == 0)
                {
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    var current = await db.IdentityCodes.AsNoTracking().FirstOrDefaultAsync(c => c.Hash == code.Hash, cancellationToken).ConfigureAwait(false);
                    if (current?.ConsumedAt is null)
                    {
                        return (current is null ? CodeRedemption.Unknown : CodeRedemption.Expired, null, null);
                    }

                    if (current.GrantId is { } issued)
                    {
                        await RevokeGrantAsync(issued, "code_reuse", cancellationToken).ConfigureAwait(false);
                    }

                    return (CodeRedemption.Reused, null, null);
                }

                var o = options.Value;
                var grant = new GrantRow
                {
                    Id = OpaqueToken.NewId("grt_"),
                    ClientId = code.ClientId,
                    PersonId = code.PersonId,
                    SessionId = code.SessionId,
                    Scope = code.Scope,
                    AuthTime = code.AuthTime,
                    Amr = code.Amr,
                    CreatedAt = now,
                    ExpiresAt = now + (offline ? o.RefreshTokenLifetime : o.AccessTokenLifetime),
                };
                db.IdentityGrants.Add(grant);
                string? refresh = null;
                if (offline)
                {
                    refresh = AddRefreshToken(db, grant, now);
                }

                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await db.IdentityCodes.Where(c => c.Hash == code.Hash)
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.GrantId, grant.Id), cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return (CodeRedemption.Redeemed, grant, refresh);
            }
        }
    }

    /// <summary>The refresh token's row and its grant; null when unknown.</summary>
    public async Task<(RefreshTokenRow Token, GrantRow Grant)?> FindRefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var hash = OpaqueToken.Hash(refreshToken);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var found = await (from t in db.IdentityRefreshTokens
                               join g in db.IdentityGrants on t.GrantId equals g.Id
                               where t.Hash == hash
                               select new { t, g }).AsNoTracking().FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return found is null ? null : (found.t, found.g);
        }
    }

    /// <summary>
    /// Exchanges <paramref name="token"/> for the next token of its grant. A token used before revokes the grant (the
    /// family): whoever holds either copy is refused from then on.
    /// </summary>
    public async Task<(RefreshOutcome Outcome, string? Next)> RotateAsync(RefreshTokenRow token, GrantRow grant, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (grant.RevokedAt is not null)
        {
            return (RefreshOutcome.Revoked, null);
        }

        if (token.UsedAt is not null)
        {
            await RevokeGrantAsync(grant.Id, "refresh_token_reuse", cancellationToken).ConfigureAwait(false);
            return (RefreshOutcome.Reused, null);
        }

        if (token.ExpiresAt <= now || grant.ExpiresAt <= now)
        {
            return (RefreshOutcome.Expired, null);
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var used = await db.IdentityRefreshTokens.Where(t => t.Hash == token.Hash && t.UsedAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(t => t.UsedAt, now), cancellationToken).ConfigureAwait(false);
                if (used == 0)
                {
                    // Another request used it a moment ago: the same token twice is reuse, whoever was first.
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    await RevokeGrantAsync(grant.Id, "refresh_token_reuse", cancellationToken).ConfigureAwait(false);
                    return (RefreshOutcome.Reused, null);
                }

                var next = AddRefreshToken(db, grant, now);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return (RefreshOutcome.Rotated, next);
            }
        }
    }

    /// <summary>The grant when it is neither revoked nor expired.</summary>
    public async Task<GrantRow?> FindActiveGrantAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.IdentityGrants.AsNoTracking().FirstOrDefaultAsync(g => g.Id == id && g.RevokedAt == null && g.ExpiresAt > now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The grant, revoked or not.</summary>
    public async Task<GrantRow?> FindGrantAsync(string id, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.IdentityGrants.AsNoTracking().FirstOrDefaultAsync(g => g.Id == id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Revokes a grant: its refresh tokens and access tokens stop working. False when it was already revoked or is unknown.</summary>
    public async Task<bool> RevokeGrantAsync(string id, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.IdentityGrants.Where(g => g.Id == id && g.RevokedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(g => g.RevokedAt, now).SetProperty(g => g.RevokedReason, reason), cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    private string AddRefreshToken(HubDbContext db, GrantRow grant, DateTimeOffset now)
    {
        var token = OpaqueToken.New(OpaqueToken.RefreshPrefix);
        var idle = now + options.Value.RefreshTokenIdleLifetime;
        db.IdentityRefreshTokens.Add(new RefreshTokenRow
        {
            Hash = OpaqueToken.Hash(token),
            GrantId = grant.Id,
            ClientId = grant.ClientId,
            CreatedAt = now,
            ExpiresAt = idle < grant.ExpiresAt ? idle : grant.ExpiresAt,
        });
        return token;
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}
