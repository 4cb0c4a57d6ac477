using Larkway.Hub.Directory;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Http;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>
/// The directory: people searched by name, email, department and status (mobile numbers masked), the last sync with what
/// it could not see, and "Sync now" (a full sync, audited; a running sync is named instead of starting a second).
/// </summary>
internal sealed class DirectoryIndexModel(DirectoryService directory, IAuditLog audit) : ConsolePageModel(audit)
{
    /// <summary>People per page.</summary>
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Email { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Department { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public string? Problem { get; private set; }

    public string? Next { get; private set; }

    public IReadOnlyList<PersonDetail> People { get; private set; } = [];

    /// <summary>The last run, with its problems; null before the first sync.</summary>
    public RunDetail? LastRun { get; private set; }

    /// <summary>The department the filter names, when the directory has it.</summary>
    public DepartmentDetail? DepartmentShown { get; private set; }

    public async Task OnGetAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        LastRun = (await directory.ListRunsAsync(1, after: null, cancellationToken).ConfigureAwait(false))?.FirstOrDefault();
        PersonStatus? status = null;
        if (!string.IsNullOrEmpty(Status))
        {
            if (!WireName<PersonStatus>.TryParseExact(Status, out var parsed))
            {
                Problem = $"Unknown status '{Status}'; pick one of: {WireName<PersonStatus>.Choices}.";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            status = parsed;
        }

        if (new[] { Q, Email, Department, After }.Any(v => v is { Length: > 320 }))
        {
            Problem = "A search term is longer than 320 characters; shorten it.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var department = Trim(Department);
        if (department is not null)
        {
            DepartmentShown = await directory.GetDepartmentAsync(department, cancellationToken).ConfigureAwait(false);
        }

        var rows = await directory.ListPeopleAsync(new PeopleQuery(Trim(Email), department, Trim(Q), status, Trim(After), PageSize), cancellationToken).ConfigureAwait(false);
        People = rows.Count > PageSize ? [.. rows.Take(PageSize)] : rows;
        Next = rows.Count > PageSize ? People[^1].Person.Id : null;
    }

    /// <summary>"Sync now": starts a full sync, or says which one is running.</summary>
    public async Task<IActionResult> OnPostSyncAsync()
    {
        var (run, started) = await directory.StartSyncAsync(DirectorySyncKind.Full, "console", HttpContext.RequestAborted).ConfigureAwait(false);
        if (started)
        {
            await AuditAsync("directory.sync", run.Id, Details(("kind", "full"))).ConfigureAwait(false);
            Flash($"Full sync {run.Id} started; this page shows its progress when reloaded.");
        }
        else
        {
            Flash($"Sync {run.Id} is still running (started {ConsoleHtml.Time(run.StartedAt)}); a new one can start once it ended.");
        }

        return RedirectToPage();
    }

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
