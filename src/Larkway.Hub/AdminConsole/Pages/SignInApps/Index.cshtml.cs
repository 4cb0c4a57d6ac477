using Larkway.Hub.Identity;
using Larkway.Hub.Identity.Clients;
using Larkway.Hub.Platform.Audit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.AdminConsole.Pages;

/// <summary>The sign-in broker's apps: the list and a short form to register one (its secret shown once, here).</summary>
internal sealed class SignInAppsIndexModel(ClientService clients, IOptions<IdentityOptions> options, IAuditLog audit) : ConsolePageModel(audit)
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Kind { get; set; }

    [BindProperty]
    public string? RedirectUris { get; set; }

    public IReadOnlyList<ClientRow> Clients { get; private set; } = [];

    public List<string> Problems { get; } = [];

    public string Issuer => IdentitySite.IssuerOf(HttpContext, options.Value);

    public string? CreatedId { get; private set; }

    public string? CreatedName { get; private set; }

    /// <summary>The new app's secret, rendered in the answer to the POST only (pages are <c>no-store</c>).</summary>
    public string? CreatedSecret { get; private set; }

    public async Task OnGetAsync() => Clients = await clients.ListAsync(HttpContext.RequestAborted).ConfigureAwait(false);

    public async Task<IActionResult> OnPostRegisterAsync()
    {
        var kind = Kind == "public" ? ClientKind.Public : ClientKind.Confidential;
        var result = await clients.CreateAsync(new ClientRequest { Name = Name, Kind = kind, RedirectUris = SignInAppForm.Lines(RedirectUris) }, HttpContext.RequestAborted).ConfigureAwait(false);
        if (result.Client is { } row)
        {
            await AuditAsync("identity_client.create", row.Id, Details(("name", row.Name), ("kind", ClientsApi.WireKind(row.Kind)))).ConfigureAwait(false);
            if (result.Secret is null)
            {
                Flash($"App {row.Name} registered, client id {row.Id} (public: no secret).");
                return Redirect("/console/sign-in-apps/" + row.Id);
            }

            (CreatedId, CreatedName, CreatedSecret) = (row.Id, row.Name, result.Secret);
            (Name, Kind, RedirectUris) = (null, null, null);
        }
        else
        {
            Problems.AddRange(result.Problems);
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        await OnGetAsync().ConfigureAwait(false);
        return Page();
    }
}

/// <summary>How the console's sign-in forms read their lists.</summary>
internal static class SignInAppForm
{
    /// <summary>A textarea's lines (or a comma- or space-separated field), trimmed, blanks dropped.</summary>
    public static string?[] Lines(string? text) =>
        (text ?? "").Split(['\n', '\r', ',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
