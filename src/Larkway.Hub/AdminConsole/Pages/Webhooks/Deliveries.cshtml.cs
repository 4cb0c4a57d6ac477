using System.Globalization;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Http;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class WebhookDeliveriesModel(WebhookStore store, IWorkQueue<WebhookDeliveryRow> queue, ConsoleQueries queries, IAuditLog audit) : ConsolePageModel(audit)
{
    [BindProperty(SupportsGet = true)]
    public string? Subscription { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    public string? Problem { get; private set; }

    public IReadOnlyList<WebhookDeliveryDto> Deliveries { get; private set; } = [];

    public async Task OnGetAsync()
    {
        WorkState? status = null;
        if (!string.IsNullOrEmpty(Status))
        {
            if (!WebhookWire.TryParseStatus(Status, out var parsed))
            {
                Problem = $"Unknown status '{Status}'; pick one of: {WireName<WebhookDeliveryStatus>.Choices}.";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            status = parsed;
        }

        var rows = string.IsNullOrWhiteSpace(Subscription)
            ? await queries.WebhookDeliveriesAsync(status, 200, HttpContext.RequestAborted).ConfigureAwait(false)
            : await store.ListDeliveriesAsync(Subscription.Trim(), status, 200, HttpContext.RequestAborted).ConfigureAwait(false);
        Deliveries = [.. rows.Select(WebhookWire.ToDto)];
    }

    /// <summary>Sends a delivery again (a dead letter, or a delivered one a receiver lost).</summary>
    public async Task<IActionResult> OnPostReplayAsync(long id)
    {
        switch (await queue.ReplayAsync(id, HttpContext.RequestAborted).ConfigureAwait(false))
        {
            case ReplayResult.Replayed:
                await AuditAsync("webhook_delivery.replay", id.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
                Flash($"Delivery {id} queued again.");
                break;
            case ReplayResult.InProgress:
                Flash($"Delivery {id} is being sent right now; replay it once it is delivered, retrying or dead-lettered.");
                break;
            default:
                return NotFound();
        }

        return RedirectToPage(new { subscription = Subscription, status = Status });
    }
}
