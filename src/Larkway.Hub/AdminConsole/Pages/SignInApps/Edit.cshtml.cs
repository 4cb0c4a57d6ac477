using Larkway.Hub.Identity;
using Larkway.Hub.Identity.Clients;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>One sign-in app: change it, disable it (its tokens are revoked), give it a new secret (shown once), delete it.</summary>
internal sealed class SignInAppsEditModel(ClientService clients, IOptions<IdentityOptions> options, IAuditLog audit) : ConsolePageModel(audit)
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    public ClientRow? Client { get; private set; }

    public List<string> Problems { get; } = [];

    public string? NewSecret { get; private set; }

    public string Issuer => IdentitySite.IssuerOf(HttpContext, options.Value);

    public async Task<IActionResult> OnGetAsync()
    {
        Client = await clients.GetAsync(Id, HttpContext.RequestAborted).ConfigureAwait(false);
        return Client is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string name, string kind, string redirectUris, string postLogoutRedirectUris, string[]? scopes, string allowedPeople, string allowedDepartments, bool requirePkce, bool enabled)
    {
        var result = await clients.UpdateAsync(Id, new ClientRequest
        {
            Name = name,
            Kind = kind == "public" ? ClientKind.Public : ClientKind.Confidential,
            RedirectUris = SignInAppForm.Lines(redirectUris),
            PostLogoutRedirectUris = SignInAppForm.Lines(postLogoutRedirectUris),
            Scopes = [IdentityScopes.OpenId, .. scopes ?? []],
            AllowedPeople = SignInAppForm.Lines(allowedPeople),
            AllowedDepartments = SignInAppForm.Lines(allowedDepartments),
            RequirePkce = kind == "public" ? null : requirePkce,
            Enabled = enabled,
        }, HttpContext.RequestAborted).ConfigureAwait(false);
        if (result.NotFound)
        {
            return NotFound();
        }

        if (result.Client is not { } row)
        {
            Problems.AddRange(result.Problems);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await OnGetAsync().ConfigureAwait(false);
        }

        await AuditAsync("identity_client.update", row.Id, Details(("name", row.Name), ("enabled", row.Enabled ? "true" : "false"))).ConfigureAwait(false);
        if (result.Secret is { } secret)
        {
            // Turned confidential: its first secret, shown once.
            (Client, NewSecret) = (row, secret);
            return Page();
        }

        Flash($"{row.Name} saved.");
        return Redirect("/console/sign-in-apps/" + row.Id);
    }

    public async Task<IActionResult> OnPostSecretAsync()
    {
        var result = await clients.RotateSecretAsync(Id, HttpContext.RequestAborted).ConfigureAwait(false);
        if (result.NotFound)
        {
            return NotFound();
        }

        if (result.Client is not { } row)
        {
            Problems.AddRange(result.Problems);
            Response.StatusCode = StatusCodes.Status409Conflict;
            return await OnGetAsync().ConfigureAwait(false);
        }

        await AuditAsync("identity_client.rotate_secret", row.Id).ConfigureAwait(false);
        (Client, NewSecret) = (row, result.Secret);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync()
    {
        var client = await clients.GetAsync(Id, HttpContext.RequestAborted).ConfigureAwait(false);
        if (client is null || !await clients.DeleteAsync(Id, HttpContext.RequestAborted).ConfigureAwait(false))
        {
            return NotFound();
        }

        await AuditAsync("identity_client.delete", Id, Details(("name", client.Name))).ConfigureAwait(false);
        Flash($"{client.Name} deleted; its tokens no longer work.");
        return Redirect("/console/sign-in-apps");
    }
}
