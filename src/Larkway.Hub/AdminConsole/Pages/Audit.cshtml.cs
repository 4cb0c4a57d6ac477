using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class AuditModel(IAuditLog audit) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public async Task OnGetAsync() => Entries = await audit.ListAsync(Action?.Trim(), 500, HttpContext.RequestAborted).ConfigureAwait(false);
}
