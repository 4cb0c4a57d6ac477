using System.Globalization;
using Larkway.Hub.Apps;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Webhooks;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>
/// One inbox event: how it arrived, how its handling went, the webhook deliveries it fanned out to, and — for the
/// administrator role only, on request, each time written to the audit log — its payload as stored (decrypted, without
/// its verification token). The payload is never logged.
/// </summary>
internal sealed class EventDetailModel(InboxStore store, ConsoleQueries queries, IAuthorizationService authorization, IAuditLog audit) : ConsolePageModel(audit)
{
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    public InboxEvent Event { get; private set; } = null!;

    public IReadOnlyList<WebhookDeliveryDto> Deliveries { get; private set; } = [];

    /// <summary>Whether the signed-in user may see payloads (<see cref="ConsoleSite.PayloadPolicy"/>).</summary>
    public bool MaySeePayload { get; private set; }

    /// <summary>The payload, indented; null unless asked for (and allowed).</summary>
    public string? Payload { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync().ConfigureAwait(false) ? Page() : NotFound();

    /// <summary>The page with the payload: 403 without the administrator role; audited before it is shown.</summary>
    public async Task<IActionResult> OnGetPayloadAsync()
    {
        if (!await LoadAsync().ConfigureAwait(false))
        {
            return NotFound();
        }

        if (!MaySeePayload)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }

        // Recorded first: a view that cannot be audited is not shown. The details name the event, never its content.
        await AuditAsync("event.payload_view", Id.ToString(CultureInfo.InvariantCulture), Details(("event_type", Event.EventType), ("app", HubAppService.NameOnWire(Event.AppName)))).ConfigureAwait(false);
        Payload = ConsoleJson.Pretty(Event.Body);
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        if (await store.GetAsync(Id, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return false;
        }

        Event = found;
        Deliveries = [.. (await queries.WebhookDeliveriesOfEventAsync(Id, cancellationToken).ConfigureAwait(false)).Select(WebhookWire.ToDto)];
        MaySeePayload = (await authorization.AuthorizeAsync(User, ConsoleSite.PayloadPolicy).ConfigureAwait(false)).Succeeded;
        return true;
    }
}
