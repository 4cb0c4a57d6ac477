using Larkway.Hub.Directory;
using Larkway.Hub.Identity.SignIn;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.Auth;
using Larkway.Hub.Platform.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.AdminConsole.Auth;

/// <summary>
/// The console's end of a sign-in through the broker: Identity says who signed in, the console decides whether they
/// administer it (a grant names them) and gives them its cookie. Lives here so Identity needs nothing of the console.
/// </summary>
internal sealed class ConsoleBrokerSignIn(
    ConsoleAdmins admins,
    ConsoleSessions consoleSessions,
    IAuditLog audit,
    TimeProvider time,
    ILogger<BrokerSignIn> logger,
    HubSettings? settings = null,
    HubConsole? hubConsole = null) : IConsoleSignIn
{
    public string Path => ConsoleSite.Path;

    public async Task<IResult> ContinueAsync(HttpContext http, PersonRow person, string? returnUrl, CancellationToken cancellationToken)
    {
        if (!await admins.IsAdminAsync(person.Id, cancellationToken).ConfigureAwait(false))
        {
            BrokerSignIn.LogRefused(logger, person.Id, "not a console administrator");
            await audit.WriteAsync(http, "console.sign_in_refused", person.Id, new Dictionary<string, string?>(StringComparer.Ordinal) { ["via"] = "feishu" }, cancellationToken, actor: "feishu:" + person.Id).ConfigureAwait(false);
            // The sandbox hint needs the Hub's settings and console; hosts without them (service tests) show the page without it.
            return SignInPages.NotAdministrator(person.Name, settings?.Mode == HubMode.Sandbox ? hubConsole?.SecretsFile : null);
        }

        var consolePrincipal = await consoleSessions.PrincipalAsync(person.Name, cancellationToken, person.Id).ConfigureAwait(false);
        await http.SignInAsync(ConsoleSite.Scheme, consolePrincipal, new AuthenticationProperties { IssuedUtc = time.GetUtcNow() }).ConfigureAwait(false);
        await audit.WriteAsync(http, "console.sign_in", person.Id, new Dictionary<string, string?>(StringComparer.Ordinal) { ["via"] = "feishu", ["name"] = person.Name }, cancellationToken, actor: "console:" + person.Name).ConfigureAwait(false);
        var target = returnUrl is { } url && url.StartsWith(ConsoleSite.Path, StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal) ? url : ConsoleSite.Path;
        return TypedResults.Redirect(target);
    }
}
