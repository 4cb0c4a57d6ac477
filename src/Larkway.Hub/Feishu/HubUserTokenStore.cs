using Larkway.Feishu.Authen;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Feishu;

/// <summary>
/// The Hub's <see cref="IFeishuUserTokenStore"/>: users' token sets in the database, encrypted with the Hub's key ring,
/// so every replica serves them and a restart keeps them. A save replaces the set (the last writer wins: a rotated
/// refresh token replaces the one it came from); a refresh that lost a race to another replica finds the winner's set
/// here, which is what <see cref="FeishuUserTokenProvider"/> reads again when Feishu refuses a used refresh token.
/// The rows are the Apps room's (<see cref="HubUserTokenRow"/>, <c>db.UserTokens</c>).
/// </summary>
internal sealed class HubUserTokenStore(
    IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, IDataProtectionProvider protection, TimeProvider time)
    : IFeishuUserTokenStore
{
    // A purpose of its own: a user's token is not an app secret, and one kind of ciphertext cannot be read as the other.
    private readonly IDataProtector _protector = protection.CreateProtector("Larkway.Hub.UserTokens.v1");

    public async Task<FeishuUserToken?> GetAsync(string appId, string userKey, CancellationToken cancellationToken = default)
    {
        Check(appId, userKey);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.UserTokens.AsNoTracking().FirstOrDefaultAsync(t => t.AppId == appId && t.UserKey == userKey, cancellationToken).ConfigureAwait(false);
            return row is null
                ? null
                : new FeishuUserToken(
                    _protector.Unprotect(row.AccessToken), row.AccessExpiresAt, row.RefreshToken is null ? null : _protector.Unprotect(row.RefreshToken), row.RefreshExpiresAt, row.Scope)
                {
                    TokenType = row.TokenType,
                };
        }
    }

    public async Task SaveAsync(string appId, string userKey, FeishuUserToken token, CancellationToken cancellationToken = default)
    {
        Check(appId, userKey);
        ArgumentNullException.ThrowIfNull(token);
        for (var round = 1; ; round++)
        {
            var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                var row = await db.UserTokens.FirstOrDefaultAsync(t => t.AppId == appId && t.UserKey == userKey, cancellationToken).ConfigureAwait(false);
                if (row is null)
                {
                    row = new HubUserTokenRow { AppId = appId, UserKey = userKey };
                    db.UserTokens.Add(row);
                }

                row.AccessToken = _protector.Protect(token.AccessToken);
                row.AccessExpiresAt = token.ExpiresAt;
                row.RefreshToken = token.RefreshToken is null ? null : _protector.Protect(token.RefreshToken);
                row.RefreshExpiresAt = token.RefreshTokenExpiresAt;
                row.Scope = token.Scope;
                row.TokenType = token.TokenType;
                row.UpdatedAt = time.GetUtcNow();
                try
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex) && round < 3)
                {
                    // Another replica saved this user's first set at the same moment: write again, as an update.
                }
            }
        }
    }

    public async Task RemoveAsync(string appId, string userKey, CancellationToken cancellationToken = default)
    {
        Check(appId, userKey);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await db.UserTokens.Where(t => t.AppId == appId && t.UserKey == userKey).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Check(string appId, string userKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        ArgumentException.ThrowIfNullOrEmpty(userKey);
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}
