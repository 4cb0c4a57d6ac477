using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Directory;

/// <summary>
/// A person as Feishu showed them to one of the Hub's apps: through sign-in (<c>authen/v1/user_info</c>) or the
/// contact API. Null fields were not readable (their field scope was not granted) and leave what is stored alone.
/// </summary>
/// <param name="App">The Hub app's name, <c>""</c> for the default app.</param>
public sealed record FeishuPersonSeen(string App, string TenantKey, string OpenId, string? UnionId, string? UserId, string Name)
{
    /// <summary>The English name.</summary>
    public string? EnName { get; init; }

    /// <summary>The email Feishu holds.</summary>
    public string? Email { get; init; }

    /// <summary>The enterprise email.</summary>
    public string? EnterpriseEmail { get; init; }

    /// <summary>The mobile number.</summary>
    public string? Mobile { get; init; }

    /// <summary>The employee number.</summary>
    public string? EmployeeNo { get; init; }

    /// <summary>The avatar's URL.</summary>
    public string? AvatarUrl { get; init; }
}

/// <summary>
/// The people of the directory, by the Hub's own id. A person is found by their open_id under the app that saw them,
/// then by union_id within the tenant; never by user_id alone, which an administrator can hand to someone else.
/// </summary>
/// <summary>The ids something can be shared with a person by (<see cref="PeopleStore.ShareIdsAsync"/>).</summary>
internal sealed record PersonShareIds(
    string PersonId, string TenantKey, string? OpenId, string? UserId, string? UnionId, IReadOnlySet<string> Emails, IReadOnlySet<string> DepartmentOpenIds);

internal sealed class PeopleStore(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, TimeProvider time)
{
    private const int MaxRounds = 4;

    /// <summary>The person with the Hub id <paramref name="personId"/>, or null.</summary>
    public async Task<PersonRow?> FindAsync(string personId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(personId);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == personId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The people of <paramref name="personIds"/> that exist, by id (one query for a recipient list).</summary>
    public async Task<IReadOnlyDictionary<string, PersonRow>> FindManyAsync(IReadOnlyCollection<string> personIds, CancellationToken cancellationToken = default)
    {
        if (personIds.Count == 0)
        {
            return new Dictionary<string, PersonRow>(StringComparer.Ordinal);
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var found = await db.People.AsNoTracking().Where(p => personIds.Contains(p.Id)).ToListAsync(cancellationToken).ConfigureAwait(false);
            return found.ToDictionary(p => p.Id, StringComparer.Ordinal);
        }
    }

    /// <summary>The persons whose ids under <paramref name="app"/> are <paramref name="openIds"/>, by id (those the directory has).</summary>
    public async Task<IReadOnlyDictionary<string, string>> PersonIdsByOpenIdsAsync(string app, IReadOnlyCollection<string> openIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (openIds.Count == 0)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.PersonAppIds.AsNoTracking().Where(a => a.App == app && openIds.Contains(a.OpenId))
                .Select(a => new { a.OpenId, a.PersonId }).ToListAsync(cancellationToken).ConfigureAwait(false);
            return rows.GroupBy(r => r.OpenId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().PersonId, StringComparer.Ordinal);
        }
    }

    /// <summary>The person whose open_id under <paramref name="app"/> is <paramref name="openId"/>, or null.</summary>
    public async Task<PersonRow?> FindByOpenIdAsync(string app, string openId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrEmpty(openId);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await (from a in db.PersonAppIds
                          join p in db.People on a.PersonId equals p.Id
                          where a.App == app && a.OpenId == openId
                          select p).AsNoTracking().FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The ways something can be shared with the person: their open_id under <paramref name="app"/>, user_id, union_id,
    /// addresses and departments with every department above them; null for no such active person.
    /// </summary>
    public async Task<PersonShareIds?> ShareIdsAsync(string personId, string app, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(personId);
        ArgumentNullException.ThrowIfNull(app);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var person = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == personId && p.Status == PersonStatus.Active, cancellationToken).ConfigureAwait(false);
            if (person is null)
            {
                return null;
            }

            var openId = await db.PersonAppIds.AsNoTracking().Where(a => a.PersonId == personId && a.App == app)
                .Select(a => a.OpenId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            var paths = await (from m in db.Memberships
                               join d in db.Departments on m.DepartmentId equals d.OpenDepartmentId
                               where m.PersonId == personId
                               select d.Path).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            var departments = paths.SelectMany(p => p.Split('/', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
            var emails = new[] { person.Email, person.EnterpriseEmail }.OfType<string>().Where(e => e.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
            return new PersonShareIds(person.Id, person.TenantKey, openId, person.UserId, person.UnionId, emails, departments);
        }
    }

    /// <summary>
    /// Finds or adds the person Feishu showed, brings their profile up to date with what was readable, and links the
    /// app's open_id to them. Concurrent calls for one new person make one person (the unique indexes settle it).
    /// </summary>
    public async Task<PersonRow> RecordSeenAsync(FeishuPersonSeen seen, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seen);
        ArgumentException.ThrowIfNullOrEmpty(seen.TenantKey);
        ArgumentException.ThrowIfNullOrEmpty(seen.OpenId);
        for (var round = 1; ; round++)
        {
            var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                var person = await FindSeenAsync(db, seen, cancellationToken).ConfigureAwait(false);
                var now = time.GetUtcNow();
                if (person is null)
                {
                    person = new PersonRow { Id = "per_" + Guid.CreateVersion7(now).ToString("N"), TenantKey = seen.TenantKey, Status = PersonStatus.Active, CreatedAt = now };
                    db.People.Add(person);
                }

                Apply(person, seen, now);
                var link = await db.PersonAppIds.FirstOrDefaultAsync(a => a.PersonId == person.Id && a.App == seen.App, cancellationToken).ConfigureAwait(false);
                if (link is null)
                {
                    db.PersonAppIds.Add(new PersonAppIdRow { PersonId = person.Id, App = seen.App, OpenId = seen.OpenId });
                }
                else if (link.OpenId != seen.OpenId)
                {
                    // The key is (app, open_id): a changed open_id (the app was re-created) replaces the row.
                    db.PersonAppIds.Remove(link);
                    db.PersonAppIds.Add(new PersonAppIdRow { PersonId = person.Id, App = seen.App, OpenId = seen.OpenId });
                }

                try
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    return person;
                }
                catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex) && round < MaxRounds)
                {
                    // Another request added this person (or linked this open_id) first: read again and update theirs.
                }
            }
        }
    }

    private static async Task<PersonRow?> FindSeenAsync(HubDbContext db, FeishuPersonSeen seen, CancellationToken cancellationToken)
    {
        var byOpenId = await (from a in db.PersonAppIds
                              join p in db.People on a.PersonId equals p.Id
                              where a.App == seen.App && a.OpenId == seen.OpenId
                              select p).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (byOpenId is not null || seen.UnionId is null)
        {
            return byOpenId;
        }

        return await db.People.FirstOrDefaultAsync(p => p.TenantKey == seen.TenantKey && p.UnionId == seen.UnionId, cancellationToken).ConfigureAwait(false);
    }

    private static void Apply(PersonRow person, FeishuPersonSeen seen, DateTimeOffset now)
    {
        var before = (person.UnionId, person.UserId, person.Name, person.EnName, person.Email, person.EnterpriseEmail, person.Mobile, person.EmployeeNo, person.AvatarUrl);
        person.UnionId = seen.UnionId ?? person.UnionId;
        person.UserId = seen.UserId ?? person.UserId;
        person.Name = string.IsNullOrEmpty(seen.Name) ? person.Name : seen.Name;
        person.EnName = seen.EnName ?? person.EnName;
        person.Email = seen.Email ?? person.Email;
        person.EnterpriseEmail = seen.EnterpriseEmail ?? person.EnterpriseEmail;
        person.Mobile = seen.Mobile ?? person.Mobile;
        person.EmployeeNo = seen.EmployeeNo ?? person.EmployeeNo;
        person.AvatarUrl = seen.AvatarUrl ?? person.AvatarUrl;
        if (before != (person.UnionId, person.UserId, person.Name, person.EnName, person.Email, person.EnterpriseEmail, person.Mobile, person.EmployeeNo, person.AvatarUrl)
            || person.UpdatedAt == default)
        {
            person.UpdatedAt = now;
        }
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}
