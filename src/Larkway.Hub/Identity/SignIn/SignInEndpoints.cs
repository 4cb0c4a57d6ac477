using System.Security.Claims;
using Larkway.Feishu.AspNetCore.Authentication;
using Larkway.Hub.Directory;
using Larkway.Hub.Identity.Clients;
using Larkway.Hub.Identity.Provider;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Identity.SignIn;

/// <summary>
/// The broker's sign-in page and its Feishu leg: <c>/oidc/sign-in</c> (Sign in with Feishu, QR login),
/// <c>/oidc/feishu/start</c> (a challenge of the <c>AddFeishu</c> handler, which keeps state, correlation and PKCE and
/// answers at <c>/oidc/feishu/callback</c>), then <c>/oidc/feishu/done</c> (who Feishu said it was, to
/// <see cref="BrokerSignIn"/>) or <c>/oidc/feishu/denied</c>. No consent page: the apps are the company's own,
/// registered by its administrators.
/// </summary>
internal static class SignInEndpoints
{
    /// <summary>Where a console administrator starts signing in with Feishu.</summary>
    public const string ConsoleStartPath = IdentitySite.Path + "/console";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(IdentitySite.SignInPath, SignInPageAsync).AllowAnonymous().WithName("BrokerSignIn");
        endpoints.MapGet(ConsoleStartPath, ConsoleStart).AllowAnonymous().WithName("BrokerConsoleSignIn");
        endpoints.MapGet(IdentitySite.FeishuStartPath, StartAsync).AllowAnonymous().WithName("BrokerFeishuStart");
        endpoints.MapGet(IdentitySite.FeishuDonePath, DoneAsync).AllowAnonymous().WithName("BrokerFeishuDone");
        endpoints.MapGet(IdentitySite.FeishuDeniedPath, DeniedAsync).AllowAnonymous().WithName("BrokerFeishuDenied");
        endpoints.MapGet(IdentitySite.QrScriptPath, () => Script("qr-login.js")).AllowAnonymous().WithName("BrokerQrScript");
        endpoints.MapGet(IdentitySite.FormPostScriptPath, () => Script("form-post.js")).AllowAnonymous().WithName("BrokerFormPostScript");
    }

    private static async Task<IResult> SignInPageAsync(
        [FromQuery] string? r, [FromServices] SignInState state, [FromServices] ClientStore clients, [FromServices] IFeishuSignIn feishu, CancellationToken cancellationToken)
    {
        if (state.ReadContinuation(r) is not { } continuation)
        {
            return Expired();
        }

        var appName = "the Larkway Hub console";
        if (continuation.Kind == SignInContinuation.AuthorizeKind)
        {
            var clientId = continuation.Parameters?.GetValueOrDefault("client_id");
            var client = clientId is null ? null : await clients.FindAsync(clientId, cancellationToken).ConfigureAwait(false);
            if (client is not { Enabled: true })
            {
                return SignInPages.Error("Unknown app", "The app that sent you here is no longer registered with this Hub.");
            }

            appName = client.Name;
        }

        var start = QueryHelpers.AddQueryString(IdentitySite.FeishuStartPath, "r", r!);
        try
        {
            var qr = await feishu.QrLoginKindAsync(cancellationToken).ConfigureAwait(false);
            return SignInPages.SignIn(appName, start, qr == QrLoginKind.None ? null : QueryHelpers.AddQueryString(start, "via", "qr"));
        }
        catch (Apps.HubAppNotFoundException ex)
        {
            return NotSetUp(ex);
        }
    }

    /// <summary>The console's "Sign in with Feishu": the same sign-in, then the console.</summary>
    private static IResult ConsoleStart(HttpContext http, [FromQuery] string? returnUrl, [FromServices] SignInState state)
    {
        // The console is optional to the broker (IConsoleSignIn): a host without one has no console to sign in to.
        if (http.RequestServices.GetService<IConsoleSignIn>() is not { } console)
        {
            return TypedResults.NotFound();
        }

        var target = returnUrl is { } url && url.StartsWith(console.Path, StringComparison.Ordinal) && url.Length <= 2048 ? url : console.Path;
        return TypedResults.Redirect(QueryHelpers.AddQueryString(IdentitySite.SignInPath, "r", state.Protect(new SignInContinuation(SignInContinuation.ConsoleKind, null, target))));
    }

    /// <summary>Off to Feishu through the handler: its authorize page, or its QR login (the SDK's page on real Feishu).</summary>
    private static async Task<IResult> StartAsync([FromQuery] string? r, [FromQuery] string? via, [FromServices] SignInState state, [FromServices] IFeishuSignIn feishu, CancellationToken cancellationToken)
    {
        if (state.ReadContinuation(r) is null)
        {
            return Expired();
        }

        // The sealed continuation rides in the return address: /done reads it, and so does /denied (the handler's ReturnUrl).
        var properties = new FeishuChallengeProperties { RedirectUri = QueryHelpers.AddQueryString(IdentitySite.FeishuDonePath, "r", r!) };
        if (via == "qr")
        {
            try
            {
                var kind = await feishu.QrLoginKindAsync(cancellationToken).ConfigureAwait(false);
                if (kind == QrLoginKind.None)
                {
                    return SignInPages.Error("QR login unavailable", "This Hub's Feishu offers no QR login; use Sign in with Feishu.");
                }

                properties.QrLogin = true;
                properties.Items[IdentitySite.QrItem] = kind == QrLoginKind.Sdk ? "sdk" : "page";
            }
            catch (Apps.HubAppNotFoundException ex)
            {
                return NotSetUp(ex);
            }
        }

        return TypedResults.Challenge(properties, [IdentitySite.FeishuScheme]);
    }

    /// <summary>Back from Feishu: the handler has checked state and correlation and read the person.</summary>
    private static async Task<IResult> DoneAsync(HttpContext http, [FromQuery] string? r, [FromServices] SignInState state, [FromServices] BrokerSignIn broker, [FromServices] IOptions<IdentityOptions> options, CancellationToken cancellationToken)
    {
        var result = await http.AuthenticateAsync(IdentitySite.FeishuResultScheme).ConfigureAwait(false);
        await http.SignOutAsync(IdentitySite.FeishuResultScheme).ConfigureAwait(false);
        if (result is not { Succeeded: true, Principal: { } principal, Properties: { } properties }
            || state.ReadContinuation(r) is not { } continuation)
        {
            return SignInPages.Error("Sign-in expired", "This sign-in was started too long ago or in another browser. Go back to the app and sign in again.");
        }

        var seen = Seen(principal, options.Value.FeishuAppName);
        if (seen is null)
        {
            return SignInPages.Error("Sign-in refused", "Feishu did not say who signed in (no open_id or tenant). Try again.", StatusCodes.Status502BadGateway);
        }

        return await broker.CompleteAsync(http, seen, properties.Items.ContainsKey(IdentitySite.QrItem), continuation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The person clicked Deny at Feishu: the app hears access_denied (its redirect URI was checked on arrival).</summary>
    private static IResult DeniedAsync(HttpContext http, [FromQuery] string? returnUrl, [FromServices] SignInState state, [FromServices] IOptions<IdentityOptions> options)
    {
        // The handler sends here with the challenge's RedirectUri as ReturnUrl, which carries the continuation.
        // Any text may arrive here ("http://[" is no URL): what cannot be read names no sign-in.
        var r = returnUrl is not null && Uri.TryCreate(new Uri("http://x"), returnUrl, out var parsed)
            ? QueryHelpers.ParseQuery(parsed.Query).GetValueOrDefault("r").ToString()
            : null;
        if (state.ReadContinuation(r) is { Kind: SignInContinuation.AuthorizeKind, Parameters: { } p } && p.GetValueOrDefault("redirect_uri") is { } redirect)
        {
            return SignInPages.Answer(AuthorizeService.ErrorAnswer(redirect, IdentitySite.IssuerOf(http, options.Value), OidcError.AccessDenied,
                "The person did not allow the sign-in at Feishu.", p.GetValueOrDefault("state"), p.GetValueOrDefault("response_mode") == AuthorizeService.FormPostMode));
        }

        return SignInPages.Error("Sign-in cancelled", "Feishu did not sign you in. Go back to the app and try again.", StatusCodes.Status403Forbidden);
    }

    /// <summary>The person as the Feishu handler's claims describe them.</summary>
    internal static FeishuPersonSeen? Seen(ClaimsPrincipal principal, string app)
    {
        string? Claim(string type) => principal.FindFirstValue(type) is { Length: > 0 } value ? value : null;
        if (Claim(ClaimTypes.NameIdentifier) is not { } openId || Claim(FeishuClaimTypes.TenantKey) is not { } tenant)
        {
            return null;
        }

        return new FeishuPersonSeen(app, tenant, openId, Claim(FeishuClaimTypes.UnionId), Claim(FeishuClaimTypes.UserId), Claim(ClaimTypes.Name) ?? "")
        {
            EnName = Claim(FeishuClaimTypes.EnName),
            Email = Claim(ClaimTypes.Email),
            EnterpriseEmail = Claim(FeishuClaimTypes.EnterpriseEmail),
            EmployeeNo = Claim(FeishuClaimTypes.EmployeeNo),
            AvatarUrl = Claim(FeishuClaimTypes.AvatarUrl),
        };
    }

    private static IResult Script(string name)
    {
        var stream = typeof(SignInEndpoints).Assembly.GetManifestResourceStream("Larkway.Hub." + name)
            ?? throw new InvalidOperationException($"The embedded resource Larkway.Hub.{name} is missing.");
        return TypedResults.Stream(stream, "text/javascript; charset=utf-8");
    }

    private static IResult NotSetUp(Apps.HubAppNotFoundException ex) =>
        SignInPages.Error("Sign-in is not set up", ex.Message + " (Larkway:Identity:FeishuApp names the app the Hub signs people in with.)", StatusCodes.Status503ServiceUnavailable);

    private static IResult Expired() =>
        SignInPages.Error("Sign-in expired", "This sign-in link has expired or was changed. Go back to the app and sign in again.");
}
