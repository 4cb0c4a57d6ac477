using Larkway.Hub.AdminConsole.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class SignOutModel(IAuditLog audit) : ConsolePageModel(audit)
{
    public IActionResult OnGet() => Redirect(ConsoleSite.Path);

    public async Task<IActionResult> OnPostAsync()
    {
        await AuditAsync("console.sign_out", User.Identity?.Name ?? "").ConfigureAwait(false);
        await HttpContext.SignOutAsync(ConsoleSite.Scheme).ConfigureAwait(false);
        return Redirect(ConsoleSite.Path + "/sign-in");
    }
}
