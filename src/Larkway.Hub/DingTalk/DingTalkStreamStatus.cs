using System.Globalization;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// What the holder of an app's Stream lease says of its connection, for every replica to read: the setting
/// <c>dingtalk-stream-down/{AppKey}</c> holds since when it has held the lease without an open connection (DingTalk
/// refuses the credentials, or cannot be reached), and is absent while a connection is open. A held lease alone would
/// read as "connected" for readiness and the alerts; written only when the state changes.
/// </summary>
internal sealed class DingTalkStreamStatus(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, TimeProvider time)
{
    private const string Prefix = "dingtalk-stream-down/";

    /// <summary>Since when the holder has had no open connection, or null while it has one (or has said nothing).</summary>
    public async Task<DateTimeOffset?> DownSinceAsync(string appKey, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var name = Prefix + appKey;
            var value = await db.Settings.AsNoTracking().Where(s => s.Name == name).Select(s => s.Value).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var since) ? since : null;
        }
    }

    /// <summary>
    /// Says the connection has been down since <paramref name="since"/>, or (null) that it is open. A mark already there
    /// with an earlier time is kept: the holder before this one (which handed the lease over) was down from then, and no
    /// replica has connected since, or the mark would be gone.
    /// </summary>
    public async Task SetAsync(string appKey, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var name = Prefix + appKey;
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (since is null)
            {
                await db.Settings.Where(s => s.Name == name).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            var value = since.Value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
            var row = await db.Settings.FirstOrDefaultAsync(s => s.Name == name, cancellationToken).ConfigureAwait(false);
            if (row is not null && DateTimeOffset.TryParse(row.Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var earlier) && earlier <= since)
            {
                return;
            }

            if (row is null)
            {
                db.Settings.Add(new HubSetting { Name = name, Value = value, UpdatedAt = time.GetUtcNow() });
            }
            else
            {
                (row.Value, row.UpdatedAt) = (value, time.GetUtcNow());
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                // The previous holder's word, written at the same moment: the next check writes again.
            }
        }
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}
