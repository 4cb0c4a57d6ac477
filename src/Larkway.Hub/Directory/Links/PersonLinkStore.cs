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
/// People's accounts on the platforms other than the directory's, and where each person wants to be reached. A link made by a contacts lookup
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

    /// <summary>The persons many accounts on <paramref name="platform"/> under <paramref name="app"/> are linked to, by user id (those linked).</summary>
    public async Task<IReadOnlyDictionary<string, string>> PersonsOfAsync(string platform, string app, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.PersonLinks.AsNoTracking().Where(l => l.Platform == platform && l.App == app && userIds.Contains(l.UserId))
                .Select(l => new { l.UserId, l.PersonId }).ToListAsync(cancellationToken).ConfigureAwait(false);
            return rows.GroupBy(r => r.UserId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().PersonId, StringComparer.Ordinal);
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
                    await CloseHeldMatchAsync(db, platform, app, userId, personId, source, cancellationToken).ConfigureAwait(false);
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
                await CloseHeldMatchAsync(db, platform, app, userId, personId, source, cancellationToken).ConfigureAwait(false);
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
    public async Task<PersonRow?> ActivePersonByEmailAsync(string email, CancellationToken cancellationToken) =>
        (await ActivePeopleByEmailsAsync([email], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(email);

    /// <summary>
    /// Of <paramref name="emails"/> (lower case), those that name exactly one active person (by email or enterprise
    /// email), with that person: one query for a whole recipient list.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, PersonRow>> ActivePeopleByEmailsAsync(IReadOnlyCollection<string> emails, CancellationToken cancellationToken)
    {
        if (emails.Count == 0)
        {
            return new Dictionary<string, PersonRow>(StringComparer.Ordinal);
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var found = await db.People.AsNoTracking()
                .Where(p => p.Status == PersonStatus.Active && ((p.Email != null && emails.Contains(p.Email)) || (p.EnterpriseEmail != null && emails.Contains(p.EnterpriseEmail))))
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var byEmail = new Dictionary<string, PersonRow>(StringComparer.Ordinal);
            foreach (var email in emails)
            {
                var named = found.Where(p => p.Email == email || p.EnterpriseEmail == email).Take(2).ToList();
                if (named.Count == 1)
                {
                    byEmail[email] = named[0];
                }
            }

            return byEmail;
        }
    }

    /// <summary>
    /// The active people (at most two: enough to tell one from several) whose email or enterprise email is one of
    /// <paramref name="emails"/> (lower case).
    /// </summary>
    public async Task<IReadOnlyList<string>> ActivePersonIdsByEmailsAsync(IReadOnlyCollection<string> emails, CancellationToken cancellationToken)
    {
        if (emails.Count == 0)
        {
            return [];
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.People.AsNoTracking()
                .Where(p => p.Status == PersonStatus.Active && ((p.Email != null && emails.Contains(p.Email)) || (p.EnterpriseEmail != null && emails.Contains(p.EnterpriseEmail))))
                .Select(p => p.Id).Distinct().OrderBy(id => id).Take(2).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The active people (at most two) whose mobile number is one of <paramref name="mobiles"/> (as stored: <c>+86…</c>).</summary>
    public async Task<IReadOnlyList<string>> ActivePersonIdsByMobilesAsync(IReadOnlyCollection<string> mobiles, CancellationToken cancellationToken)
    {
        if (mobiles.Count == 0)
        {
            return [];
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.People.AsNoTracking().Where(p => p.Status == PersonStatus.Active && p.Mobile != null && mobiles.Contains(p.Mobile))
                .Select(p => p.Id).Distinct().OrderBy(id => id).Take(2).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every account of the person a message can reach: their links on any platform, and their open_id under the default
    /// Feishu app (the directory's own), as (platform, app, user id).
    /// </summary>
    public async Task<IReadOnlyList<(string Platform, string App, string UserId)>> AccountsAsync(string personId, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var linked = await db.PersonLinks.AsNoTracking().Where(l => l.PersonId == personId).OrderBy(l => l.Platform).ThenBy(l => l.App)
                .Select(l => new { l.Platform, l.App, l.UserId }).ToListAsync(cancellationToken).ConfigureAwait(false);
            var openId = await db.PersonAppIds.AsNoTracking().Where(a => a.PersonId == personId && a.App == "")
                .Select(a => a.OpenId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            var accounts = linked.Select(l => (l.Platform, l.App, l.UserId)).ToList();
            if (openId is not null && !accounts.Any(a => a.Platform == PersonPlatform.Directory && a.UserId == openId))
            {
                accounts.Insert(0, (PersonPlatform.Directory, Apps.HubAppService.DefaultAppName, openId));
            }

            return accounts;
        }
    }

    /// <summary>
    /// The ids the directory keeps for many people, by person and the app it was synced from (<c>""</c>: the default app):
    /// a Feishu app's open_id, a DingTalk or WeCom app's userid.
    /// </summary>
    public async Task<IReadOnlyDictionary<(string PersonId, string App), string>> DirectoryIdsAsync(IReadOnlyCollection<string> personIds, CancellationToken cancellationToken)
    {
        if (personIds.Count == 0)
        {
            return new Dictionary<(string, string), string>();
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.PersonAppIds.AsNoTracking().Where(a => personIds.Contains(a.PersonId))
                .Select(a => new { a.PersonId, a.App, a.OpenId }).ToListAsync(cancellationToken).ConfigureAwait(false);
            return rows.GroupBy(r => (r.PersonId, r.App)).ToDictionary(g => g.Key, g => g.First().OpenId);
        }
    }

    /// <summary>
    /// An administrator's link answers the account's held match (<see cref="PersonLinkConflicts"/>), however it was made:
    /// the conflicts page, the person's page or the links API.
    /// </summary>
    private async Task CloseHeldMatchAsync(HubDbContext db, string platform, string app, string userId, string personId, string source, CancellationToken cancellationToken)
    {
        if (source != PersonLinkSource.Admin)
        {
            return;
        }

        var now = time.GetUtcNow();
        await db.PersonLinkConflicts.Where(c => c.Platform == platform && c.App == app && c.UserId == userId && c.Status != PersonLinkConflictStatus.Resolved)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, PersonLinkConflictStatus.Resolved).SetProperty(c => c.ClosedAt, now).SetProperty(c => c.PersonId, personId), cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}
