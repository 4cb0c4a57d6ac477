using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Larkway.Hub.Notifications.Types;

/// <summary>Notification types in the database; the built-in pack is loaded once, on the first start.</summary>
internal sealed class NotificationTypeStore(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IHubStorageProvider provider,
    TimeProvider time)
{
    /// <summary>The <c>hub_settings</c> row that records that the pack was loaded (so deleted types stay deleted).</summary>
    public const string PackSetting = "notification_pack_loaded";

    private const string PackResource = "Larkway.Hub.procurement-pack.json";

    public async Task<IReadOnlyList<NotificationTypeRow>> ListAsync(CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.NotificationTypes.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.OrderBy(t => t.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>Up to <paramref name="take"/> + 1 types by name after <paramref name="after"/> (keyset).</summary>
    public async Task<IReadOnlyList<NotificationTypeRow>> ListPageAsync(string? after, int take, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = db.NotificationTypes.AsNoTracking();
            if (after is not null)
            {
                rows = rows.Where(t => string.Compare(t.Name, after) > 0);
            }

            return await rows.OrderBy(t => t.Name).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<NotificationTypeRow?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.NotificationTypes.AsNoTracking().FirstOrDefaultAsync(t => t.Name == name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates or replaces a type after <see cref="NotificationTypeDefinition.Validate"/> found nothing wrong; true when it was new.</summary>
    /// <remarks>
    /// Two PUTs of one new name at once both find nothing and insert; the loser meets the primary key and tries again as
    /// an update (a PUT's last write wins). A DELETE between the read and the update is the same: the next try inserts.
    /// </remarks>
    public async Task<bool> PutAsync(NotificationTypeRow type, CancellationToken cancellationToken)
    {
        type.UpdatedAt = time.GetUtcNow();
        for (var attempt = 1; ; attempt++)
        {
            var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                var existing = await db.NotificationTypes.FirstOrDefaultAsync(t => t.Name == type.Name, cancellationToken).ConfigureAwait(false);
                if (existing is null)
                {
                    db.NotificationTypes.Add(type);
                }
                else
                {
                    db.Entry(existing).CurrentValues.SetValues(type);
                }

                try
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    return existing is null;
                }
                catch (DbUpdateException ex) when (attempt < 3 && (ex is DbUpdateConcurrencyException || provider.IsUniqueViolation(ex)))
                {
                    // Another writer created or deleted it between the read and the write: read again.
                }
            }
        }
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.NotificationTypes.Where(t => t.Name == name).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) > 0;
        }
    }

    /// <summary>Loads the built-in pack unless it was loaded before (by this or another process).</summary>
    public async Task LoadPackOnceAsync(CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await db.Settings.AnyAsync(s => s.Name == PackSetting, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            var now = time.GetUtcNow();
            foreach (var type in BuiltInPack())
            {
                type.UpdatedAt = now;
                if (!await db.NotificationTypes.AnyAsync(t => t.Name == type.Name, cancellationToken).ConfigureAwait(false))
                {
                    db.NotificationTypes.Add(type);
                }
            }

            db.Settings.Add(new HubSetting { Name = PackSetting, Value = "procurement", UpdatedAt = now });
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                // Another replica loaded it at the same moment.
            }
        }
    }

    /// <summary>The built-in procurement pack, as rows.</summary>
    internal static IReadOnlyList<NotificationTypeRow> BuiltInPack()
    {
        using var stream = typeof(NotificationTypeStore).Assembly.GetManifestResourceStream(PackResource)
            ?? throw new InvalidOperationException($"The embedded resource {PackResource} is missing.");
        var pack = JsonNode.Parse(stream)!.AsObject();
        return [.. pack["types"]!.AsArray().Select(t => new NotificationTypeRow
        {
            Name = t!["name"]!.GetValue<string>(),
            Description = t["description"]?.GetValue<string>() ?? "",
            Enabled = true,
            Template = t["template"]!.ToJsonString(),
            SampleData = t["sample_data"]?.ToJsonString() ?? "{}",
            Recipients = t["recipients"]?.ToJsonString() ?? "[]",
            Actions = t["actions"]?.ToJsonString() ?? "{}",
        })];
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Loads the built-in pack at startup.</summary>
internal sealed class NotificationPackStartup(NotificationTypeStore types) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => types.LoadPackOnceAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
