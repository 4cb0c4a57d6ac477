using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Directory;

/// <summary>Where a write to the directory comes from, and as of when it shows things.</summary>
/// <param name="TenantKey">The tenant written to.</param>
/// <param name="App">The app whose open_ids the write carries (<c>""</c>: the default app).</param>
/// <param name="Source">Sync, event, reconciliation, scope sync.</param>
/// <param name="SourceRef">The run's or the event's id, kept in the history.</param>
/// <param name="At">As of when the write shows things: a page's read time, an event's <c>create_time</c>.</param>
/// <param name="RunId">The sync run reading the page, or null for an event.</param>
internal sealed record DirectoryWrite(string TenantKey, string App, DirectorySource Source, string? SourceRef, DateTimeOffset At, string? RunId = null)
{
    /// <summary>The department whose members a sync page lists: a person's membership when their departments were not shown.</summary>
    public string? ListedDepartment { get; init; }

    /// <summary>Work items (the run's next pages) added in the same transaction as the page's writes.</summary>
    public IReadOnlyList<WorkItemRow> Enqueue { get; init; } = [];

    /// <summary>
    /// The apps the directory reads when it reads more than one (<see cref="DirectorySources.WriteAsync"/>); null when it
    /// reads <see cref="App"/> alone.
    /// </summary>
    public DirectorySourceOrder? Order { get; init; }

    /// <summary>The platform of <see cref="App"/> (as its unit is named), set with <see cref="Order"/>: its accounts' links and held matches.</summary>
    public string? Platform { get; init; }
}

/// <summary>What a write did.</summary>
/// <param name="Seen">People or departments the run had not seen before this page.</param>
/// <param name="Created">Added.</param>
/// <param name="Updated">Changed (not created, deactivated or reactivated).</param>
/// <param name="Deactivated">Active people now frozen or resigned.</param>
/// <param name="Stale">Shown values ignored because a newer one was already applied.</param>
internal sealed record DirectoryApplied(int Seen, int Created, int Updated, int Deactivated, int Stale = 0)
{
    public static readonly DirectoryApplied None = new(0, 0, 0, 0);

    public int Changes => Created + Updated + Deactivated;
}

/// <summary>
/// The directory's writes: people and departments as a sync page or an event shows them, each page in one transaction with
/// its history, its webhooks (the outbox, so each change is published once) and the run's next pages.
/// </summary>
internal sealed partial class DirectoryStore(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IHubStorageProvider provider,
    WebhookStore webhooks,
    WorkSignals signals,
    TimeProvider time,
    IEnumerable<IDirectoryDeactivationObserver> deactivationObservers,
    Links.PersonLinkConflicts? conflicts = null) : IDirectoryLookup
{
    /// <summary>Rounds of a start that races another start for the active run's guard.</summary>
    private const int MaxRounds = 4;

    /// <summary>What a deletion changes: it wins a same-millisecond tie with a read that only showed the person.</summary>
    private static readonly IReadOnlySet<string> Deletion = new HashSet<string>([DirectoryRules.Status, DirectoryRules.Departments], StringComparer.Ordinal);

    /// <summary>
    /// Applies <paramref name="users"/> (a page or an event's user): finds each person by the app's open_id, then by union_id
    /// in the tenant, adds those not found, applies the fields that are not stale, sets their departments, links the open_id.
    /// A person listed twice (in two departments) is written once.
    /// </summary>
    public async Task<DirectoryApplied> ApplyUsersAsync(DirectoryWrite write, IReadOnlyList<DirectoryUser> users, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var distinct = users.Where(u => u.Id.Length > 0).DistinctBy(u => u.Id, StringComparer.Ordinal).ToList();
        return await UntilNoConflictAsync(db => ApplyUsersOnceAsync(db, write, distinct, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="apply"/> in a fresh context until it meets no unique index or stale row: another writer added
    /// one of the same people or departments (or linked an open_id, or enqueued a page) first, so it reads again and applies
    /// to theirs.
    /// </summary>
    private Task<T> UntilNoConflictAsync<T>(Func<HubDbContext, Task<T>> apply, CancellationToken cancellationToken) =>
        ConflictRounds.RunAsync(ContextAsync, provider, apply, cancellationToken);

    private async Task<DirectoryApplied> ApplyUsersOnceAsync(HubDbContext db, DirectoryWrite write, List<DirectoryUser> users, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var openIds = users.Select(u => u.Id).ToList();
            var links = await db.PersonAppIds.Where(a => a.App == write.App && openIds.Contains(a.OpenId)).ToListAsync(cancellationToken).ConfigureAwait(false);
            var linkedIds = links.Select(l => l.PersonId).ToList();
            var unionIds = users.Where(u => u.UnionId is not null && !links.Any(l => l.OpenId == u.Id)).Select(u => u.UnionId!).ToList();
            var people = await db.People.Where(p => linkedIds.Contains(p.Id) || (p.TenantKey == write.TenantKey && unionIds.Contains(p.UnionId!)))
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var matches = write.Order is { IsMany: true }
                ? await DirectoryAccountMatching.MatchAsync(db, write, [.. users.Where(u => !links.Any(l => l.OpenId == u.Id) && !people.Any(p => u.UnionId is not null && p.UnionId == u.UnionId))], people, cancellationToken)
                    .ConfigureAwait(false)
                : DirectoryAccountMatches.None;
            var personIds = people.Select(p => p.Id).ToList();
            var memberships = await db.Memberships.Where(m => personIds.Contains(m.PersonId)).ToListAsync(cancellationToken).ConfigureAwait(false);
            var appLinks = await db.PersonAppIds.Where(a => a.App == write.App && personIds.Contains(a.PersonId)).ToListAsync(cancellationToken).ConfigureAwait(false);
            var otherApps = write.Order is { IsMany: true } order
                ? await db.PersonAppIds.AsNoTracking().Where(a => order.Apps.Contains(a.App) && a.App != write.App && personIds.Contains(a.PersonId)).ToListAsync(cancellationToken).ConfigureAwait(false)
                : [];

            var now = time.GetUtcNow();
            var changed = new List<(PersonRow Person, DirectoryChangeRow Change)>();
            int seen = 0, created = 0, updated = 0, deactivated = 0;
            foreach (var user in users)
            {
                var link = links.FirstOrDefault(l => l.OpenId == user.Id);
                var person = link is not null
                    ? people.First(p => p.Id == link.PersonId)
                    : (user.UnionId is null ? null : people.FirstOrDefault(p => p.TenantKey == write.TenantKey && p.UnionId == user.UnionId))
                        ?? (matches.Found.TryGetValue(user.Id, out var matched) ? people.FirstOrDefault(p => p.Id == matched) : null);
                if (person is null && matches.Held.ContainsKey(user.Id))
                {
                    // Two people have this account's email or mobile number: an administrator says whose it is.
                    continue;
                }

                var isNew = person is null;
                if (person is null)
                {
                    person = new PersonRow { Id = NewPersonId(now), TenantKey = write.TenantKey, Status = PersonStatus.Active, CreatedAt = now, UpdatedAt = now };
                    db.People.Add(person);
                    people.Add(person);
                }

                var elsewhere = otherApps.Where(a => a.PersonId == person.Id).Select(a => a.App).ToList();
                Dictionary<string, FieldChange> changes;
                if (elsewhere.Count > 0 && user.Status == PersonStatus.Resigned)
                {
                    // Gone from this app but still on another the directory reads: the account leaves, the person stays.
                    changes = LeaveApp(db, write, person, memberships, appLinks, elsewhere);
                }
                else
                {
                    // A person's fields are the first app's they are on; a later app only adds its account and departments.
                    var outranked = write.Order is { } o && elsewhere.Any(a => o.Precedes(a, write.App));
                    changes = outranked ? new Dictionary<string, FieldChange>(StringComparer.Ordinal) : DirectoryRules.Apply(person, user, write.At);
                    var own = memberships.Where(m => m.PersonId == person.Id && (write.Order?.Owns(write.App, m.DepartmentId) ?? true)).ToList();
                    var field = write.Order?.DepartmentsField(write.App) ?? DirectoryRules.Departments;
                    var target = DirectoryRules.DepartmentsToApply(person, user.DepartmentIds, write.At, user.Changed, field)
                        ?? (write.ListedDepartment is { } listed ? own.Select(m => m.DepartmentId).Append(listed).ToHashSet(StringComparer.Ordinal) : null);
                    if (target is not null)
                    {
                        SetDepartments(db, write, person, own, target, memberships, changes);
                    }

                    LinkOpenId(db, write.App, person.Id, user.Id, appLinks);
                }

                if (write.RunId is { } run && person.LastSyncRunId != run)
                {
                    person.LastSyncRunId = run;
                    seen++;
                }

                if (!isNew && changes.Count == 0)
                {
                    continue;
                }

                person.UpdatedAt = now;
                var kind = DirectoryRules.KindOf(isNew, changes);
                _ = kind switch
                {
                    DirectoryChangeKind.Created => created++,
                    DirectoryChangeKind.Deactivated => deactivated++,
                    _ => updated++,
                };
                var change = NewChange(write, kind, changes, now);
                change.PersonId = person.Id;
                db.DirectoryChanges.Add(change);
                changed.Add((person, change));
            }

            await EnqueueAsync(db, write.Enqueue, cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await DeactivatedAsync(db, [.. changed.Where(c => c.Change.Kind == DirectoryChangeKind.Deactivated).Select(c => c.Person.Id)], now, cancellationToken).ConfigureAwait(false);
            var published = await PublishPeopleAsync(db, write, changed, memberships, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            NotifySync(write.Enqueue);
            if (published > 0)
            {
                webhooks.NotifySender();
            }

            await HoldAsync(write, matches, cancellationToken).ConfigureAwait(false);
            return new DirectoryApplied(seen, created, updated, deactivated);
        }
    }

    /// <summary>
    /// Takes <paramref name="person"/>'s account under <paramref name="write"/>'s app away, with the departments it read,
    /// when the person is still on <paramref name="elsewhere"/> (other apps the directory reads); the change it makes.
    /// </summary>
    private static Dictionary<string, FieldChange> LeaveApp(
        HubDbContext db, DirectoryWrite write, PersonRow person, List<MembershipRow> memberships, List<PersonAppIdRow> appLinks, IReadOnlyList<string> elsewhere)
    {
        var changes = new Dictionary<string, FieldChange>(StringComparer.Ordinal);
        foreach (var account in appLinks.Where(a => a.PersonId == person.Id).ToList())
        {
            db.PersonAppIds.Remove(account);
            appLinks.Remove(account);
        }

        var own = memberships.Where(m => m.PersonId == person.Id && m.DepartmentId != "0" && (write.Order?.Owns(write.App, m.DepartmentId) ?? true)).ToList();
        if (own.Count > 0)
        {
            var before = memberships.Where(m => m.PersonId == person.Id).Select(m => m.DepartmentId).ToList();
            db.Memberships.RemoveRange(own);
            memberships.RemoveAll(own.Contains);
            changes[DirectoryRules.Departments] = new FieldChange(JoinIds(before), JoinIds(before.Except(own.Select(m => m.DepartmentId), StringComparer.Ordinal)) is { Length: > 0 } after ? after : null);
        }

        changes[DirectoryRules.Apps] = new FieldChange(JoinIds(elsewhere.Append(write.App).Select(Apps.HubAppService.NameOnWire)), JoinIds(elsewhere.Select(Apps.HubAppService.NameOnWire)));
        return changes;
    }

    /// <summary>Holds the accounts two people matched for an administrator (after the write: a held match is idempotent).</summary>
    private async Task HoldAsync(DirectoryWrite write, DirectoryAccountMatches matches, CancellationToken cancellationToken)
    {
        if (conflicts is null || write.Platform is not { } platform)
        {
            return;
        }

        foreach (var (userId, (reason, candidates)) in matches.Held)
        {
            await conflicts.HoldAsync(platform, write.App, userId, reason, candidates, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Marks the person whose open_id under <paramref name="write"/>'s app is <paramref name="openId"/> resigned, their departments left (<paramref name="formerDepartmentIds"/> from the event's <c>old_object</c> when the directory had none).</summary>
    public async Task<DirectoryApplied> ApplyDeletedUserAsync(DirectoryWrite write, string openId, IReadOnlyList<string> formerDepartmentIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var person = await (from a in db.PersonAppIds
                                    join p in db.People on a.PersonId equals p.Id
                                    where a.App == write.App && a.OpenId == openId
                                    select p).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                if (person is null)
                {
                    // Never in the directory: nothing to deactivate.
                    return DirectoryApplied.None;
                }

                var memberships = await db.Memberships.Where(m => m.PersonId == person.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
                var elsewhere = write.Order is { IsMany: true } order
                    ? await db.PersonAppIds.AsNoTracking().Where(a => a.PersonId == person.Id && order.Apps.Contains(a.App) && a.App != write.App).Select(a => a.App).ToListAsync(cancellationToken).ConfigureAwait(false)
                    : [];
                if (elsewhere.Count > 0)
                {
                    // Still on another app the directory reads: only this app's account leaves.
                    var appLinks = await db.PersonAppIds.Where(a => a.App == write.App && a.PersonId == person.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
                    var left = LeaveApp(db, write, person, memberships, appLinks, elsewhere);
                    return await RecordPersonChangeAsync(db, transaction, write, person, left, cancellationToken).ConfigureAwait(false);
                }

                var changes = DirectoryRules.Apply(person, new DirectoryUser(openId) { Status = PersonStatus.Resigned, Changed = Deletion }, write.At);
                if (DirectoryRules.DepartmentsToApply(person, [], write.At, Deletion) is not null)
                {
                    var before = memberships.Count > 0 ? [.. memberships.Select(m => m.DepartmentId)] : formerDepartmentIds;
                    db.Memberships.RemoveRange(memberships);
                    if (before.Count > 0)
                    {
                        changes[DirectoryRules.Departments] = new FieldChange(JoinIds(before), null);
                    }
                }

                return await RecordPersonChangeAsync(db, transaction, write, person, changes, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Saves one person's <paramref name="changes"/> with their history entry and webhook, and commits.</summary>
    private async Task<DirectoryApplied> RecordPersonChangeAsync(
        HubDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, DirectoryWrite write, PersonRow person, Dictionary<string, FieldChange> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return DirectoryApplied.None with { Stale = 1 };
        }

        var now = time.GetUtcNow();
        person.UpdatedAt = now;
        var kind = DirectoryRules.KindOf(created: false, changes);
        var change = NewChange(write, kind, changes, now);
        change.PersonId = person.Id;
        db.DirectoryChanges.Add(change);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        if (kind == DirectoryChangeKind.Deactivated)
        {
            await DeactivatedAsync(db, [person.Id], now, cancellationToken).ConfigureAwait(false);
        }

        var published = await PublishPeopleAsync(db, write, [(person, change)], [], cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (published > 0)
        {
            webhooks.NotifySender();
        }

        return kind == DirectoryChangeKind.Deactivated ? new DirectoryApplied(0, 0, 0, 1) : new DirectoryApplied(0, 0, 1, 0);
    }

    /// <summary>Applies <paramref name="departments"/> (a page or an event's department), with the run's next pages enqueued in the same transaction.</summary>
    public async Task<DirectoryApplied> ApplyDepartmentsAsync(DirectoryWrite write, IReadOnlyList<DirectoryDepartment> departments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var distinct = departments.Where(d => d.Id.Length > 0 && d.Id != "0").DistinctBy(d => d.Id, StringComparer.Ordinal).ToList();
        return await UntilNoConflictAsync(db => ApplyDepartmentsOnceAsync(db, write, distinct, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task<DirectoryApplied> ApplyDepartmentsOnceAsync(HubDbContext db, DirectoryWrite write, List<DirectoryDepartment> departments, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var ids = departments.Select(d => d.Id).Concat(departments.Select(d => d.ParentId ?? "0")).Distinct(StringComparer.Ordinal).ToList();
            var rows = await db.Departments.Where(d => d.TenantKey == write.TenantKey && ids.Contains(d.OpenDepartmentId))
                .ToDictionaryAsync(d => d.OpenDepartmentId, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var changed = new List<(DepartmentRow Department, DirectoryChangeRow Change)>();
            var seen = 0;
            var created = 0;
            var updated = 0;
            var moved = false;
            foreach (var shown in departments)
            {
                var isNew = !rows.TryGetValue(shown.Id, out var row);
                if (row is null)
                {
                    row = new DepartmentRow { TenantKey = write.TenantKey, OpenDepartmentId = shown.Id, CreatedAt = now, UpdatedAt = now };
                    db.Departments.Add(row);
                    rows[row.OpenDepartmentId] = row;
                }

                var changes = DirectoryRules.Apply(row, shown, write.At);
                moved |= changes.ContainsKey("name") || changes.ContainsKey("parent_id");
                if (write.RunId is { } run && row.LastSyncRunId != run)
                {
                    row.LastSyncRunId = run;
                    seen++;
                }

                if (!isNew && changes.Count == 0)
                {
                    continue;
                }

                row.UpdatedAt = now;
                var kind = isNew ? DirectoryChangeKind.Created
                    : changes.TryGetValue(DirectoryRules.Status, out var status) && status.New == "deleted" ? DirectoryChangeKind.Deleted
                    : DirectoryChangeKind.Updated;
                _ = isNew ? created++ : updated++;
                var change = NewChange(write, kind, changes, now);
                change.DepartmentId = row.OpenDepartmentId;
                db.DirectoryChanges.Add(change);
                changed.Add((row, change));
            }

            // Each department's path from its parent's (a parent of this page first; one the page does not name, as stored).
            var parents = rows.Values.Select(r => r.ParentId).Where(p => p != "0" && !rows.ContainsKey(p)).Distinct(StringComparer.Ordinal).ToList();
            foreach (var parent in await db.Departments.Where(d => d.TenantKey == write.TenantKey && parents.Contains(d.OpenDepartmentId)).ToListAsync(cancellationToken).ConfigureAwait(false))
            {
                rows[parent.OpenDepartmentId] = parent;
            }

            var placed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var shown in departments)
            {
                Place(rows[shown.Id], rows, departments.Select(d => d.Id).ToHashSet(StringComparer.Ordinal), placed);
            }

            await EnqueueAsync(db, write.Enqueue, cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            if (moved && write.RunId is null)
            {
                // An event renamed or moved a department: the paths below it change too (a sync recomputes them once at its end).
                await RecomputePathsAsync(db, write.TenantKey, cancellationToken).ConfigureAwait(false);
            }

            var published = 0;
            foreach (var (department, change) in changed)
            {
                published += await PublishAsync(db, write, change, DirectoryWire.Department(department, leader: null), null, cancellationToken).ConfigureAwait(false);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            NotifySync(write.Enqueue);
            if (published > 0)
            {
                webhooks.NotifySender();
            }

            return new DirectoryApplied(seen, created, updated, 0);
        }
    }

    /// <summary>Recomputes every department's path of <paramref name="tenantKey"/> from the parents (after a sync, whose pages may list a child before its parent).</summary>
    public async Task RecomputePathsAsync(string tenantKey, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await RecomputePathsAsync(db, tenantKey, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task RecomputePathsAsync(HubDbContext db, string tenantKey, CancellationToken cancellationToken)
    {
        var rows = await db.Departments.Where(d => d.TenantKey == tenantKey).ToDictionaryAsync(d => d.OpenDepartmentId, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        foreach (var row in rows.Values)
        {
            (row.Path, row.PathNames) = PathOf(row, rows);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets <paramref name="row"/>'s path below its parent's, placing a parent of the same page first (a cycle stops at the row itself).</summary>
    private static void Place(DepartmentRow row, Dictionary<string, DepartmentRow> rows, IReadOnlySet<string> page, HashSet<string> placed)
    {
        if (!placed.Add(row.OpenDepartmentId))
        {
            return;
        }

        if (row.ParentId != "0" && rows.TryGetValue(row.ParentId, out var parent))
        {
            if (page.Contains(parent.OpenDepartmentId))
            {
                Place(parent, rows, page, placed);
            }

            row.Path = parent.Path.Length == 0 ? parent.OpenDepartmentId + "/" + row.OpenDepartmentId : parent.Path + "/" + row.OpenDepartmentId;
            row.PathNames = parent.PathNames.Length == 0 ? parent.Name + " / " + row.Name : parent.PathNames + " / " + row.Name;
        }
        else
        {
            (row.Path, row.PathNames) = row.ParentId == "0" ? (row.OpenDepartmentId, row.Name) : (row.ParentId + "/" + row.OpenDepartmentId, row.Name);
        }
    }

    /// <summary>The ids and names from the first level down to <paramref name="row"/>, as far as the parents are known (a cycle stops the walk).</summary>
    private static (string Path, string Names) PathOf(DepartmentRow row, IReadOnlyDictionary<string, DepartmentRow> rows)
    {
        var chain = new List<DepartmentRow> { row };
        var visited = new HashSet<string>(StringComparer.Ordinal) { row.OpenDepartmentId };
        var parent = row.ParentId;
        while (parent != "0" && rows.TryGetValue(parent, out var up) && visited.Add(up.OpenDepartmentId))
        {
            chain.Add(up);
            parent = up.ParentId;
        }

        chain.Reverse();
        return (string.Join('/', chain.Select(d => d.OpenDepartmentId)), string.Join(" / ", chain.Select(d => d.Name)));
    }

    private static void SetDepartments(
        HubDbContext db, DirectoryWrite write, PersonRow person, List<MembershipRow> own, IReadOnlySet<string> target, List<MembershipRow> all, Dictionary<string, FieldChange> changes)
    {
        var before = own.Select(m => m.DepartmentId).ToList();
        foreach (var gone in own.Where(m => !target.Contains(m.DepartmentId)))
        {
            db.Memberships.Remove(gone);
            all.Remove(gone);
        }

        foreach (var department in target)
        {
            if (own.FirstOrDefault(m => m.DepartmentId == department) is { } kept)
            {
                kept.LastSyncRunId = write.RunId ?? kept.LastSyncRunId;
                continue;
            }

            var added = new MembershipRow { PersonId = person.Id, DepartmentId = department, TenantKey = person.TenantKey, LastSyncRunId = write.RunId };
            db.Memberships.Add(added);
            all.Add(added);
        }

        var old = JoinIds(before);
        var now = JoinIds([.. target]);
        if (!string.Equals(old, now, StringComparison.Ordinal))
        {
            changes[DirectoryRules.Departments] = new FieldChange(old.Length == 0 ? null : old, now.Length == 0 ? null : now);
        }
    }

    private static void LinkOpenId(HubDbContext db, string app, string personId, string openId, List<PersonAppIdRow> appLinks)
    {
        var link = appLinks.FirstOrDefault(a => a.PersonId == personId);
        if (link is not null && link.OpenId == openId)
        {
            return;
        }

        if (link is not null)
        {
            // The key is (app, open_id): a changed open_id (the app was re-created) replaces the row.
            db.PersonAppIds.Remove(link);
            appLinks.Remove(link);
        }

        var added = new PersonAppIdRow { PersonId = personId, App = app, OpenId = openId };
        db.PersonAppIds.Add(added);
        appLinks.Add(added);
    }

    /// <summary>Enqueues <paramref name="items"/> (those not queued yet) and wakes this process's sync worker.</summary>
    public async Task EnqueueAsync(IReadOnlyList<WorkItemRow> items, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await EnqueueAsync(db, items, cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        NotifySync(items);
    }

    private void NotifySync(IReadOnlyList<WorkItemRow> items)
    {
        if (items.Count > 0)
        {
            signals.For(items[0].Queue).Notify();
        }
    }

    /// <summary>Adds the items whose keys are not queued yet (a page read again after a crash enqueues nothing twice).</summary>
    private async Task EnqueueAsync(HubDbContext db, IReadOnlyList<WorkItemRow> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        var keys = items.Select(i => i.Key).ToList();
        var queue = items[0].Queue;
        var existing = (await db.WorkItems.AsNoTracking().Where(w => w.Queue == queue && keys.Contains(w.Key)).Select(w => w.Key).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        foreach (var item in items.Where(i => !existing.Contains(i.Key)).DistinctBy(i => i.Key, StringComparer.Ordinal))
        {
            item.NextAttemptAt = now;
            item.CreatedAt = now;
            db.WorkItems.Add(item);
        }
    }

    private async Task<int> PublishPeopleAsync(
        HubDbContext db, DirectoryWrite write, List<(PersonRow Person, DirectoryChangeRow Change)> changed, List<MembershipRow> memberships, CancellationToken cancellationToken)
    {
        if (changed.Count == 0 || !await AnyPersonTypeForwardedAsync(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        var departmentIds = memberships.Select(m => m.DepartmentId).Distinct(StringComparer.Ordinal).ToList();
        var departments = await db.Departments.AsNoTracking().Where(d => d.TenantKey == write.TenantKey && departmentIds.Contains(d.OpenDepartmentId))
            .ToDictionaryAsync(d => d.OpenDepartmentId, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        var published = 0;
        foreach (var (person, change) in changed)
        {
            var openIds = db.ChangeTracker.Entries<PersonAppIdRow>().Where(e => e.Entity.PersonId == person.Id && e.State != EntityState.Deleted).Select(e => e.Entity).ToList();
            var inDepartments = memberships.Where(m => m.PersonId == person.Id).Select(m => departments.GetValueOrDefault(m.DepartmentId) is { } d ? DepartmentRefDto.Of(d) : DepartmentRefDto.Unknown(m.DepartmentId));
            var view = DirectoryWire.Person(person, openIds, [.. inDepartments], person.LeaderOpenId is { } leader ? new LeaderDto(leader, null, null) : null, revealMobile: false);
            published += await PublishAsync(db, write, change, null, view, cancellationToken).ConfigureAwait(false);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return published;
    }

    private async Task<bool> AnyPersonTypeForwardedAsync(CancellationToken cancellationToken)
    {
        foreach (var type in DirectoryWebhooks.PersonTypes)
        {
            if (await webhooks.ForwardsAsync(type, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<int> PublishAsync(HubDbContext db, DirectoryWrite write, DirectoryChangeRow change, DepartmentDto? department, PersonDto? person, CancellationToken cancellationToken)
    {
        var type = DirectoryWebhooks.TypeOf(change);
        if (!await webhooks.ForwardsAsync(type, cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        var payload = DirectoryWebhooks.Payload(change, write.App, department, person);
        return await webhooks.QueueAsync(db, type, DirectoryWebhooks.EventId(change.Id), payload, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tells the observers, in the write's transaction, who stopped being active.</summary>
    private async Task DeactivatedAsync(HubDbContext db, IReadOnlyList<string> personIds, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (personIds.Count == 0)
        {
            return;
        }

        foreach (var observer in deactivationObservers)
        {
            await observer.DeactivatedAsync(db, personIds, at, cancellationToken).ConfigureAwait(false);
        }
    }

    private static DirectoryChangeRow NewChange(DirectoryWrite write, DirectoryChangeKind kind, IReadOnlyDictionary<string, FieldChange> changes, DateTimeOffset now) => new()
    {
        TenantKey = write.TenantKey,
        Kind = kind,
        Fields = DirectoryRules.ToJson(changes),
        Source = write.Source,
        SourceRef = write.SourceRef,
        At = now,
    };

    private static string JoinIds(IEnumerable<string> ids) => string.Join(',', ids.Order(StringComparer.Ordinal));

    private static string NewPersonId(DateTimeOffset now) => "per_" + Guid.CreateVersion7(now).ToString("N");

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}
