using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Directory;

/// <summary>A run's counters to add as a page finishes.</summary>
internal readonly record struct RunCounts(int ApiCalls = 0, int Departments = 0, int People = 0, int Created = 0, int Updated = 0, int Deactivated = 0)
{
    public static RunCounts Of(DirectoryApplied applied, int apiCalls, bool departments) => departments
        ? new(apiCalls, Departments: applied.Seen)
        : new(apiCalls, People: applied.Seen, Created: applied.Created, Updated: applied.Updated, Deactivated: applied.Deactivated);
}

/// <summary>What the people a run saw carried: how many had each field the app may lack the scope of.</summary>
internal sealed record SeenFields(int People, int WithEmail, int WithMobile, int WithUserId, int WithDepartments);

internal sealed partial class DirectoryStore
{
    /// <summary>The setting that holds the running run's id: at most one run at a time.</summary>
    internal const string ActiveRunSetting = "directory.active_run";

    /// <summary>
    /// Starts a run with its first items, unless one is running: then returns that one and false. The run row, its items and
    /// the guard setting are written in one transaction.
    /// </summary>
    public async Task<(DirectorySyncRunRow Run, bool Started)> StartRunAsync(
        string app, string tenantKey, DirectorySyncKind kind, string trigger, Func<string, IReadOnlyList<WorkItemRow>> firstItems, CancellationToken cancellationToken,
        string? replacing = null)
    {
        for (var round = 1; ; round++)
        {
            var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                var guard = await db.Settings.FirstOrDefaultAsync(s => s.Name == ActiveRunSetting, cancellationToken).ConfigureAwait(false);
                if (guard is not null && guard.Value != replacing
                    && await db.DirectorySyncRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == guard.Value && r.Status == DirectorySyncStatus.Running, cancellationToken).ConfigureAwait(false) is { } running)
                {
                    return (running, false);
                }

                var now = time.GetUtcNow();
                var run = new DirectorySyncRunRow
                {
                    Id = "dsr_" + Guid.CreateVersion7(now).ToString("N"),
                    App = app,
                    TenantKey = tenantKey,
                    Kind = kind,
                    Trigger = trigger,
                    Status = DirectorySyncStatus.Running,
                    StartedAt = now,
                };
                db.DirectorySyncRuns.Add(run);
                if (guard is null)
                {
                    db.Settings.Add(new HubSetting { Name = ActiveRunSetting, Value = run.Id, UpdatedAt = now });
                }
                else
                {
                    guard.Value = run.Id;
                    guard.UpdatedAt = now;
                }

                var items = firstItems(run.Id);
                await EnqueueAsync(db, items, cancellationToken).ConfigureAwait(false);
                try
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    NotifySync(items);
                    return (run, true);
                }
                catch (DbUpdateException ex) when ((ex is DbUpdateConcurrencyException || provider.IsUniqueViolation(ex)) && round < MaxRounds)
                {
                    // Another start won the guard: look again, and answer with its run.
                }
            }
        }
    }

    /// <summary>The run, or null.</summary>
    public async Task<DirectorySyncRunRow?> FindRunAsync(string runId, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.DirectorySyncRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adds a page's counts to its run (one statement, so concurrent pages add up).</summary>
    public async Task AddCountsAsync(string runId, RunCounts counts, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await db.DirectorySyncRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(
                s => s.SetProperty(r => r.ApiCalls, r => r.ApiCalls + counts.ApiCalls)
                    .SetProperty(r => r.Departments, r => r.Departments + counts.Departments)
                    .SetProperty(r => r.People, r => r.People + counts.People)
                    .SetProperty(r => r.Created, r => r.Created + counts.Created)
                    .SetProperty(r => r.Updated, r => r.Updated + counts.Updated)
                    .SetProperty(r => r.Deactivated, r => r.Deactivated + counts.Deactivated),
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Records whether the app's contact scope is every member.</summary>
    public async Task SetAllMembersAsync(string runId, bool allMembers, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await db.DirectorySyncRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s.SetProperty(r => r.AllMembers, allMembers), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Records a problem once per run, kind and subject; true when it is new.</summary>
    public async Task<bool> AddProblemAsync(string runId, DirectoryProblemKind kind, string subject, string detail, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await db.DirectorySyncProblems.AnyAsync(p => p.RunId == runId && p.Kind == kind && p.Subject == subject, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            db.DirectorySyncProblems.Add(new DirectorySyncProblemRow { RunId = runId, Kind = kind, Subject = Truncate(subject, 200), Detail = Truncate(detail, 2000), At = time.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                return false;
            }

            await db.DirectorySyncRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Problems, r => r.Problems + 1), cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>The run's items still to read (not done, not failed for good), the finishing item left out.</summary>
    public async Task<(int Open, int DeadLettered)> ItemsLeftAsync(string queue, string runId, string finishKey, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var prefix = runId + "/";
            var states = await db.WorkItems.AsNoTracking()
                .Where(w => w.Queue == queue && w.Key.StartsWith(prefix) && w.Key != finishKey && w.State != WorkState.Done)
                .GroupBy(w => w.State).Select(g => new { g.Key, Count = g.Count() })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var dead = states.Where(s => s.Key == WorkState.DeadLetter).Sum(s => s.Count);
            return (states.Sum(s => s.Count) - dead, dead);
        }
    }

    /// <summary>How many of the people <paramref name="runId"/> saw had each scoped field.</summary>
    public async Task<SeenFields> SeenFieldsAsync(string runId, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var seen = db.People.AsNoTracking().Where(p => p.LastSyncRunId == runId);
            return new SeenFields(
                await seen.CountAsync(cancellationToken).ConfigureAwait(false),
                await seen.CountAsync(p => p.Email != null, cancellationToken).ConfigureAwait(false),
                await seen.CountAsync(p => p.Mobile != null, cancellationToken).ConfigureAwait(false),
                await seen.CountAsync(p => p.UserId != null, cancellationToken).ConfigureAwait(false),
                await seen.CountAsync(p => p.FieldTimes != null && p.FieldTimes.Contains("\"" + DirectoryRules.Departments + "\""), cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>Departments people of the tenant are in that the directory does not have (the app cannot read them), up to <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<string>> UnknownDepartmentsAsync(string tenantKey, int limit, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Memberships.AsNoTracking()
                .Where(m => m.TenantKey == tenantKey && m.DepartmentId != "0"
                    && !db.Set<DepartmentRow>().Any(d => d.TenantKey == tenantKey && d.OpenDepartmentId == m.DepartmentId && d.Status == DepartmentStatus.Active))
                .Select(m => m.DepartmentId).Distinct().OrderBy(d => d).Take(limit)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The open_ids under <paramref name="app"/> of people of the tenant still active or frozen whom <paramref name="runId"/> did not see.</summary>
    public async Task<IReadOnlyList<string>> UnseenAsync(string app, string tenantKey, string runId, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await (from a in db.PersonAppIds
                          join p in db.People on a.PersonId equals p.Id
                          where a.App == app && p.TenantKey == tenantKey && p.Status != PersonStatus.Resigned && (p.LastSyncRunId == null || p.LastSyncRunId != runId)
                          select a.OpenId).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Removes memberships a run did not confirm, for the people it saw (only used when the app cannot read people's
    /// departments, so memberships come from the department listings) — of <paramref name="app"/>'s departments only, when
    /// the directory reads several apps.
    /// </summary>
    public async Task<int> DropUnconfirmedMembershipsAsync(string runId, DirectorySourceOrder order, string app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var memberships = db.Memberships
                .Where(m => (m.LastSyncRunId == null || m.LastSyncRunId != runId) && db.Set<PersonRow>().Any(p => p.Id == m.PersonId && p.LastSyncRunId == runId));
            if (order.IsMany)
            {
                // App names hold no colon, and the first app's department ids none either (Feishu's od-…, the others' numbers).
                var prefix = order.PrefixOf(app);
                memberships = prefix.Length > 0 ? memberships.Where(m => m.DepartmentId.StartsWith(prefix)) : memberships.Where(m => !m.DepartmentId.Contains(':'));
            }

            return await memberships.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the run: its status and end, the guard released, its finished items removed (failed ones stay, to replay), older runs' finishing items too.</summary>
    public async Task<DirectorySyncRunRow?> FinishRunAsync(string queue, string runId, DirectorySyncStatus status, int failedPages, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var now = time.GetUtcNow();
            await db.DirectorySyncRuns.Where(r => r.Id == runId && r.Status == DirectorySyncStatus.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, status).SetProperty(r => r.FinishedAt, now).SetProperty(r => r.FailedPages, failedPages), cancellationToken).ConfigureAwait(false);
            await db.Settings.Where(s => s.Name == ActiveRunSetting && s.Value == runId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            var prefix = runId + "/";
            await db.WorkItems.Where(w => w.Queue == queue && w.Key.StartsWith(prefix) && w.State == WorkState.Done).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await db.WorkItems.Where(w => w.Queue == queue && w.State == WorkState.Done && w.Key.EndsWith("/finish") && !w.Key.StartsWith(prefix))
                .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            return await db.DirectorySyncRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>When the last run of <paramref name="kinds"/> started, or null when none has.</summary>
    public async Task<DateTimeOffset?> LastStartAsync(IReadOnlyList<DirectorySyncKind> kinds, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var starts = await db.DirectorySyncRuns.AsNoTracking().Where(r => kinds.Contains(r.Kind)).Select(r => r.StartedAt).ToListAsync(cancellationToken).ConfigureAwait(false);
            return starts.Count == 0 ? null : starts.Max();
        }
    }

    /// <summary>Moves the directory kept under a placeholder tenant key to the tenant's real key, once it is learned; people already there stay where they are.</summary>
    public async Task<int> MoveTenantAsync(string from, string to, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // A union_id the tenant already has (someone signed in through another app first) keeps that person; the placeholder's copy stays behind.
                var moved = await db.People.Where(p => p.TenantKey == from && (p.UnionId == null || !db.Set<PersonRow>().Any(o => o.TenantKey == to && o.UnionId == p.UnionId)))
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.TenantKey, to), cancellationToken).ConfigureAwait(false);
                await db.Departments.Where(d => d.TenantKey == from && !db.Set<DepartmentRow>().Any(o => o.TenantKey == to && o.OpenDepartmentId == d.OpenDepartmentId))
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.TenantKey, to), cancellationToken).ConfigureAwait(false);
                await db.Memberships.Where(m => m.TenantKey == from).ExecuteUpdateAsync(s => s.SetProperty(m => m.TenantKey, to), cancellationToken).ConfigureAwait(false);
                await db.DirectoryChanges.Where(c => c.TenantKey == from).ExecuteUpdateAsync(s => s.SetProperty(c => c.TenantKey, to), cancellationToken).ConfigureAwait(false);
                await db.DirectorySyncRuns.Where(r => r.TenantKey == from).ExecuteUpdateAsync(s => s.SetProperty(r => r.TenantKey, to), cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return moved;
            }
        }
    }

    /// <summary>The tenant key of someone the app's open_ids name, other than <paramref name="placeholder"/>; null when none.</summary>
    public async Task<string?> TenantOfAppPeopleAsync(string app, string placeholder, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await (from a in db.PersonAppIds
                          join p in db.People on a.PersonId equals p.Id
                          where a.App == app && p.TenantKey != placeholder
                          orderby p.Id
                          select p.TenantKey).AsNoTracking().FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The runs that ended since <paramref name="since"/>: how many, their failed pages, and what reconciliations healed.</summary>
    public async Task<(int Runs, int FailedPages, int Healed)> EndedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var runs = await db.DirectorySyncRuns.AsNoTracking().Where(r => r.Status != DirectorySyncStatus.Running)
                .Select(r => new { r.FinishedAt, r.FailedPages, r.Status, r.Kind, Healed = r.Created + r.Updated + r.Deactivated })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var ended = runs.Where(r => r.FinishedAt >= since).ToList();
            return (ended.Count, ended.Sum(r => Math.Max(r.FailedPages, r.Status == DirectorySyncStatus.Incomplete ? 1 : 0)),
                ended.Where(r => r.Kind == DirectorySyncKind.Reconciliation).Sum(r => r.Healed));
        }
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
