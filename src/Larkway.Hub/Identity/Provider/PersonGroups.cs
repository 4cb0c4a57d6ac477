using Larkway.Hub.Directory;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Identity.Provider;

/// <summary>
/// A person's groups for the <c>groups</c> claim and for "which departments may sign in": the open_department_ids of
/// the departments the directory has them in, and of every department above those.
/// </summary>
/// <remarks>
/// Decision: ancestors count, so an app (or a console grant) limited to a department admits its sub-departments, as an
/// administrator who picks "Engineering" means. Deleted departments and the tenant's root (<c>0</c>) are left out.
/// </remarks>
internal sealed class PersonGroups(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer)
{
    /// <summary>The person's department ids, nearest first, each once; none for a person in no synced department.</summary>
    public async Task<IReadOnlyList<string>> OfAsync(string personId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(personId);
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await (
            from m in db.Memberships.AsNoTracking()
            where m.PersonId == personId
            join d in db.Departments.AsNoTracking() on new { m.TenantKey, Id = m.DepartmentId } equals new { d.TenantKey, Id = d.OpenDepartmentId } into found
            from d in found.DefaultIfEmpty()
            orderby m.DepartmentId
            select new { m.DepartmentId, Path = d == null ? null : d.Path, Status = d == null ? (DepartmentStatus?)null : d.Status })
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        var groups = new List<string>();
        foreach (var row in rows.Where(r => r.Status != DepartmentStatus.Deleted && r.DepartmentId != "0"))
        {
            Add(groups, row.DepartmentId);
            foreach (var ancestor in (row.Path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                Add(groups, ancestor);
            }
        }

        return groups;
    }

    private static void Add(List<string> groups, string id)
    {
        if (id != "0" && !groups.Contains(id, StringComparer.Ordinal))
        {
            groups.Add(id);
        }
    }
}
