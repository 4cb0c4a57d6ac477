using System.Text.Json;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Directory.Links;

/// <summary>What became of a request to link an account.</summary>
public enum PersonLinkOutcome
{
    /// <summary>Stored (new, or replacing the person's earlier account under that app).</summary>
    Linked,

    /// <summary>The same link was there already.</summary>
    Unchanged,

    /// <summary>The account is linked to another person; nothing changed.</summary>
    TakenByOther,

    /// <summary>An administrator's link is there and a lookup does not replace it.</summary>
    KeptAdminLink,

    /// <summary>No such person.</summary>
    NoPerson,
}

/// <summary>
/// People's accounts on DingTalk and WeCom, and where each person wants to be reached. A link made by a contacts lookup
/// (email, mobile) never replaces one an administrator made; an account belongs to one person at a time.
/// </summary>
internal sealed class PersonLinkStore(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, TimeProvider time)
{
    /// <summary>The person's links, by platform then app.</summary>
    public async Task<IReadOnlyList<PersonLinkRow>> LinksAsync(string personId, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.PersonLinks.AsNoTracking().Where(l => l.PersonId == personId)
                .OrderBy(l => l.Platform).ThenBy(l => l.App).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The links of many people at once (for a page of the directory).</summary>
    public async Task<ILookup<string, PersonLinkRow>> LinksAsync(IReadOnlyCollection<string> personIds, CancellationToken cancellationToken)
    {
        if (personIds.Count == 0)
        {
            return Array.Empty<PersonLinkRow>().ToLookup(l => l.PersonId);
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.PersonLinks.AsNoTracking().Where(l => personIds.Contains(l.PersonId)).ToListAsync(cancellationToken).ConfigureAwait(false);
            return rows.OrderBy(l => l.Platform, StringComparer.Ordinal).ThenBy(l => l.App, StringComparer.Ordinal).ToLookup(l => l.PersonId);
        }
    }

    /// <summary>The person an account is linked to, or null.</summary>
    public async Task<string?> PersonOfAsync(string platform, string app, string userId, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.PersonLinks.AsNoTracking().Where(l => l.Platform == platform && l.App == app && l.UserId == userId)
                .Select(l => l.PersonId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Links <paramref name="userId"/> on <paramref name="platform"/> under <paramref name="app"/> to the person. An
    /// administrator's link replaces whatever the person had under that app; a lookup's only fills a gap.
    /// </summary>
    public async Task<PersonLinkOutcome> LinkAsync(string personId, string platform, string app, string userId, string source, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (!await db.People.AnyAsync(p => p.Id == personId, cancellationToken).ConfigureAwait(false))
            {
                return PersonLinkOutcome.NoPerson;
            }

            var owner = await db.PersonLinks.AsNoTracking().Where(l => l.Platform == platform && l.App == app && l.UserId == userId)
                .Select(l => l.PersonId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (owner is not null && owner != personId)
            {
                return PersonLinkOutcome.TakenByOther;
            }

            var current = await db.PersonLinks.FirstOrDefaultAsync(l => l.PersonId == personId && l.Platform == platform && l.App == app, cancellationToken).ConfigureAwait(false);
            if (current is not null)
            {
                if (current.UserId == userId && (current.Source == source || source != PersonLinkSource.Admin))
                {
                    return PersonLinkOutcome.Unchanged;
                }

                if (current.Source == PersonLinkSource.Admin && source != PersonLinkSource.Admin)
                {
                    return PersonLinkOutcome.KeptAdminLink;
                }

                db.PersonLinks.Remove(current);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }

            db.PersonLinks.Add(new PersonLinkRow { PersonId = personId, Platform = platform, App = app, UserId = userId, Source = source, CreatedAt = time.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return PersonLinkOutcome.Linked;
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                // Another request linked the account (or this person under the app) at the same moment: the first one stands.
                return PersonLinkOutcome.TakenByOther;
            }
        }
    }

    /// <summary>Removes the person's link under the app; false when there was none.</summary>
    public async Task<bool> UnlinkAsync(string personId, string platform, string app, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.PersonLinks.Where(l => l.PersonId == personId && l.Platform == platform && l.App == app)
                .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) > 0;
        }
    }

    /// <summary>Sets (or, with null, clears) the person's preferred platform; false when there is no such person.</summary>
    public async Task<bool> SetPreferredPlatformAsync(string personId, string? platform, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            return await db.People.Where(p => p.Id == personId)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.PreferredPlatform, platform).SetProperty(p => p.UpdatedAt, now), cancellationToken)
                .ConfigureAwait(false) > 0;
        }
    }

    /// <summary>The active person whose email or enterprise email is <paramref name="email"/> (lower case), or null when none or more than one.</summary>
    public async Task<PersonRow?> ActivePersonByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var found = await db.People.AsNoTracking()
                .Where(p => p.Status == PersonStatus.Active && (p.Email == email || p.EnterpriseEmail == email))
                .OrderBy(p => p.Id).Take(2).ToListAsync(cancellationToken).ConfigureAwait(false);
            return found.Count == 1 ? found[0] : null;
        }
    }

    /// <summary>The person's open_id under a Feishu app (<c>""</c>: the default app), or null.</summary>
    public async Task<string?> OpenIdAsync(string personId, string app, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.PersonAppIds.AsNoTracking().Where(a => a.PersonId == personId && a.App == app)
                .Select(a => a.OpenId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The routing settings (the defaults until an administrator saves some).</summary>
    public async Task<Notifications.Routing.RoutingSettings> RoutingAsync(CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var value = await db.Settings.AsNoTracking().Where(s => s.Name == Notifications.Routing.RoutingSettings.SettingName)
                .Select(s => s.Value).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return value is null ? new() : JsonSerializer.Deserialize<Notifications.Routing.RoutingSettings>(value, Notifications.Routing.RoutingSettings.Json) ?? new();
        }
    }

    /// <summary>Stores the routing settings (checked by the caller).</summary>
    public async Task SaveRoutingAsync(Notifications.Routing.RoutingSettings settings, CancellationToken cancellationToken)
    {
        var value = JsonSerializer.Serialize(settings, Notifications.Routing.RoutingSettings.Json);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            var updated = await db.Settings.Where(s => s.Name == Notifications.Routing.RoutingSettings.SettingName)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Value, value).SetProperty(r => r.UpdatedAt, now), cancellationToken).ConfigureAwait(false);
            if (updated == 0)
            {
                db.Settings.Add(new HubSetting { Name = Notifications.Routing.RoutingSettings.SettingName, Value = value, UpdatedAt = now });
                try
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
                {
                    // Saved by another request at the same moment: this later save wins.
                    await db.Settings.Where(s => s.Name == Notifications.Routing.RoutingSettings.SettingName)
                        .ExecuteUpdateAsync(s => s.SetProperty(r => r.Value, value).SetProperty(r => r.UpdatedAt, now), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}
