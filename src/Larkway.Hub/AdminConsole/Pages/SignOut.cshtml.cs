using Larkway.Hub.AdminConsole.Auth;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class SignOutModel(ConsoleSessions sessions, IAuditLog audit) : ConsolePageModel(audit)
{
    public IActionResult OnGet() => Redirect(ConsoleSite.Path);

    public async Task<IActionResult> OnPostAsync()
    {
        await AuditAsync("console.sign_out", User.Identity?.Name ?? "").ConfigureAwait(false);
        // Every session of the administrator ends, not only this browser's: a copied cookie is worthless after it.
        await sessions.RevokeAllAsync(HttpContext.RequestAborted).ConfigureAwait(false);
        await HttpContext.SignOutAsync(ConsoleSite.Scheme).ConfigureAwait(false);
        return Redirect(ConsoleSite.Path + "/sign-in");
    }
}
