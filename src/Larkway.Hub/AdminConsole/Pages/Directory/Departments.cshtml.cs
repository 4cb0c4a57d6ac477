using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Larkway.Hub.Directory;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>The departments by path, searchable by name or id, each with its leader and direct members.</summary>
internal sealed class DirectoryDepartmentsModel(DirectoryService directory) : PageModel
{
    /// <summary>Departments per page.</summary>
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public string? Problem { get; private set; }

    public string? Next { get; private set; }

    public IReadOnlyList<DepartmentDetail> Departments { get; private set; } = [];

    public async Task OnGetAsync()
    {
        if (Q is { Length: > 320 } || After is { Length: > 320 })
        {
            Problem = "The search is longer than 320 characters; shorten it.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var rows = await directory.ListDepartmentsAsync(string.IsNullOrWhiteSpace(Q) ? null : Q.Trim(), null, includeDeleted: false, string.IsNullOrWhiteSpace(After) ? null : After.Trim(), PageSize, HttpContext.RequestAborted)
            .ConfigureAwait(false);
        Departments = [.. rows.Take(PageSize).OrderBy(d => d.Department.PathNames, StringComparer.CurrentCulture)];
        Next = rows.Count > PageSize ? rows[PageSize - 1].Department.OpenDepartmentId : null;
    }
}
