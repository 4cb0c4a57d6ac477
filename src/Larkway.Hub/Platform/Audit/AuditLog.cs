using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Hub.Platform.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Platform.Audit;

/// <summary>Records administrative changes. Details must never hold a secret (keys, passwords, webhook secrets).</summary>
internal interface IAuditLog
{
    /// <summary>Records a change made in <paramref name="http"/>; the actor is the signed-in user or the admin key unless given.</summary>
    Task WriteAsync(HttpContext http, string action, string target, IReadOnlyDictionary<string, string?>? details, CancellationToken cancellationToken, string? actor = null);

    Task<IReadOnlyList<AuditEntry>> ListAsync(string? action, int limit, CancellationToken cancellationToken);
}

/// <summary>The audit log in the Hub's database.</summary>
internal sealed class DbAuditLog(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, TimeProvider time) : IAuditLog
{
    /// <summary>The actor of a request: the signed-in console user, else the admin key (the REST API's only admin).</summary>
    public static string Actor(HttpContext http) => http.User.FindFirst(Auth.HubAuth.CallerClaim)?.Value switch
    {
        Auth.HubAuth.AdminCallerId => "admin-key",
        { } key => "api-key:" + key,
        null => http.User.Identity is { IsAuthenticated: true, Name: { } name } ? "console:" + name : "admin-key",
    };

    public async Task WriteAsync(HttpContext http, string action, string target, IReadOnlyDictionary<string, string?>? details, CancellationToken cancellationToken, string? actor = null)
    {
        var json = JsonSerializer.Serialize(details ?? new Dictionary<string, string?>(StringComparer.Ordinal), AuditJsonContext.Default.IReadOnlyDictionaryStringString);
        var entry = new AuditEntry
        {
            At = time.GetUtcNow(),
            Actor = actor ?? Actor(http),
            Action = action,
            Target = target.Length > 256 ? target[..256] : target,
            Details = json.Length > AuditEntry.MaxDetailsLength ? json[..AuditEntry.MaxDetailsLength] : json,
            RemoteIp = http.Connection.RemoteIpAddress?.ToString(),
        };
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            db.AuditLog.Add(entry);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(string? action, int limit, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var query = db.AuditLog.AsNoTracking();
            if (!string.IsNullOrEmpty(action))
            {
                query = query.Where(e => e.Action.StartsWith(action));
            }

            return await query.OrderByDescending(e => e.Id).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Source-generated JSON for audit details.</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, string?>))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
