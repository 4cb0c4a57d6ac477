using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Routing;
using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Assistants.Routing;

/// <summary>
/// Who wrote, as the directory knows them: the person behind the platform account (the directory's one answer,
/// <see cref="AccountPeople"/>: the link, the open_id the directory synced for the app, else the email or mobile number
/// the platform's contacts give), their email, and their departments with every department above them.
/// </summary>
internal sealed class AssistantIdentity(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, AccountPeople accounts)
{
    /// <summary>The sender of a message to <paramref name="app"/> on <paramref name="platform"/> with id <paramref name="userId"/>.</summary>
    public async Task<AssistantSender> SenderAsync(string platform, string app, string userId, CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            // An account linked to no one may still be someone the directory knows, by what their platform says of them.
            var personId = await accounts.PersonOfAsync(platform, app, userId, cancellationToken).ConfigureAwait(false);
            if (personId is null)
            {
                return AssistantSender.Unknown;
            }

            var person = await db.People.AsNoTracking().Where(p => p.Id == personId)
                .Select(p => new { p.Email, p.EnterpriseEmail }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (person is null)
            {
                return AssistantSender.Unknown;
            }

            var departments = await (
                from m in db.Memberships.AsNoTracking()
                where m.PersonId == personId
                join d in db.Departments.AsNoTracking() on new { m.TenantKey, Id = m.DepartmentId } equals new { d.TenantKey, Id = d.OpenDepartmentId } into found
                from d in found.DefaultIfEmpty()
                select new { m.DepartmentId, Path = d == null ? null : d.Path, Custom = d == null ? null : d.DepartmentId }).ToListAsync(cancellationToken).ConfigureAwait(false);
            var all = new HashSet<string>(StringComparer.Ordinal);
            foreach (var d in departments)
            {
                all.Add(d.DepartmentId);
                if (d.Custom is { Length: > 0 } custom)
                {
                    all.Add(custom);
                }

                foreach (var above in (d.Path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries))
                {
                    all.Add(above);
                }
            }

            return new AssistantSender(personId, person.Email ?? person.EnterpriseEmail, all);
        }
    }

    /// <summary>The person the account <paramref name="userId"/> of <paramref name="app"/> on <paramref name="platform"/> is linked to, or null.</summary>
    public static async Task<string?> PersonIdAsync(HubDbContext db, string platform, string app, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var personId = await db.PersonLinks.AsNoTracking().Where(l => l.Platform == platform && l.App == app && l.UserId == userId)
            .Select(l => l.PersonId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (personId is null)
        {
            // The directory keeps each person's id per app it was synced from ("" for the default app), whatever its platform.
            var idApp = HubAppService.NameInStore(app);
            personId = await db.PersonAppIds.AsNoTracking().Where(a => a.App == idApp && a.OpenId == userId)
                .Select(a => a.PersonId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        }

        return personId;
    }
}
