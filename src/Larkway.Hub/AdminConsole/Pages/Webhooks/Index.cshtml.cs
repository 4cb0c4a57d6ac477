using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Webhooks;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class WebhooksIndexModel(WebhookService webhooks, IAuditLog audit, TimeProvider time) : ConsolePageModel(audit)
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

    public WebhookSecretRotation? Rotated { get; private set; }

    /// <summary>Now, to tell a previous secret still signed with from an expired one.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    public async Task OnGetAsync() => Subscriptions = await webhooks.ListAsync(HttpContext.RequestAborted).ConfigureAwait(false);

    public async Task<IActionResult> OnPostCreateAsync()
    {
        var types = (EventTypes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var created = await webhooks.CreateAsync(Endpoint, types, Description, HttpContext.RequestAborted).ConfigureAwait(false);
        if (created.Subscription is not { } row)
        {
            Problems.AddRange(created.Problems);
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            await AuditAsync("webhook.create", row.Id, Details(("url", row.Url), ("event_types", row.EventTypes))).ConfigureAwait(false);
            (CreatedId, CreatedSecret) = (row.Id, row.Secret);
            (Endpoint, EventTypes, Description) = (null, null, null);
        }

        await OnGetAsync().ConfigureAwait(false);
        return Page();
    }

    public async Task<IActionResult> OnPostRotateAsync(string id)
    {
        if (await webhooks.RotateSecretAsync(id, HttpContext.RequestAborted).ConfigureAwait(false) is not { } rotated)
        {
            return NotFound();
        }

        await AuditAsync("webhook.secret.rotate", id).ConfigureAwait(false);
        Rotated = rotated;
        await OnGetAsync().ConfigureAwait(false);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string id)
    {
        if (!await webhooks.DeleteAsync(id, HttpContext.RequestAborted).ConfigureAwait(false))
        {
            return NotFound();
        }

        await AuditAsync("webhook.delete", id).ConfigureAwait(false);
        Flash($"Subscription {id} deleted.");
        return RedirectToPage();
    }
}
