using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>Asks before removing an app (a page, not a script dialog: the console's CSP allows no inline script).</summary>
internal sealed class AppsDeleteModel(HubAppService apps, IAuditLog audit) : ConsolePageModel(audit)
{
    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    public HubAppInfo? App { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        App = await apps.GetAsync(Name, HttpContext.RequestAborted).ConfigureAwait(false);
        return App is null || App.ReadOnly ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await apps.DeleteAsync(Name, HttpContext.RequestAborted).ConfigureAwait(false) != HubAppDeleteOutcome.Deleted)
        {
            return NotFound();
        }

        await AuditAsync("app.delete", Name).ConfigureAwait(false);
        Flash($"App {Name} deleted.");
        return RedirectToPage("/Apps/Index");
    }
}
