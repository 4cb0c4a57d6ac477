using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Platform.Auth.ApiKeys;

/// <summary>
/// API keys of business systems. A key is shown once, when created; only its SHA-256 is stored. Each key may send
/// some notification types: <c>*</c> (all), exact names, or families (<c>purchase_order.*</c>).
/// </summary>
internal sealed class ApiKeyStore(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, TimeProvider time)
{
    /// <summary>Prefix of every secret, so that a leaked one is recognisable (and greppable) as a Larkway key.</summary>
    public const string SecretPrefix = "lk_";

    /// <summary>Creates a key; the secret is returned only here.</summary>
    public async Task<(ApiKeyRow Key, string Secret)> CreateAsync(string name, IReadOnlyList<string> types, CancellationToken cancellationToken)
    {
        var secret = SecretPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var row = new ApiKeyRow
        {
            Id = "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            Name = name,
            SecretHash = Hash(secret),
            Types = string.Join(',', types),
            CreatedAt = time.GetUtcNow(),
        };
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            db.ApiKeys.Add(row);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        return (row, secret);
    }

    /// <summary>The key a secret belongs to, unless unknown or revoked.</summary>
    public async Task<ApiKeyRow?> FindAsync(string secret, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        // Looked up by hash: the secret itself is never compared, stored or logged.
        var hash = Hash(secret);
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.ApiKeys.AsNoTracking()
                .FirstOrDefaultAsync(k => k.SecretHash == hash && k.RevokedAt == null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every key, newest first (without secrets, which are not stored).</summary>
    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var keys = await db.ApiKeys.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. keys.OrderByDescending(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Up to <paramref name="take"/> + 1 keys newest first (ties by id) after key <paramref name="after"/> (keyset on
    /// created_at, id); null when no key has that id (a cursor no page handed out: keys are revoked, never deleted).
    /// </summary>
    public async Task<IReadOnlyList<ApiKeyRow>?> ListPageAsync(string? after, int take, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var keys = db.ApiKeys.AsNoTracking();
            if (after is not null)
            {
                if (await db.ApiKeys.AsNoTracking().Where(k => k.Id == after).Select(k => (DateTimeOffset?)k.CreatedAt).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) is not { } createdAt)
                {
                    return null;
                }

                keys = keys.Where(k => k.CreatedAt < createdAt || (k.CreatedAt == createdAt && string.Compare(k.Id, after) > 0));
            }

            return await keys.OrderByDescending(k => k.CreatedAt).ThenBy(k => k.Id).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Revokes a key; false when there is no such key.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        DateTimeOffset? now = time.GetUtcNow();
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var found = await db.ApiKeys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, k => k.RevokedAt ?? now), cancellationToken)
                .ConfigureAwait(false);
            return found > 0;
        }
    }

    /// <summary>Whether a key's type list allows <paramref name="type"/>.</summary>
    public static bool Allows(ApiKeyRow key, string type)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Allows(key.Types, type);
    }

    /// <summary>Whether the comma-separated type patterns <paramref name="types"/> (<c>*</c>, exact, <c>prefix.*</c>) allow <paramref name="type"/>.</summary>
    public static bool Allows(string types, string type)
    {
        ArgumentNullException.ThrowIfNull(types);
        foreach (var pattern in types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (pattern == "*" || pattern == type
                || (pattern.EndsWith(".*", StringComparison.Ordinal) && type.StartsWith(pattern[..^1], StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The longest type pattern: a notification type's own limit (the notifications API's <c>type</c>).</summary>
    public const int MaxPatternLength = 128;

    /// <summary>Checks a type pattern given when creating a key.</summary>
    public static bool IsValidPattern(string pattern) =>
        pattern == "*"
        || (pattern.Length is > 0 and <= MaxPatternLength
            && pattern.TrimEnd('*').TrimEnd('.').All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            && (!pattern.Contains('*', StringComparison.Ordinal) || (pattern.EndsWith(".*", StringComparison.Ordinal) && pattern.IndexOf('*', StringComparison.Ordinal) == pattern.Length - 1)));

    private static string Hash(string secret) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
