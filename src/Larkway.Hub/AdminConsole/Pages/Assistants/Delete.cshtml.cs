using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>Asks before removing an assistant with its conversations (a page, not a script dialog: the console's CSP allows no inline script).</summary>
internal sealed class AssistantsDeleteModel(AssistantService assistants, AssistantConsoleQueries queries, IAuditLog audit) : ConsolePageModel(audit)
{
    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    public AssistantInfo? Assistant { get; private set; }

    /// <summary>How many sessions go with it.</summary>
    public int Sessions { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        Assistant = await assistants.GetAsync(Name, HttpContext.RequestAborted).ConfigureAwait(false);
        if (Assistant is null)
        {
            return NotFound();
        }

        Sessions = await queries.SessionCountAsync(Name, HttpContext.RequestAborted).ConfigureAwait(false);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await assistants.DeleteAsync(Name, HttpContext.RequestAborted).ConfigureAwait(false))
        {
            return NotFound();
        }

        await AuditAsync("assistant.delete", Name).ConfigureAwait(false);
        Flash($"Assistant {Name} deleted with its conversations.");
        return RedirectToPage("/Assistants/Index");
    }
}
