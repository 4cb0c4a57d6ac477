using Larkway.Hub.Directory;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>One person: their ids per app, profile (mobile masked), departments with paths, leader, and history of changes with their sources.</summary>
internal sealed class DirectoryPersonModel(DirectoryService directory) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    public PersonDetail Person { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync()
    {
        if (Id.Length > 64 || await directory.GetPersonAsync(Id, HttpContext.RequestAborted).ConfigureAwait(false) is not { } found)
        {
            return NotFound();
        }

        Person = found;
        return Page();
    }
}
