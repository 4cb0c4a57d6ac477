using System.Globalization;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Platform.Leases;

/// <summary>
/// What the holder of a long connection's lease says of its connection, for every replica to read: the setting
/// <c>{prefix}{key}</c> holds since when it has held the lease without an open connection (and, optionally, why), and is
/// absent while a connection is open. A held lease alone would read as "connected" for readiness and the alerts; written
/// only when the state changes. DingTalk's Stream and WeCom's AI bot each have their prefix.
/// </summary>
internal abstract class ConnectionDownMarks(string prefix, IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, TimeProvider time)
{
    /// <summary>Since when the holder has had no open connection, or null while it has one (or has said nothing).</summary>
    public async Task<DateTimeOffset?> DownSinceAsync(string key, CancellationToken cancellationToken) =>
        (await ReadAsync(key, cancellationToken).ConfigureAwait(false))?.Since;

    /// <summary>The holder's mark: since when it has had no open connection and why (null when it gave no reason), or null.</summary>
    public async Task<(DateTimeOffset Since, string? Reason)?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var name = prefix + key;
            var value = await db.Settings.AsNoTracking().Where(s => s.Name == name).Select(s => s.Value).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return Parse(value) is { } mark ? mark : null;
        }
    }

    /// <summary>
    /// Says the connection has been down since <paramref name="since"/> (for <paramref name="reason"/>, when given), or
    /// (null) that it is open. A mark already there with an earlier time and the same reason is kept: the holder before
    /// this one (which handed the lease over) was down from then, and no replica has connected since, or the mark would
    /// be gone.
    /// </summary>
    public async Task SetAsync(string key, DateTimeOffset? since, CancellationToken cancellationToken, string? reason = null)
    {
        var name = prefix + key;
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (since is null)
            {
                await db.Settings.Where(s => s.Name == name).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            var value = since.Value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) + (reason is null ? "" : " " + reason);
            var row = await db.Settings.FirstOrDefaultAsync(s => s.Name == name, cancellationToken).ConfigureAwait(false);
            if (row is not null && Parse(row.Value) is { } earlier && earlier.Since <= since && earlier.Reason == reason)
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

    private static (DateTimeOffset Since, string? Reason)? Parse(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var space = value.IndexOf(' ', StringComparison.Ordinal);
        var date = space < 0 ? value : value[..space];
        return DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var since)
            ? (since, space < 0 ? null : value[(space + 1)..])
            : null;
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}
