using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class TypesIndexModel(NotificationTypeStore store, IAuditLog audit) : ConsolePageModel(audit)
{
    public IReadOnlyList<NotificationTypeRow> Types { get; private set; } = [];

    public async Task OnGetAsync() => Types = await store.ListAsync(HttpContext.RequestAborted).ConfigureAwait(false);

    /// <summary>The on/off switch: sets (not flips) the state the page showed, so a double click does not undo it.</summary>
    public async Task<IActionResult> OnPostToggleAsync(string name, bool enabled)
    {
        if (await store.GetAsync(name, HttpContext.RequestAborted).ConfigureAwait(false) is not { } type)
        {
            return NotFound();
        }

        if (type.Enabled != enabled)
        {
            type.Enabled = enabled;
            await store.PutAsync(type, HttpContext.RequestAborted).ConfigureAwait(false);
            await AuditAsync(enabled ? "notification_type.enable" : "notification_type.disable", name).ConfigureAwait(false);
        }

        Flash($"{name} is {(enabled ? "on" : "off")}.");
        return RedirectToPage();
    }
}
