namespace Larkway.Hub.Directory;

/// <summary>
/// The apps the directory reads, first to last (<see cref="DirectoryOptions.App"/>, then <see cref="DirectoryOptions.AlsoFrom"/>):
/// one directory for a company on several platforms. The first app's departments keep their ids; another app's are kept as
/// <c>{app}:{id}</c>, since two platforms number theirs alike (DingTalk's and WeCom's both start at 1) — app names hold no
/// colon. The root (<c>0</c>) is every app's. A person's fields come from the first app they have an account under.
/// </summary>
/// <param name="Apps">The apps' names as stored (<c>""</c>: the default app), first to last.</param>
internal sealed record DirectorySourceOrder(IReadOnlyList<string> Apps)
{
    /// <summary>A directory read from one app: everything as it was before several were possible.</summary>
    public static DirectorySourceOrder Single(string app) => new([app]);

    /// <summary>Whether the directory reads more than one app.</summary>
    public bool IsMany => Apps.Count > 1;

    /// <summary>Whether <paramref name="app"/> is one the directory reads.</summary>
    public bool Reads(string app) => Apps.Contains(app, StringComparer.Ordinal);

    /// <summary>The app read after <paramref name="app"/>, or null when it is the last.</summary>
    public string? After(string app) => IndexOf(app) is var i and >= 0 && i + 1 < Apps.Count ? Apps[i + 1] : null;

    /// <summary>Whether <paramref name="first"/> comes before <paramref name="second"/> (its fields win).</summary>
    public bool Precedes(string first, string second) => IndexOf(first) is var i and >= 0 && i < IndexOf(second);

    /// <summary>The prefix of <paramref name="app"/>'s department ids: none for the first app.</summary>
    public string PrefixOf(string app) => IndexOf(app) <= 0 ? "" : app + ":";

    /// <summary>Whether a membership in <paramref name="departmentId"/> is one <paramref name="app"/>'s reads set (the root is every app's).</summary>
    public bool Owns(string app, string departmentId)
    {
        if (departmentId == "0" || !IsMany)
        {
            return true;
        }

        var prefix = PrefixOf(app);
        return prefix.Length > 0
            ? departmentId.StartsWith(prefix, StringComparison.Ordinal)
            : !Apps.Skip(1).Any(other => departmentId.StartsWith(other + ":", StringComparison.Ordinal));
    }

    /// <summary>The later app a department kept as <c>{app}:{id}</c> is from; null for the first app's (and the root).</summary>
    public string? AppOf(string departmentId) =>
        IsMany ? Apps.Skip(1).FirstOrDefault(app => departmentId.StartsWith(app + ":", StringComparison.Ordinal)) : null;

    /// <summary>The field a person's departments from <paramref name="app"/> keep their time under (each app's set is its own).</summary>
    public string DepartmentsField(string app) => PrefixOf(app) is { Length: > 0 } prefix ? DirectoryRules.Departments + ":" + prefix[..^1] : DirectoryRules.Departments;

    private int IndexOf(string app)
    {
        for (var i = 0; i < Apps.Count; i++)
        {
            if (string.Equals(Apps[i], app, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>Puts an app's department ids into the directory's namespace (<c>{app}:{id}</c>) and back.</summary>
internal static class DirectoryIds
{
    /// <summary><paramref name="id"/> as the directory keeps it for an app whose prefix is <paramref name="prefix"/> (the root stays <c>0</c>).</summary>
    public static string Qualify(string prefix, string id) => prefix.Length == 0 || id is "0" or "" ? id : prefix + id;

    /// <summary>The app's own id of a department the directory keeps as <paramref name="id"/>.</summary>
    public static string Strip(string prefix, string id) => prefix.Length > 0 && id.StartsWith(prefix, StringComparison.Ordinal) ? id[prefix.Length..] : id;

    /// <summary>A department as the directory keeps it.</summary>
    public static DirectoryDepartment Qualify(string prefix, DirectoryDepartment department) => prefix.Length == 0 ? department : department with
    {
        Id = Qualify(prefix, department.Id),
        ParentId = department.ParentId is { } parent ? Qualify(prefix, parent) : null,
    };

    /// <summary>A user as the directory keeps them: their departments in its namespace.</summary>
    public static DirectoryUser Qualify(string prefix, DirectoryUser user) => prefix.Length == 0 || user.DepartmentIds is null ? user : user with
    {
        DepartmentIds = [.. user.DepartmentIds.Select(d => Qualify(prefix, d))],
    };

    /// <summary>An event's change as the directory keeps it.</summary>
    public static DirectoryChange? Qualify(string prefix, DirectoryChange? change) => prefix.Length == 0 ? change : change switch
    {
        DirectoryUserShown c => c with { User = Qualify(prefix, c.User) },
        DirectoryUserDeleted c => c with { FormerDepartmentIds = [.. c.FormerDepartmentIds.Select(d => Qualify(prefix, d))] },
        DirectoryDepartmentShown c => c with { Department = Qualify(prefix, c.Department) },
        DirectoryScopeChanged c => c with
        {
            AddedDepartments = [.. c.AddedDepartments.Select(d => Qualify(prefix, d))],
            RemovedDepartments = [.. c.RemovedDepartments.Select(d => Qualify(prefix, d))],
        },
        DirectoryToRead c => c with { Departments = [.. c.Departments.Select(d => Qualify(prefix, d))] },
        DirectoryChanges c => c with { Changes = [.. c.Changes.Select(x => Qualify(prefix, x)!)] },
        _ => change,
    };
}

/// <summary>
/// An app's reader whose departments are in the directory's namespace: what it reads is qualified, what it is asked for is
/// the app's own id again.
/// </summary>
internal sealed class QualifiedDirectoryReader(IDirectoryReader inner, string prefix) : IDirectoryReader
{
    public async Task<DirectoryReadPage<DirectoryDepartment>> ListDepartmentsAsync(string department, string? token, int pageSize, CancellationToken cancellationToken)
    {
        var page = await inner.ListDepartmentsAsync(DirectoryIds.Strip(prefix, department), token, pageSize, cancellationToken).ConfigureAwait(false);
        return page with { Items = [.. page.Items.Select(d => DirectoryIds.Qualify(prefix, d))] };
    }

    public async Task<DirectoryReadPage<DirectoryUser>> ListMembersAsync(string department, string? token, int pageSize, CancellationToken cancellationToken)
    {
        var page = await inner.ListMembersAsync(DirectoryIds.Strip(prefix, department), token, pageSize, cancellationToken).ConfigureAwait(false);
        return page with { Items = [.. page.Items.Select(u => DirectoryIds.Qualify(prefix, u))] };
    }

    public async IAsyncEnumerable<DirectoryScopePage> ReadScopeAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in inner.ReadScopeAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return page with { Departments = [.. page.Departments.Select(d => DirectoryIds.Qualify(prefix, d))] };
        }
    }

    public async Task<DirectoryDepartment?> GetDepartmentAsync(string department, CancellationToken cancellationToken) =>
        await inner.GetDepartmentAsync(DirectoryIds.Strip(prefix, department), cancellationToken).ConfigureAwait(false) is { } read ? DirectoryIds.Qualify(prefix, read) : null;

    public async Task<IReadOnlyList<DirectoryUser>> GetPeopleAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken) =>
        [.. (await inner.GetPeopleAsync(userIds, cancellationToken).ConfigureAwait(false)).Select(u => DirectoryIds.Qualify(prefix, u))];
}
