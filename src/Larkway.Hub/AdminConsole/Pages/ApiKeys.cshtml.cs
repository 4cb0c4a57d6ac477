using Larkway.Hub.Platform.Auth.ApiKeys;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Larkway.Hub.AdminConsole.Pages;

internal sealed class ApiKeysModel(ApiKeyStore store, ConsoleCallers callers, IAuditLog audit) : ConsolePageModel(audit)
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Types { get; set; }

    public IReadOnlyList<ApiKeyRow> Keys { get; private set; } = [];

    public List<string> Problems { get; } = [];

    public string? CreatedId { get; private set; }

    public string? CreatedName { get; private set; }

    /// <summary>The new key's secret, rendered in the answer to the POST only (pages are <c>no-store</c>).</summary>
    public string? CreatedSecret { get; private set; }

    public async Task OnGetAsync() => Keys = await store.ListAsync(HttpContext.RequestAborted).ConfigureAwait(false);

    public async Task<IActionResult> OnPostCreateAsync()
    {
        var name = Name?.Trim();
        var types = (Types ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();
        if (string.IsNullOrEmpty(name) || name.Length > 128)
        {
            Problems.Add("Name: required, at most 128 characters (the business system the key is for).");
        }

        if (types.Length == 0 || types.Any(t => !ApiKeyStore.IsValidPattern(t)))
        {
            Problems.Add("Allowed types: at least one of: exact names ('purchase_order.created'), families ('purchase_order.*'), or '*' for all.");
        }

        if (Problems.Count == 0)
        {
            var (key, secret) = await store.CreateAsync(name!, types, HttpContext.RequestAborted).ConfigureAwait(false);
            await AuditAsync("api_key.create", key.Id, Details(("name", key.Name), ("types", key.Types))).ConfigureAwait(false);
            (CreatedId, CreatedName, CreatedSecret) = (key.Id, key.Name, secret);
            (Name, Types) = (null, null);
        }
        else
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        await OnGetAsync().ConfigureAwait(false);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string id)
    {
        var name = await callers.KeyNameAsync(id, HttpContext.RequestAborted).ConfigureAwait(false);
        if (!await store.RevokeAsync(id, HttpContext.RequestAborted).ConfigureAwait(false))
        {
            return NotFound();
        }

        await AuditAsync("api_key.revoke", id).ConfigureAwait(false);
        Flash($"Key {name} ({id}) revoked.");
        return RedirectToPage();
    }
}
