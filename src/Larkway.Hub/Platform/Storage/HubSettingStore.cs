using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Platform.Storage;

/// <summary>
/// The Hub's named settings (the <c>hub_settings</c> table) for features that keep a value there: one place that reads
/// and upserts them, so a feature does not carry its own copy of the race handling between replicas.
/// </summary>
internal sealed class HubSettingStore(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, TimeProvider time)
{
    /// <summary>The setting's value, or null when it was never stored.</summary>
    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Settings.AsNoTracking().Where(s => s.Name == name).Select(s => s.Value).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stores the value; of two replicas saving at the same moment, the later write wins.</summary>
    public async Task SetAsync(string name, string value, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            if (await UpdateAsync(db, name, value, now, cancellationToken).ConfigureAwait(false) > 0)
            {
                return;
            }

            db.Settings.Add(new HubSetting { Name = name, Value = value, UpdatedAt = now });
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                // Inserted by another replica between the update and the insert: write over it.
                await UpdateAsync(db, name, value, now, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static Task<int> UpdateAsync(HubDbContext db, string name, string value, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Settings.Where(s => s.Name == name)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Value, value).SetProperty(r => r.UpdatedAt, now), cancellationToken);

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}
