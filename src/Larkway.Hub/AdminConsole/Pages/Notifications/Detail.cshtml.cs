using System.Globalization;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class NotificationDetailModel(NotificationStore store, IAuditLog audit) : ConsolePageModel(audit)
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    public NotificationDto? Notification { get; private set; }

    public string Caller { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        if (await store.GetAsync(Id, HttpContext.RequestAborted).ConfigureAwait(false) is not { } found)
        {
            return NotFound();
        }

        var clicks = await store.ListActionsAsync(Id, HttpContext.RequestAborted).ConfigureAwait(false);
        Notification = NotificationWire.ToDto(found.Notification, found.Deliveries, clicks);
        Caller = found.Notification.Caller;
        await ConsolePeople.LoadAsync(HttpContext, Notification.Recipients.Where(r => r.Type != "chat_id").Select(r => r.Value)
            .Concat((Notification.Actions ?? []).Select(c => c.Operator?.UserId ?? c.OperatorOpenId))).ConfigureAwait(false);
        return Page();
    }

    public async Task<IActionResult> OnPostRetryAsync()
    {
        if (await store.GetAsync(Id, HttpContext.RequestAborted).ConfigureAwait(false) is null)
        {
            return NotFound();
        }

        var retried = await store.RetryFailedAsync(Id, HttpContext.RequestAborted).ConfigureAwait(false);
        await AuditAsync("notification.retry", Id, Details(("retried", retried.ToString(CultureInfo.InvariantCulture)))).ConfigureAwait(false);
        Flash($"{retried} failed deliveries queued again.");
        return RedirectToPage(new { id = Id });
    }
}
