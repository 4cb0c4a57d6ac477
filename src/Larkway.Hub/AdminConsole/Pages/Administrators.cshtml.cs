using System.Globalization;
using Larkway.Hub.AdminConsole.Auth;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>Who may sign in to the console with Feishu: grants by person or department, beside the bootstrap password.</summary>
internal sealed class AdministratorsModel(ConsoleAdmins admins, IAuditLog audit) : ConsolePageModel(audit)
{
    [BindProperty]
    public string? Value { get; set; }

    [BindProperty]
    public string? Note { get; set; }

    public string? Problem { get; private set; }

    public IReadOnlyList<ConsoleAdminGrantRow> Grants { get; private set; } = [];

    public async Task OnGetAsync() => Grants = await admins.ListAsync(HttpContext.RequestAborted).ConfigureAwait(false);

    public async Task<IActionResult> OnPostAddAsync()
    {
        var (grant, problem) = await admins.AddAsync(Value, Note, User.Identity?.Name ?? "", HttpContext.RequestAborted).ConfigureAwait(false);
        if (grant is null)
        {
            Problem = problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await OnGetAsync().ConfigureAwait(false);
            return Page();
        }

        await AuditAsync("console_admin.grant", grant.Value, Details(("kind", grant.Kind), ("note", grant.Note))).ConfigureAwait(false);
        Flash($"{grant.Value} may now sign in to the console with Feishu.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(long id)
    {
        var removed = await admins.RemoveAsync(id, HttpContext.RequestAborted).ConfigureAwait(false);
        if (removed is null)
        {
            return NotFound();
        }

        await AuditAsync("console_admin.revoke", removed.Value, Details(("id", removed.Id.ToString(CultureInfo.InvariantCulture)))).ConfigureAwait(false);
        Flash($"{removed.Value} is no longer a console administrator.");
        return RedirectToPage();
    }
}
