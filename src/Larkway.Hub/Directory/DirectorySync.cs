using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Directory;

/// <summary>One page of a sync run, as its work item's payload: what to read, from which page token.</summary>
/// <param name="Step"><c>children</c> (departments under one, recursively), <c>users</c> (a department's direct members), <c>scope</c> (the app's contact scope), <c>tree</c> (one granted department), <c>batch</c> (granted users), <c>finish</c>.</param>
/// <param name="Department">The department (open_department_id; <c>0</c> is the root).</param>
/// <param name="Token">The page token to read from; null for the first page.</param>
/// <param name="Page">The page's number (part of the item's key).</param>
/// <param name="Users">The open_ids of a <c>batch</c>.</param>
/// <param name="App">The app to read, when not the run's: a scope change of another app the directory reads, added to the run going on.</param>
internal sealed record SyncPage(string Step, string? Department = null, string? Token = null, int Page = 0, IReadOnlyList<string>? Users = null, string? App = null);

/// <summary>Source-generated JSON for the sync's item payloads.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SyncPage))]
internal sealed partial class SyncPageJsonContext : JsonSerializerContext;

/// <summary>
/// The directory sync's queue (<c>directory.sync</c>): each item is one page of one run, in <c>hub_work_items</c> keyed
/// <c>{run}/{step}/{department}/{page}</c>. A page's writes and the items of the pages it leads to (the next page with its
/// token, each listed department's members) are one transaction, so a run the Hub stopped in resumes at the pages not yet
/// done, and a page read again enqueues nothing twice. Each page is read through the directory's source
/// (<see cref="IDirectorySource"/>, the piece of the directory app's platform: its contact API) in the directory's own records; every
/// read asks for the configured page (50 by default), never more than the platform takes, and waits for the pacer (the
/// platform's limits: Feishu's 50/s, 1,000/min).
/// The run's <c>finish</c> item waits until every other page is done, then reports what the app cannot see and, for a
/// complete run over an every-member scope, marks the people it did not see resigned.
/// </summary>
internal sealed partial class DirectorySync(
    DirectoryStore store,
    DirectorySources sources,
    DirectoryTenant tenant,
    DirectoryPacer pacer,
    DirectoryTelemetry telemetry,
    IOptions<DirectoryOptions> options,
    TimeProvider time,
    ILogger<DirectorySync> logger) : IWorkHandler<WorkItemRow>
{
    /// <summary>The queue's name.</summary>
    public const string QueueName = "directory.sync";

    /// <summary>How long the finishing item waits before looking again at a run's open pages.</summary>
    internal static readonly TimeSpan FinishPoll = TimeSpan.FromMilliseconds(500);

    private const int ListedProblems = 20;

    /// <summary>The items a new run starts with: the root's departments (recursively) and the finishing item.</summary>
    public static IReadOnlyList<WorkItemRow> FirstItems(string runId) =>
        [Item(runId, new SyncPage("children", "0")), Item(runId, new SyncPage("finish"))];

    /// <summary>The items of a partial run over departments and users a scope change added, <paramref name="batch"/> users a page.</summary>
    /// <remarks>
    /// <paramref name="round"/> (for reads added to a run going on) makes their keys the run's new ones: the same department
    /// or user named again — a contact event after the one that started the run — is read again, not taken for the page done.
    /// </remarks>
    public static IReadOnlyList<WorkItemRow> ScopeItems(string runId, IReadOnlyList<string> departments, IReadOnlyList<string> users, int batch, string? round = null, string? app = null) =>
        [.. departments.Select(d => Item(runId, new SyncPage("tree", d, App: app), round)), .. Batches(runId, users, batch, round, app), Item(runId, new SyncPage("finish"))];

    /// <inheritdoc />
    public async Task<WorkOutcome<WorkItemRow>> HandleAsync(WorkItemRow item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var page = item.Payload is null ? null : JsonSerializer.Deserialize(item.Payload, SyncPageJsonContext.Default.SyncPage);
        var runId = item.Key.Split('/')[0];
        if (page is null || await store.FindRunAsync(runId, cancellationToken).ConfigureAwait(false) is not { Status: DirectorySyncStatus.Running } run)
        {
            // A page of a run that ended (or a malformed item): nothing to do.
            return WorkOutcome<WorkItemRow>.Done();
        }

        // The directory's tenant now, not the one the run started under: a tenant learned meanwhile (the first event of the
        // directory app) moved what was kept under the placeholder, and the run's later pages must not write there again.
        var tenantKey = await tenant.CurrentAsync(cancellationToken).ConfigureAwait(false);
        if (page.Step == "finish")
        {
            return await FinishAsync(run, tenantKey, item, cancellationToken).ConfigureAwait(false);
        }

        var app = page.App ?? run.App;
        var write = await sources.WriteAsync(new DirectoryWrite(tenantKey, app, SourceOf(run.Kind), run.Id, time.GetUtcNow(), run.Id), cancellationToken).ConfigureAwait(false);
        try
        {
            var (source, reader) = await sources.OpenAsync(app, cancellationToken).ConfigureAwait(false);
            await pacer.WaitAsync(source.Limits, cancellationToken).ConfigureAwait(false);
            telemetry.Called(page.Step);

            // Stamped before the call: an event newer than the read wins over it.
            write = write with { At = time.GetUtcNow() };
            var counts = page.Step switch
            {
                "children" => await ChildrenAsync(reader, PageSize(source), run, page, write, cancellationToken).ConfigureAwait(false),
                "users" => await UsersAsync(reader, PageSize(source), run, page, write, cancellationToken).ConfigureAwait(false),
                "scope" => await ScopeAsync(reader, source, run, page.App, cancellationToken).ConfigureAwait(false),
                "tree" => await TreeAsync(reader, run, page, write, cancellationToken).ConfigureAwait(false),
                "batch" => await BatchAsync(reader, page, write, cancellationToken).ConfigureAwait(false),
                _ => throw new InvalidOperationException($"Unknown sync step '{page.Step}'."),
            };
            await store.AddCountsAsync(run.Id, counts, cancellationToken).ConfigureAwait(false);
            return WorkOutcome<WorkItemRow>.Done();
        }
        catch (DirectoryReadRefusedException ex) when (ex.RetryAfter is { } wait)
        {
            // Rate limited: back at the reset the platform named, without using up an attempt.
            await store.AddCountsAsync(run.Id, new RunCounts(ApiCalls: 1), cancellationToken).ConfigureAwait(false);
            return WorkOutcome<WorkItemRow>.Defer(time.GetUtcNow() + wait, $"{ex.Platform} rate limit (code {ex.Code}); again after {wait.TotalSeconds:0.#} s");
        }
        catch (DirectoryReadRefusedException ex) when (ex.Refusal == DirectoryRefusal.DepartmentOutOfScope && page.Step == "children" && page.Department == "0" && page.Token is null)
        {
            // The root is outside the contact scope: read what the scope grants instead, and never mark anyone gone.
            await store.SetAllMembersAsync(run.Id, allMembers: false, cancellationToken).ConfigureAwait(false);
            await ProblemAsync(run.Id, DirectoryProblemKind.PartialScope, "0",
                $"The app's contact scope is not every member ({ex.Platform} answered {ex.Code} for the root department): the sync reads the departments and users the scope grants, and people it does not see are never marked resigned. Widen the scope to all members in the developer console (a new app version) for a complete directory.",
                cancellationToken).ConfigureAwait(false);
            await store.EnqueueAsync([Item(run.Id, new SyncPage("scope", App: page.App))], cancellationToken).ConfigureAwait(false);
            await store.AddCountsAsync(run.Id, new RunCounts(ApiCalls: 1), cancellationToken).ConfigureAwait(false);
            return WorkOutcome<WorkItemRow>.Done();
        }
        catch (DirectoryReadRefusedException ex) when (!ex.IsTransient)
        {
            // Asking again gets the same answer: the page fails for good, the run ends incomplete (nobody is marked gone).
            var subject = $"{page.Step} {page.Department}".Trim();
            if (ex.Refusal is DirectoryRefusal.DepartmentOutOfScope or DirectoryRefusal.ParentOutOfScope)
            {
                await ProblemAsync(run.Id, DirectoryProblemKind.DepartmentOutOfScope, page.Department ?? subject,
                    $"{ex.Platform} refused to list department {page.Department} (code {ex.Code}): it is outside the app's contact scope. Add it to the scope, or ignore this if it is meant to be hidden.",
                    cancellationToken).ConfigureAwait(false);
            }

            LogPageRefused(logger, run.Id, ex.Platform, page.Step, ex.Code);
            await store.AddCountsAsync(run.Id, new RunCounts(ApiCalls: 1), cancellationToken).ConfigureAwait(false);
            return WorkOutcome<WorkItemRow>.DeadLetter(ex.Detail);
        }
    }

    // The configured page, never above what the platform takes.
    private int PageSize(IDirectorySource source) => Math.Min(options.Value.PageSize, source.Limits.MaxPageSize);

    private async Task<RunCounts> ChildrenAsync(IDirectoryReader reader, int pageSize, DirectorySyncRunRow run, SyncPage page, DirectoryWrite write, CancellationToken cancellationToken)
    {
        var department = page.Department ?? "0";
        var read = await reader.ListDepartmentsAsync(department, page.Token, pageSize, cancellationToken).ConfigureAwait(false);
        if (department == "0" && page.Token is null)
        {
            await store.SetAllMembersAsync(run.Id, allMembers: true, cancellationToken).ConfigureAwait(false);
        }

        var next = new List<WorkItemRow>();
        if (read.Next is { } token)
        {
            next.Add(Item(run.Id, page with { Token = token, Page = page.Page + 1 }));
        }

        if (department == "0" && page.Token is null)
        {
            // People directly under the root are in no other department.
            next.Add(Item(run.Id, new SyncPage("users", "0", App: page.App)));
        }

        next.AddRange(read.Items.Where(d => !d.Deleted).Select(d => Item(run.Id, new SyncPage("users", d.Id, App: page.App))));
        var applied = await store.ApplyDepartmentsAsync(write with { Enqueue = next }, read.Items, cancellationToken).ConfigureAwait(false);
        return RunCounts.Of(applied, apiCalls: 1, departments: true);
    }

    private async Task<RunCounts> UsersAsync(IDirectoryReader reader, int pageSize, DirectorySyncRunRow run, SyncPage page, DirectoryWrite write, CancellationToken cancellationToken)
    {
        var department = page.Department ?? "0";
        var read = await reader.ListMembersAsync(department, page.Token, pageSize, cancellationToken).ConfigureAwait(false);
        var next = read.Next is { } token ? [Item(run.Id, page with { Token = token, Page = page.Page + 1 })] : Array.Empty<WorkItemRow>();
        var users = read.Items;
        var applied = await store.ApplyUsersAsync(write with { ListedDepartment = department, Enqueue = next }, users, cancellationToken).ConfigureAwait(false);
        telemetry.Synced(write.Source, applied, users.Count);
        return RunCounts.Of(applied, apiCalls: 1, departments: false);
    }

    private async Task<RunCounts> ScopeAsync(IDirectoryReader reader, IDirectorySource source, DirectorySyncRunRow run, string? app, CancellationToken cancellationToken)
    {
        var departments = new List<string>();
        var users = new List<string>();
        var calls = 0;
        await foreach (var scopePage in reader.ReadScopeAsync(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (++calls > 1)
            {
                await pacer.WaitAsync(source.Limits, cancellationToken).ConfigureAwait(false);
                telemetry.Called("scope");
            }

            departments.AddRange(scopePage.Departments);
            users.AddRange(scopePage.People);
        }

        var items = departments.Distinct(StringComparer.Ordinal).Select(d => Item(run.Id, new SyncPage("tree", d, App: app)))
            .Concat(Batches(run.Id, [.. users.Distinct(StringComparer.Ordinal)], source.PeoplePerBatch, app: app)).ToList();
        await store.EnqueueAsync(items, cancellationToken).ConfigureAwait(false);
        return new RunCounts(ApiCalls: calls);
    }

    private async Task<RunCounts> TreeAsync(IDirectoryReader reader, DirectorySyncRunRow run, SyncPage page, DirectoryWrite write, CancellationToken cancellationToken)
    {
        var department = page.Department ?? throw new InvalidOperationException("A tree page names no department.");
        var read = await reader.GetDepartmentAsync(department, cancellationToken).ConfigureAwait(false);
        var next = new[] { Item(run.Id, new SyncPage("children", department, App: page.App)), Item(run.Id, new SyncPage("users", department, App: page.App)) };
        var applied = await store.ApplyDepartmentsAsync(write with { Enqueue = next }, read is { } shown ? [shown] : [], cancellationToken).ConfigureAwait(false);
        return RunCounts.Of(applied, apiCalls: 1, departments: true);
    }

    private async Task<RunCounts> BatchAsync(IDirectoryReader reader, SyncPage page, DirectoryWrite write, CancellationToken cancellationToken)
    {
        var users = await reader.GetPeopleAsync(page.Users ?? [], cancellationToken).ConfigureAwait(false);
        var applied = await store.ApplyUsersAsync(write, users, cancellationToken).ConfigureAwait(false);
        telemetry.Synced(write.Source, applied, users.Count);
        return RunCounts.Of(applied, apiCalls: 1, departments: false);
    }

    private async Task<WorkOutcome<WorkItemRow>> FinishAsync(DirectorySyncRunRow run, string tenantKey, WorkItemRow item, CancellationToken cancellationToken)
    {
        var (open, dead) = await store.ItemsLeftAsync(QueueName, run.Id, item.Key, cancellationToken).ConfigureAwait(false);
        if (open > 0)
        {
            return WorkOutcome<WorkItemRow>.Defer(time.GetUtcNow() + FinishPoll);
        }

        await store.RecomputePathsAsync(tenantKey, cancellationToken).ConfigureAwait(false);
        if (dead > 0)
        {
            await ProblemAsync(run.Id, DirectoryProblemKind.PageFailed, "pages",
                $"{dead} page(s) failed for good (see the dead-lettered items of queue {QueueName}); the run is incomplete, so nobody was marked resigned. Fix the cause (the problems above name it), then start a new sync.",
                cancellationToken).ConfigureAwait(false);
        }

        var seen = await store.SeenFieldsAsync(run.Id, cancellationToken).ConfigureAwait(false);
        await ReportMissingFieldsAsync(run, seen, cancellationToken).ConfigureAwait(false);
        foreach (var department in await store.UnknownDepartmentsAsync(tenantKey, ListedProblems, cancellationToken).ConfigureAwait(false))
        {
            await ProblemAsync(run.Id, DirectoryProblemKind.DepartmentOutOfScope, department,
                $"People are in department {department}, which the app cannot read (outside its contact scope, or the department scope contact:department.base:readonly is missing): their departments show without a name or path. Add the department to the app's contact scope.",
                cancellationToken).ConfigureAwait(false);
        }

        var current = await store.FindRunAsync(run.Id, cancellationToken).ConfigureAwait(false) ?? run;
        var complete = dead == 0;
        if (complete && seen.People > 0 && seen.WithDepartments == 0)
        {
            // Departments came from the listings alone: drop the memberships this run did not confirm.
            await store.DropUnconfirmedMembershipsAsync(run.Id, sources.Order, run.App, cancellationToken).ConfigureAwait(false);
        }

        if (complete && current.AllMembers == true && run.Kind != DirectorySyncKind.Scope)
        {
            var write = await sources.WriteAsync(new DirectoryWrite(tenantKey, run.App, SourceOf(run.Kind), run.Id, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            var gone = 0;
            foreach (var openId in await store.UnseenAsync(run.App, tenantKey, run.Id, cancellationToken).ConfigureAwait(false))
            {
                gone += (await store.ApplyDeletedUserAsync(write, openId, [], cancellationToken).ConfigureAwait(false)).Deactivated;
            }

            await store.AddCountsAsync(run.Id, new RunCounts(Deactivated: gone), cancellationToken).ConfigureAwait(false);
        }

        await StartNextAppAsync(run, tenantKey, cancellationToken).ConfigureAwait(false);
        var finished = await store.FinishRunAsync(QueueName, run.Id, complete ? DirectorySyncStatus.Completed : DirectorySyncStatus.Incomplete, dead, cancellationToken).ConfigureAwait(false);
        if (finished is not null)
        {
            telemetry.Finished(finished);
            LogFinished(logger, finished.Id, WireName(finished.Status), finished.People, finished.Departments, finished.ApiCalls, finished.Problems);
        }

        return WorkOutcome<WorkItemRow>.Done();
    }

    /// <summary>
    /// A full sync or reconciliation of a directory read from several apps is one run per app, in their order: the next
    /// starts as this one ends (taking its place as the run going on, so a finish read again after a crash starts none twice).
    /// The runs go one after another because a run knows whom it saw by the person, whichever of their apps showed them.
    /// </summary>
    private async Task StartNextAppAsync(DirectorySyncRunRow run, string tenantKey, CancellationToken cancellationToken)
    {
        if (run.Kind == DirectorySyncKind.Scope || sources.Order.After(run.App) is not { } next)
        {
            return;
        }

        try
        {
            await sources.ForAsync(next, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            await ProblemAsync(run.Id, DirectoryProblemKind.PageFailed, "also_from:" + Apps.HubAppService.NameOnWire(next), ex.Message + " The apps after it were not read.", cancellationToken).ConfigureAwait(false);
            return;
        }

        await store.StartRunAsync(next, tenantKey, run.Kind, run.Trigger, FirstItems, cancellationToken, replacing: run.Id).ConfigureAwait(false);
    }

    private async Task ReportMissingFieldsAsync(DirectorySyncRunRow run, SeenFields seen, CancellationToken cancellationToken)
    {
        if (seen.People == 0)
        {
            return;
        }

        var source = await sources.ForAsync(run.App, cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["email"] = seen.WithEmail,
            ["mobile"] = seen.WithMobile,
            ["user_id"] = seen.WithUserId,
            ["department_ids"] = seen.WithDepartments,
        };
        foreach (var grant in source.FieldGrants.Where(g => counts.GetValueOrDefault(g.Field, -1) == 0))
        {
            await ProblemAsync(run.Id, DirectoryProblemKind.MissingFieldScope, grant.Grant,
                $"None of the {seen.People} people read had {grant.Field}: the app most likely lacks the field scope {grant.Grant}, and {source.PlatformName} leaves the field out without an error. Grant it in the developer console (a new app version); the next sync fills it in.",
                cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ProblemAsync(string runId, DirectoryProblemKind kind, string subject, string detail, CancellationToken cancellationToken)
    {
        if (await store.AddProblemAsync(runId, kind, subject, detail, cancellationToken).ConfigureAwait(false))
        {
            telemetry.Problem(kind);
        }
    }

    private static IEnumerable<WorkItemRow> Batches(string runId, IReadOnlyList<string> users, int batch, string? round = null, string? app = null) =>
        users.Chunk(batch).Select((chunk, i) => Item(runId, new SyncPage("batch", Page: i, Users: chunk, App: app), round));

    internal static WorkItemRow Item(string runId, SyncPage page, string? round = null)
    {
        var key = page.Step switch
        {
            "finish" or "scope" => $"{runId}/{page.Step}",
            "batch" => $"{runId}/batch/{page.Page}",
            _ => $"{runId}/{page.Step}/{page.Department}/{page.Page}",
        } + (round is null ? "" : "/" + round);
        return WorkItemRow.Create(QueueName, key, DateTimeOffset.MinValue, JsonSerializer.Serialize(page, SyncPageJsonContext.Default.SyncPage));
    }

    internal static DirectorySource SourceOf(DirectorySyncKind kind) => kind switch
    {
        DirectorySyncKind.Reconciliation => DirectorySource.Reconciliation,
        DirectorySyncKind.Scope => DirectorySource.ScopeSync,
        _ => DirectorySource.FullSync,
    };

    private static string WireName(DirectorySyncStatus status) => Platform.Http.WireName<DirectorySyncStatus>.Of(status);

    [LoggerMessage(EventId = LogEvents.DirectorySyncPageRefused, Level = LogLevel.Warning, Message = "Directory sync {RunId}: {Platform} refused a {Step} page (code {Code}); the page failed for good and the run will end incomplete.")]
    private static partial void LogPageRefused(ILogger logger, string runId, string platform, string step, string code);

    [LoggerMessage(EventId = LogEvents.DirectorySyncFinished, Level = LogLevel.Information, Message = "Directory sync {RunId} ended {Status}: {People} people, {Departments} departments, {ApiCalls} API calls, {Problems} problems.")]
    private static partial void LogFinished(ILogger logger, string runId, string status, int people, int departments, int apiCalls, int problems);
}
