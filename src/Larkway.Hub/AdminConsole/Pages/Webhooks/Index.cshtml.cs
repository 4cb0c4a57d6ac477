using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class WebhooksIndexModel(WebhookStore store, IAuditLog audit) : ConsolePageModel(audit)
{
    [BindProperty]
    public string? Endpoint { get; set; }

    [BindProperty]
    public string? EventTypes { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    public IReadOnlyList<WebhookSubscriptionRow> Subscriptions { get; private set; } = [];

    public List<string> Problems { get; } = [];

    public string? CreatedId { get; private set; }

    public string? CreatedSecret { get; private set; }

    public async Task OnGetAsync() => Subscriptions = await store.ListSubscriptionsAsync(HttpContext.RequestAborted).ConfigureAwait(false);

    public async Task<IActionResult> OnPostCreateAsync()
    {
        var types = (EventTypes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var (uri, cleanTypes, description, problems) = HubWebhooksEndpointRouteBuilderExtensions.ValidateCreate(Endpoint, types, Description);
        if (problems.Count > 0 || uri is null)
        {
            Problems.AddRange(problems);
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            var row = await store.CreateSubscriptionAsync(uri, cleanTypes, description, HttpContext.RequestAborted).ConfigureAwait(false);
            await AuditAsync("webhook.create", row.Id, Details(("url", row.Url), ("event_types", row.EventTypes))).ConfigureAwait(false);
            (CreatedId, CreatedSecret) = (row.Id, row.Secret);
            (Endpoint, EventTypes, Description) = (null, null, null);
        }

        await OnGetAsync().ConfigureAwait(false);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string id)
    {
        if (!await store.DeleteSubscriptionAsync(id, HttpContext.RequestAborted).ConfigureAwait(false))
        {
            return NotFound();
        }

        await AuditAsync("webhook.delete", id).ConfigureAwait(false);
        Flash($"Subscription {id} deleted.");
        return RedirectToPage();
    }
}
