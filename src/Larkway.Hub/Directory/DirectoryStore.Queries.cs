using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Directory;

/// <summary>What a people search asks for; null filters match everyone.</summary>
/// <param name="Email">An email or enterprise email, matched exactly (case-insensitively).</param>
/// <param name="Department">Members of this department: its open_department_id or custom department_id.</param>
/// <param name="Query">Part of the name or English name, or the whole employee number, user_id or open_id.</param>
/// <param name="Status">Only people of this status.</param>
/// <param name="After">The last id of the previous page (the order is by name, then id).</param>
/// <param name="Limit">Most people returned.</param>
internal sealed record PeopleQuery(string? Email, string? Department, string? Query, PersonStatus? Status, string? After, int Limit);

/// <summary>A person with what the views show beside the row.</summary>
internal sealed record PersonDetail(PersonRow Person, IReadOnlyList<PersonAppIdRow> OpenIds, DepartmentRefDto[] Departments, LeaderDto? Leader, IReadOnlyList<DirectoryChangeRow> History);

/// <summary>A department with its member count and, for one department, its history.</summary>
internal sealed record DepartmentDetail(DepartmentRow Department, int Members, LeaderDto? Leader, IReadOnlyList<DirectoryChangeRow> History);

/// <summary>A run with its problems.</summary>
internal sealed record RunDetail(DirectorySyncRunRow Run, IReadOnlyList<DirectorySyncProblemRow> Problems);

internal sealed partial class DirectoryStore
{
    /// <summary>History entries a single person or department shows.</summary>
    public const int HistoryLimit = 100;

    /// <summary>
    /// People matching <paramref name="query"/>, by name then id (a stable order people can scan; ids only break ties),
    /// one more than the limit to tell whether a next page exists. A cursor naming no person gives an empty page.
    /// </summary>
    public async Task<IReadOnlyList<PersonDetail>> ListPeopleAsync(PeopleQuery query, string directoryApp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var people = db.People.AsNoTracking();
            if (DirectoryRules.NormalizeEmail(query.Email) is { Length: > 0 } email)
            {
                people = people.Where(p => p.Email == email || p.EnterpriseEmail == email);
            }

            if (query.Department is { Length: > 0 } department)
            {
                var ids = await DepartmentIdsAsync(db, department, cancellationToken).ConfigureAwait(false);
                people = people.Where(p => db.Set<MembershipRow>().Any(m => m.PersonId == p.Id && ids.Contains(m.DepartmentId)));
            }

            if (query.Query is { Length: > 0 } q)
            {
                var lower = q.ToLowerInvariant();
                people = people.Where(p => p.Name.ToLower().Contains(lower) || (p.EnName != null && p.EnName.ToLower().Contains(lower))
                    || p.EmployeeNo == q || p.UserId == q || db.Set<PersonAppIdRow>().Any(a => a.PersonId == p.Id && a.OpenId == q));
            }

            if (query.Status is { } status)
            {
                people = people.Where(p => p.Status == status);
            }

            if (query.After is { Length: > 0 } after)
            {
                // The cursor stays the last person's id (as the API documents it); their name places it in the order.
                var last = await db.People.AsNoTracking().Where(p => p.Id == after).Select(p => p.Name).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                if (last is null)
                {
                    return [];
                }

                people = people.Where(p => string.Compare(p.Name, last) > 0 || (p.Name == last && string.Compare(p.Id, after) > 0));
            }

            var rows = await people.OrderBy(p => p.Name).ThenBy(p => p.Id).Take(query.Limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
            return await DetailsAsync(db, rows, directoryApp, history: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The person each of <paramref name="keys"/> names, whatever the key is — a Hub person id, an open_id of any app, a
    /// union_id, a user_id or an email — in two queries however many keys; keys no person has are left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, PersonRow>> PeopleByAnyIdAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<string, PersonRow>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return found;
        }

        var emails = keys.Where(k => k.Contains('@', StringComparison.Ordinal)).Select(k => DirectoryRules.NormalizeEmail(k)!).Distinct(StringComparer.Ordinal).ToList();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var links = await db.PersonAppIds.AsNoTracking().Where(a => keys.Contains(a.OpenId)).Select(a => new { a.OpenId, a.PersonId })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var linked = links.Select(l => l.PersonId).Distinct(StringComparer.Ordinal).ToList();
            var people = await db.People.AsNoTracking()
                .Where(p => linked.Contains(p.Id) || keys.Contains(p.Id) || keys.Contains(p.UnionId!) || keys.Contains(p.UserId!)
                    || emails.Contains(p.Email!) || emails.Contains(p.EnterpriseEmail!))
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            // Every way a key can name a person, the first person found keeping it.
            var byKey = new Dictionary<string, PersonRow>(StringComparer.Ordinal);
            foreach (var person in people)
            {
                foreach (var key in new[] { person.Id, person.UnionId, person.UserId, person.Email, person.EnterpriseEmail })
                {
                    if (key is not null)
                    {
                        byKey.TryAdd(key, person);
                    }
                }
            }

            var byOpenId = links.DistinctBy(l => l.OpenId, StringComparer.Ordinal).ToDictionary(l => l.OpenId, l => l.PersonId, StringComparer.Ordinal);
            foreach (var key in keys)
            {
                var person = byOpenId.TryGetValue(key, out var id) ? byKey.GetValueOrDefault(id)
                    : byKey.GetValueOrDefault(key) ?? (key.Contains('@', StringComparison.Ordinal) ? byKey.GetValueOrDefault(DirectoryRules.NormalizeEmail(key)!) : null);
                if (person is not null)
                {
                    found[key] = person;
                }
            }
        }

        return found;
    }

    /// <summary>One person with their history, or null.</summary>
    public async Task<PersonDetail?> GetPersonAsync(string id, string directoryApp, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken).ConfigureAwait(false);
            return row is null ? null : (await DetailsAsync(db, [row], directoryApp, history: true, cancellationToken).ConfigureAwait(false))[0];
        }
    }

    /// <summary>Departments (by path), optionally those whose name contains <paramref name="query"/> or under <paramref name="parent"/>, one more than the limit.</summary>
    public async Task<IReadOnlyList<DepartmentDetail>> ListDepartmentsAsync(string? query, string? parent, bool includeDeleted, string? after, int limit, string directoryApp, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var departments = db.Departments.AsNoTracking();
            if (!includeDeleted)
            {
                departments = departments.Where(d => d.Status == DepartmentStatus.Active);
            }

            if (query is { Length: > 0 } q)
            {
                var lower = q.ToLowerInvariant();
                departments = departments.Where(d => d.Name.ToLower().Contains(lower) || d.OpenDepartmentId == q || d.DepartmentId == q);
            }

            if (parent is { Length: > 0 })
            {
                var ids = parent == "0" ? ["0"] : await DepartmentIdsAsync(db, parent, cancellationToken).ConfigureAwait(false);
                departments = departments.Where(d => ids.Contains(d.ParentId));
            }

            if (after is { Length: > 0 })
            {
                departments = departments.Where(d => string.Compare(d.OpenDepartmentId, after) > 0);
            }

            var rows = await departments.OrderBy(d => d.OpenDepartmentId).Take(limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
            return await DepartmentDetailsAsync(db, rows, directoryApp, history: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One department (by open_department_id or custom department_id) with its history, or null.</summary>
    public async Task<DepartmentDetail?> GetDepartmentAsync(string id, string directoryApp, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.Departments.AsNoTracking().OrderBy(d => d.Status).FirstOrDefaultAsync(d => d.OpenDepartmentId == id || d.DepartmentId == id, cancellationToken).ConfigureAwait(false);
            return row is null ? null : (await DepartmentDetailsAsync(db, [row], directoryApp, history: true, cancellationToken).ConfigureAwait(false))[0];
        }
    }

    /// <summary>
    /// The last <paramref name="limit"/> runs, newest first, with their problems; those older than the run
    /// <paramref name="after"/> when given (null when no run has that id).
    /// </summary>
    public async Task<IReadOnlyList<RunDetail>?> ListRunsAsync(int limit, string? after, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var query = db.DirectorySyncRuns.AsNoTracking();
            if (after is not null)
            {
                if (await db.DirectorySyncRuns.AsNoTracking().Where(r => r.Id == after).Select(r => (DateTimeOffset?)r.StartedAt).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) is not { } startedAt)
                {
                    return null;
                }

                query = query.Where(r => r.StartedAt < startedAt || (r.StartedAt == startedAt && string.Compare(r.Id, after) < 0));
            }

            var runs = await query.OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
            var ids = runs.Select(r => r.Id).ToList();
            var problems = await db.DirectorySyncProblems.AsNoTracking().Where(p => ids.Contains(p.RunId)).OrderBy(p => p.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. runs.Select(r => new RunDetail(r, [.. problems.Where(p => p.RunId == r.Id)]))];
        }
    }

    /// <summary>
    /// The open_id under <paramref name="app"/> of the active person each address (email or enterprise email, any case) names;
    /// addresses the directory cannot answer for that app (nobody, nobody active, or no open_id of that app yet) are left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> ActiveOpenIdsByEmailAsync(string app, IReadOnlyCollection<string> emails, CancellationToken cancellationToken)
    {
        var wanted = emails.Select(e => DirectoryRules.NormalizeEmail(e)!).Where(e => e.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var found = await (from p in db.People
                               join a in db.PersonAppIds on p.Id equals a.PersonId
                               where a.App == app && p.Status == PersonStatus.Active && (wanted.Contains(p.Email!) || wanted.Contains(p.EnterpriseEmail!))
                               select new { p.Email, p.EnterpriseEmail, a.OpenId }).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var email in emails)
            {
                var normal = DirectoryRules.NormalizeEmail(email);
                if (found.FirstOrDefault(f => f.Email == normal || f.EnterpriseEmail == normal) is { } match)
                {
                    result[email] = match.OpenId;
                }
            }

            return result;
        }
    }

    /// <summary>Whether the directory holds an inactive (frozen or resigned) person with this address and no active one.</summary>
    public async Task<bool> OnlyInactiveHaveEmailAsync(string email, CancellationToken cancellationToken)
    {
        var normal = DirectoryRules.NormalizeEmail(email);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var statuses = await db.People.AsNoTracking().Where(p => p.Email == normal || p.EnterpriseEmail == normal).Select(p => p.Status).ToListAsync(cancellationToken).ConfigureAwait(false);
            return statuses.Count > 0 && statuses.All(s => s != PersonStatus.Active);
        }
    }

    /// <summary>Links <paramref name="openId"/> under <paramref name="app"/> to the one active person with this address (an open_id another app's lookup found); false when none or several.</summary>
    public async Task<bool> LinkByEmailAsync(string app, string email, string openId, CancellationToken cancellationToken)
    {
        var normal = DirectoryRules.NormalizeEmail(email);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var people = await db.People.Where(p => p.Status == PersonStatus.Active && (p.Email == normal || p.EnterpriseEmail == normal)).Select(p => p.Id).OrderBy(id => id).Take(2).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (people.Count != 1
                || await db.PersonAppIds.AnyAsync(a => (a.App == app && a.OpenId == openId) || (a.App == app && a.PersonId == people[0]), cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            db.PersonAppIds.Add(new PersonAppIdRow { App = app, OpenId = openId, PersonId = people[0] });
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Links another app's open_id (from its own contact event) to the directory's person: by union_id in the tenant (one
    /// developer's apps share it), else by user_id when exactly one active person holds it (tenant-wide, and kept current by
    /// the sync). The directory itself is written only from the directory app. False when no one matched or it was linked.
    /// </summary>
    public async Task<bool> LinkOtherAppAsync(string app, string tenantKey, DirectoryUser user, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await db.PersonAppIds.AnyAsync(a => a.App == app && a.OpenId == user.Id, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            var matches = user.UnionId is { } union
                ? await db.People.Where(p => p.TenantKey == tenantKey && p.UnionId == union).Select(p => p.Id).OrderBy(id => id).Take(2).ToListAsync(cancellationToken).ConfigureAwait(false)
                : [];
            if (matches.Count == 0 && user.UserId is { } userId)
            {
                matches = await db.People.Where(p => p.TenantKey == tenantKey && p.UserId == userId && p.Status == PersonStatus.Active).Select(p => p.Id).OrderBy(id => id).Take(2).ToListAsync(cancellationToken).ConfigureAwait(false);
            }

            if (matches.Count != 1 || await db.PersonAppIds.AnyAsync(a => a.App == app && a.PersonId == matches[0], cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            db.PersonAppIds.Add(new PersonAppIdRow { App = app, OpenId = user.Id, PersonId = matches[0] });
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                return false;
            }
        }
    }

    private static async Task<List<string>> DepartmentIdsAsync(HubDbContext db, string department, CancellationToken cancellationToken)
    {
        var ids = await db.Departments.AsNoTracking().Where(d => d.OpenDepartmentId == department || d.DepartmentId == department)
            .Select(d => d.OpenDepartmentId).ToListAsync(cancellationToken).ConfigureAwait(false);
        ids.Add(department);
        return ids;
    }

    private static async Task<IReadOnlyList<PersonDetail>> DetailsAsync(HubDbContext db, List<PersonRow> rows, string directoryApp, bool history, CancellationToken cancellationToken)
    {
        var ids = rows.Select(p => p.Id).ToList();
        var links = await db.PersonAppIds.AsNoTracking().Where(a => ids.Contains(a.PersonId)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var memberships = await db.Memberships.AsNoTracking().Where(m => ids.Contains(m.PersonId)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var departmentIds = memberships.Select(m => m.DepartmentId).Distinct().ToList();
        var departments = await db.Departments.AsNoTracking().Where(d => departmentIds.Contains(d.OpenDepartmentId))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var leaders = await LeadersAsync(db, directoryApp, rows.Select(p => p.LeaderOpenId), cancellationToken).ConfigureAwait(false);
        var changes = history
            ? await db.DirectoryChanges.AsNoTracking().Where(c => c.PersonId != null && ids.Contains(c.PersonId)).OrderByDescending(c => c.Id).Take(HistoryLimit)
                .ToListAsync(cancellationToken).ConfigureAwait(false)
            : [];
        return [.. rows.Select(p => new PersonDetail(
            p,
            [.. links.Where(l => l.PersonId == p.Id)],
            [.. memberships.Where(m => m.PersonId == p.Id).Select(m => departments.Where(d => d.OpenDepartmentId == m.DepartmentId).OrderBy(d => d.TenantKey == p.TenantKey ? 0 : 1).FirstOrDefault() is { } d
                ? DepartmentRefDto.Of(d) : DepartmentRefDto.Unknown(m.DepartmentId)).OrderBy(d => d.Path, StringComparer.Ordinal)],
            p.LeaderOpenId is { } leader ? leaders.GetValueOrDefault(leader) ?? new LeaderDto(leader, null, null) : null,
            [.. changes.Where(c => c.PersonId == p.Id)]))];
    }

    /// <summary>The leaders the directory has, by their open_id under the directory app.</summary>
    private static async Task<Dictionary<string, LeaderDto>> LeadersAsync(HubDbContext db, string directoryApp, IEnumerable<string?> openIds, CancellationToken cancellationToken)
    {
        var wanted = openIds.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var found = await (from a in db.PersonAppIds
                           join p in db.People on a.PersonId equals p.Id
                           where a.App == directoryApp && wanted.Contains(a.OpenId)
                           select new { a.OpenId, p.Id, p.Name }).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        return found.DistinctBy(l => l.OpenId, StringComparer.Ordinal).ToDictionary(l => l.OpenId, l => new LeaderDto(l.OpenId, l.Id, l.Name), StringComparer.Ordinal);
    }

    private static async Task<IReadOnlyList<DepartmentDetail>> DepartmentDetailsAsync(HubDbContext db, List<DepartmentRow> rows, string directoryApp, bool history, CancellationToken cancellationToken)
    {
        var ids = rows.Select(d => d.OpenDepartmentId).ToList();
        var counts = await db.Memberships.AsNoTracking().Where(m => ids.Contains(m.DepartmentId)).GroupBy(m => m.DepartmentId)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var leaders = await LeadersAsync(db, directoryApp, rows.Select(d => d.LeaderOpenId), cancellationToken).ConfigureAwait(false);
        var changes = history
            ? await db.DirectoryChanges.AsNoTracking().Where(c => c.DepartmentId != null && ids.Contains(c.DepartmentId)).OrderByDescending(c => c.Id).Take(HistoryLimit)
                .ToListAsync(cancellationToken).ConfigureAwait(false)
            : [];
        return [.. rows.Select(d => new DepartmentDetail(
            d,
            counts.FirstOrDefault(c => c.Key == d.OpenDepartmentId)?.Count ?? 0,
            d.LeaderOpenId is { } leader ? leaders.GetValueOrDefault(leader) ?? new LeaderDto(leader, null, null) : null,
            [.. changes.Where(c => c.DepartmentId == d.OpenDepartmentId)]))];
    }
}
