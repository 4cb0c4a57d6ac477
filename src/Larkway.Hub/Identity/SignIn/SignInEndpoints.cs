using Larkway.Feishu.Authen;
using Larkway.Hub.AdminConsole;
using Larkway.Hub.Identity.Clients;
using Larkway.Hub.Identity.Provider;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Identity.SignIn;

/// <summary>
/// The broker's sign-in page and the Feishu leg: <c>/oidc/sign-in</c> (Sign in with Feishu, QR login),
/// <c>/oidc/feishu/start</c> (off to Feishu with state and PKCE kept in a sealed, short-lived cookie) and
/// <c>/oidc/feishu/callback</c> (back from Feishu: state checked, then <see cref="BrokerSignIn"/>). No consent page: the
/// apps are the company's own, registered by its administrators.
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
        endpoints.MapGet(IdentitySite.FeishuCallbackPath, CallbackAsync).AllowAnonymous().WithName("BrokerFeishuCallback");
        endpoints.MapGet(IdentitySite.QrScriptPath, QrScript).AllowAnonymous().WithName("BrokerQrScript");
    }

    private static async Task<IResult> SignInPageAsync(
        HttpContext http, [FromQuery] string? r, [FromServices] SignInState state, [FromServices] ClientStore clients, [FromServices] IFeishuSignIn feishu,
        [FromServices] IOptions<IdentityOptions> options, CancellationToken cancellationToken)
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
        var callback = IdentitySite.UrlOf(http, options.Value, IdentitySite.FeishuCallbackPath);
        try
        {
            var qrState = OpaqueToken.NewId("");
            var (kind, gotoUrl, _) = await feishu.QrLoginAsync(callback, qrState, cancellationToken).ConfigureAwait(false);
            if (kind == QrLoginKind.Sdk)
            {
                // The SDK's page goes straight to Feishu and back: its leg (no PKCE in the passport flow) starts here.
                SetLeg(http, state, new FeishuLeg(qrState, null, r!, Qr: true));
            }

            return SignInPages.SignIn(appName, start, kind, QueryHelpers.AddQueryString(start, "via", "qr"), gotoUrl?.AbsoluteUri);
        }
        catch (Apps.HubAppNotFoundException ex)
        {
            return SignInPages.Error("Sign-in is not set up", ex.Message + " (Larkway:Identity:FeishuApp names the app the Hub signs people in with.)", StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>The console's "Sign in with Feishu": the same sign-in, then the console.</summary>
    private static IResult ConsoleStart([FromQuery] string? returnUrl, [FromServices] SignInState state)
    {
        var target = returnUrl is { } url && url.StartsWith(ConsoleSite.Path, StringComparison.Ordinal) && url.Length <= 2048 ? url : ConsoleSite.Path;
        return TypedResults.Redirect(QueryHelpers.AddQueryString(IdentitySite.SignInPath, "r", state.Protect(new SignInContinuation(SignInContinuation.ConsoleKind, null, target))));
    }

    private static async Task<IResult> StartAsync(
        HttpContext http, [FromQuery] string? r, [FromQuery] string? via, [FromServices] SignInState state, [FromServices] IFeishuSignIn feishu,
        [FromServices] IOptions<IdentityOptions> options, CancellationToken cancellationToken)
    {
        if (state.ReadContinuation(r) is null)
        {
            return Expired();
        }

        var callback = IdentitySite.UrlOf(http, options.Value, IdentitySite.FeishuCallbackPath);
        var legState = OpaqueToken.NewId("");
        try
        {
            if (via == "qr")
            {
                var (kind, gotoUrl, _) = await feishu.QrLoginAsync(callback, legState, cancellationToken).ConfigureAwait(false);
                if (gotoUrl is null || kind == QrLoginKind.None)
                {
                    return SignInPages.Error("QR login unavailable", "This Hub's Feishu offers no QR login; use Sign in with Feishu.");
                }

                SetLeg(http, state, new FeishuLeg(legState, null, r!, Qr: true));
                return TypedResults.Redirect(gotoUrl.AbsoluteUri);
            }

            var pkce = Pkce.Create();
            var authorize = await feishu.AuthorizeUrlAsync(callback, legState, pkce.Challenge, cancellationToken).ConfigureAwait(false);
            SetLeg(http, state, new FeishuLeg(legState, pkce.Verifier, r!, Qr: false));
            return TypedResults.Redirect(authorize.AbsoluteUri);
        }
        catch (Apps.HubAppNotFoundException ex)
        {
            return SignInPages.Error("Sign-in is not set up", ex.Message + " (Larkway:Identity:FeishuApp names the app the Hub signs people in with.)", StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<IResult> CallbackAsync(
        HttpContext http, [FromQuery] string? code, [FromQuery(Name = "state")] string? returnedState, [FromQuery] string? error,
        [FromServices] SignInState state, [FromServices] BrokerSignIn broker, [FromServices] IOptions<IdentityOptions> options, CancellationToken cancellationToken)
    {
        var leg = state.ReadLeg(http.Request.Cookies[IdentitySite.LegCookie]);
        if (leg is null || state.ReadContinuation(leg.Continuation) is not { } continuation)
        {
            return SignInPages.Error("Sign-in expired", "This sign-in was started too long ago or in another browser. Go back to the app and sign in again.");
        }

        if (returnedState is null || !OpaqueToken.Same(returnedState, leg.State))
        {
            return SignInPages.Error("Sign-in refused", "Feishu's answer does not belong to the sign-in this browser started (state differs). Go back to the app and sign in again.");
        }

        http.Response.Cookies.Delete(IdentitySite.LegCookie, LegCookieOptions(http));
        if (error is not null || code is null)
        {
            if (continuation is { Kind: SignInContinuation.AuthorizeKind, Parameters: { } p } && p.GetValueOrDefault("redirect_uri") is { } redirect)
            {
                // The app's redirect URI was checked when the request arrived; the person said no at Feishu.
                return TypedResults.Redirect(AuthorizeService.ErrorRedirect(redirect, IdentitySite.IssuerOf(http, options.Value), OidcError.AccessDenied,
                    "The person did not allow the sign-in at Feishu.", p.GetValueOrDefault("state")));
            }

            return SignInPages.Error("Sign-in cancelled", "Feishu did not sign you in. Try again.");
        }

        return await broker.CompleteAsync(http, leg, continuation, code, cancellationToken).ConfigureAwait(false);
    }

    private static IResult QrScript()
    {
        var stream = typeof(SignInEndpoints).Assembly.GetManifestResourceStream("Larkway.Hub.qr-login.js")
            ?? throw new InvalidOperationException("The embedded resource Larkway.Hub.qr-login.js is missing.");
        return TypedResults.Stream(stream, "text/javascript; charset=utf-8");
    }

    private static void SetLeg(HttpContext http, SignInState state, FeishuLeg leg) =>
        http.Response.Cookies.Append(IdentitySite.LegCookie, state.Protect(leg), LegCookieOptions(http));

    /// <summary>Lax: Feishu's answer is a top-level redirect from another site, which Lax cookies accompany.</summary>
    private static CookieOptions LegCookieOptions(HttpContext http) => new()
    {
        Path = IdentitySite.Path + "/feishu",
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Lax,
        MaxAge = SignInState.Lifetime,
        IsEssential = true,
    };

    private static IResult Expired() =>
        SignInPages.Error("Sign-in expired", "This sign-in link has expired or was changed. Go back to the app and sign in again.");
}
