using Microsoft.Extensions.Options;

namespace Larkway.Hub.Directory;

/// <summary>
/// The directory's application service, shared by the API, the console, the reconciliation job and the event observer:
/// starts sync runs (one at a time: a start while one runs answers with that one) and reads the directory.
/// </summary>
internal sealed class DirectoryService(DirectoryStore store, DirectoryTenant tenant, DirectorySources sources, IOptions<DirectoryOptions> options, TimeProvider time)
{
    /// <summary>The directory app's name as stored (<c>""</c>: the default app).</summary>
    public string App => options.Value.AppName;

    /// <summary>The apps the directory reads, first to last (<see cref="App"/>, then <see cref="DirectoryOptions.AlsoFrom"/>).</summary>
    public IReadOnlyList<string> Apps => sources.Order.Apps;

    /// <summary>The app after the first that a department is from (its id <c>{app}:{id}</c>); null for the directory app's.</summary>
    public string? AppOfDepartment(string departmentId) => sources.Order.AppOf(departmentId);

    /// <summary>Starts a full sync or a reconciliation; when a run is going on, returns it and false.</summary>
    public async Task<(DirectorySyncRunRow Run, bool Started)> StartSyncAsync(DirectorySyncKind kind, string trigger, CancellationToken cancellationToken)
    {
        var tenantKey = await tenant.CurrentAsync(cancellationToken).ConfigureAwait(false);
        return await store.StartRunAsync(App, tenantKey, kind, trigger, DirectorySync.FirstItems, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A partial resync of what a contact scope change added (departments with everything below them, and users), and a
    /// problem recorded for what it removed. Added to the run going on, if any: its pages then cover them too.
    /// <paramref name="trigger"/> names what started it (<c>scope_event</c>, or <c>contact_event</c> for an event naming whom to read again);
    /// <paramref name="app"/> is the app the directory reads whose event it was (null: the directory app).
    /// </summary>
    public async Task<DirectorySyncRunRow> StartScopeSyncAsync(
        IReadOnlyList<string> addedDepartments, IReadOnlyList<string> addedUsers, IReadOnlyList<string> removedDepartments, IReadOnlyList<string> removedUsers,
        string trigger, CancellationToken cancellationToken, string? app = null)
    {
        app ??= App;
        var tenantKey = await tenant.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var batch = (await sources.ForAsync(app, cancellationToken).ConfigureAwait(false)).PeoplePerBatch;
        var (run, started) = await store.StartRunAsync(app, tenantKey, DirectorySyncKind.Scope, trigger,
            id => DirectorySync.ScopeItems(id, addedDepartments, addedUsers, batch), cancellationToken).ConfigureAwait(false);
        if (!started)
        {
            // A round of their own: what an earlier event of this run read is read again (it may have changed since). A run
            // of another app the directory reads takes them too, its pages naming the app to read.
            var round = Guid.NewGuid().ToString("N")[..12];
            var items = DirectorySync.ScopeItems(run.Id, addedDepartments, addedUsers, batch, round, run.App == app ? null : app);
            await store.EnqueueAsync([.. items.Where(i => !i.Key.EndsWith("/finish", StringComparison.Ordinal))], cancellationToken).ConfigureAwait(false);
        }

        if (removedDepartments.Count + removedUsers.Count > 0)
        {
            var what = string.Join(", ", removedDepartments.Select(d => "department " + d).Concat(removedUsers.Select(u => "user " + u)).Take(20));
            await store.AddProblemAsync(run.Id, DirectoryProblemKind.RemovedFromScope, "scope:" + run.Id,
                $"The app's contact scope no longer includes {what}{(removedDepartments.Count + removedUsers.Count > 20 ? ", …" : "")}: the app gets no more events for them and cannot read them. Their people are kept as they were (not marked resigned); widen the scope again, or accept that they are no longer kept current.",
                cancellationToken).ConfigureAwait(false);
        }

        return run;
    }

    /// <summary>
    /// Reads one account of an app the directory reads from its contacts now and applies it, as a sync would: a person who
    /// signs in before the sync reached them is added then (as Feishu's sign-in adds its person). False when
    /// <paramref name="app"/> is not one of those apps or its contacts have no such account.
    /// </summary>
    /// <exception cref="DirectoryReadRefusedException">The platform refused the read.</exception>
    public async Task<bool> ReadAccountAsync(string app, string userId, CancellationToken cancellationToken)
    {
        if (!sources.Order.Reads(app))
        {
            return false;
        }

        var (_, reader) = await sources.OpenAsync(app, cancellationToken).ConfigureAwait(false);
        var users = await reader.GetPeopleAsync([userId], cancellationToken).ConfigureAwait(false);
        if (users.Count == 0)
        {
            return false;
        }

        var tenantKey = await tenant.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var write = await sources.WriteAsync(new DirectoryWrite(tenantKey, app, DirectorySource.SignIn, "sign_in", time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        await store.ApplyUsersAsync(write, users, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>People matching the query.</summary>
    public Task<IReadOnlyList<PersonDetail>> ListPeopleAsync(PeopleQuery query, CancellationToken cancellationToken) => store.ListPeopleAsync(query, App, cancellationToken);

    /// <summary>One person with their history.</summary>
    public Task<PersonDetail?> GetPersonAsync(string id, CancellationToken cancellationToken) => store.GetPersonAsync(id, App, cancellationToken);

    /// <summary>Departments.</summary>
    public Task<IReadOnlyList<DepartmentDetail>> ListDepartmentsAsync(string? query, string? parent, bool includeDeleted, string? after, int limit, CancellationToken cancellationToken) =>
        store.ListDepartmentsAsync(query, parent, includeDeleted, after, limit, App, cancellationToken);

    /// <summary>One department with its history.</summary>
    public Task<DepartmentDetail?> GetDepartmentAsync(string id, CancellationToken cancellationToken) => store.GetDepartmentAsync(id, App, cancellationToken);

    /// <summary>The last runs with their problems.</summary>
    public Task<IReadOnlyList<RunDetail>?> ListRunsAsync(int limit, string? after, CancellationToken cancellationToken) => store.ListRunsAsync(limit, after, cancellationToken);
}
