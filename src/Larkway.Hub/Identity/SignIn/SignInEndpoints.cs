using Larkway.Hub.Directory;
using Larkway.Hub.Identity.Clients;
using Larkway.Hub.Identity.Provider;
using Larkway.Hub.Platform.Units;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Identity.SignIn;

/// <summary>
/// The broker's sign-in page and its platforms' legs (<see cref="ISignInLeg"/>): <c>/oidc/sign-in</c> (a button per
/// platform the Hub can sign in with, and QR login where offered), <c>/oidc/{platform}/start</c> (off to the platform),
/// then <c>/oidc/{platform}/done</c> (who the platform said it was, to <see cref="BrokerSignIn"/>) or
/// <c>/oidc/{platform}/denied</c>. No consent page: the apps are the company's own, registered by its administrators.
/// </summary>
internal static class SignInEndpoints
{
    /// <summary>Where a console administrator starts signing in.</summary>
    public const string ConsoleStartPath = IdentitySite.Path + "/console";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(IdentitySite.SignInPath, SignInPageAsync).AllowAnonymous().WithName("BrokerSignIn");
        endpoints.MapGet(ConsoleStartPath, ConsoleStart).AllowAnonymous().WithName("BrokerConsoleSignIn");
        endpoints.MapGet(IdentitySite.LegPath("{platform}", "start"), StartAsync).AllowAnonymous().WithName("BrokerLegStart");
        endpoints.MapGet(IdentitySite.LegPath("{platform}", "done"), DoneAsync).AllowAnonymous().WithName("BrokerLegDone");
        endpoints.MapGet(IdentitySite.LegPath("{platform}", "denied"), Denied).AllowAnonymous().WithName("BrokerLegDenied");
        endpoints.MapGet(IdentitySite.FormPostScriptPath, () => Script("form-post.js")).AllowAnonymous().WithName("BrokerFormPostScript");
    }

    private static async Task<IResult> SignInPageAsync(
        [FromQuery] string? r, [FromServices] SignInState state, [FromServices] ClientStore clients, [FromServices] PlatformPieces<ISignInLeg> legs, CancellationToken cancellationToken)
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

        var buttons = new List<SignInButton>();
        foreach (var (platform, leg) in legs.All)
        {
            try
            {
                if (await leg.OfferAsync(cancellationToken).ConfigureAwait(false) is not { } offer)
                {
                    continue;
                }

                var start = QueryHelpers.AddQueryString(IdentitySite.LegPath(platform.Name, "start"), "r", r!);
                buttons.Add(new SignInButton(platform.Name, leg.DisplayName, start, offer.QrLogin ? QueryHelpers.AddQueryString(start, "via", "qr") : null));
            }
            catch (Apps.HubAppNotFoundException ex)
            {
                return NotSetUp(ex);
            }
        }

        return buttons.Count == 0
            ? SignInPages.Error("Sign-in is not set up", "This Hub has no app to sign people in with: add a Feishu, DingTalk or WeCom app (Larkway:Identity:SignInApps names which).", StatusCodes.Status503ServiceUnavailable)
            : SignInPages.SignIn(appName, buttons);
    }

    /// <summary>The console's "Sign in": the same sign-in, then the console.</summary>
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

    /// <summary>Off to the platform through its leg.</summary>
    private static async Task<IResult> StartAsync(
        HttpContext http, string platform, [FromQuery] string? r, [FromQuery] string? via, [FromServices] SignInState state, [FromServices] PlatformPieces<ISignInLeg> legs,
        [FromServices] IOptions<IdentityOptions> options, CancellationToken cancellationToken)
    {
        if (legs.Find(platform) is not { } leg)
        {
            return NoLeg();
        }

        if (state.ReadContinuation(r) is null)
        {
            return Expired();
        }

        var done = IdentitySite.LegPath(platform, "done");
        try
        {
            return await leg.StartAsync(http, new SignInLegStart(r!, done, new Uri(IdentitySite.IssuerOf(http, options.Value) + done), IdentitySite.LegPath(platform, "denied"), via == "qr"),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Apps.HubAppNotFoundException ex)
        {
            return NotSetUp(ex);
        }
    }

    /// <summary>Back from the platform: the leg checks what came back and says who signed in.</summary>
    private static async Task<IResult> DoneAsync(
        HttpContext http, string platform, [FromServices] SignInState state, [FromServices] BrokerSignIn broker, [FromServices] PlatformPieces<ISignInLeg> legs,
        [FromServices] IOptions<IdentityOptions> options, CancellationToken cancellationToken)
    {
        if (legs.Find(platform) is not { } leg)
        {
            return NoLeg();
        }

        var result = await leg.CompleteAsync(http, cancellationToken).ConfigureAwait(false);
        var continuation = state.ReadContinuation(result.Continuation);
        if (result.Denied)
        {
            return DeniedAnswer(http, continuation, leg.DisplayName, options.Value);
        }

        if (result.Problem is { } problem)
        {
            broker.LegFailed(leg.DisplayName, problem);
            return SignInPages.Error(result.Title, problem, result.Status);
        }

        if (result.Seen is not { } seen || continuation is null)
        {
            return SignInPages.Error("Sign-in expired", SignInPages.ExpiredSignIn);
        }

        return await broker.CompleteAsync(http, platform, leg.DisplayName, seen, result.Qr, continuation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The person clicked Deny at the platform (a leg whose handler sends it here with the continuation in its ReturnUrl).</summary>
    private static IResult Denied(HttpContext http, string platform, [FromQuery] string? returnUrl, [FromServices] SignInState state, [FromServices] PlatformPieces<ISignInLeg> legs,
        [FromServices] IOptions<IdentityOptions> options)
    {
        if (legs.Find(platform) is not { } leg)
        {
            return NoLeg();
        }

        // Any text may arrive here ("http://[" is no URL): what cannot be read names no sign-in.
        var r = returnUrl is not null && Uri.TryCreate(new Uri("http://x"), returnUrl, out var parsed)
            ? QueryHelpers.ParseQuery(parsed.Query).GetValueOrDefault("r").ToString()
            : null;
        return DeniedAnswer(http, state.ReadContinuation(r), leg.DisplayName, options.Value);
    }

    /// <summary>The app hears access_denied (its redirect URI was checked on arrival); without an app, a page says so.</summary>
    private static IResult DeniedAnswer(HttpContext http, SignInContinuation? continuation, string platform, IdentityOptions options)
    {
        if (continuation is { Kind: SignInContinuation.AuthorizeKind, Parameters: { } p } && p.GetValueOrDefault("redirect_uri") is { } redirect)
        {
            return SignInPages.Answer(AuthorizeService.ErrorAnswer(redirect, IdentitySite.IssuerOf(http, options), OidcError.AccessDenied,
                $"The person did not allow the sign-in at {platform}.", p.GetValueOrDefault("state"), p.GetValueOrDefault("response_mode") == AuthorizeService.FormPostMode));
        }

        return SignInPages.Error("Sign-in cancelled", $"{platform} did not sign you in. Go back to the app and try again.", StatusCodes.Status403Forbidden);
    }

    /// <summary>An embedded script of the broker's pages.</summary>
    internal static IResult Script(string name)
    {
        var stream = typeof(SignInEndpoints).Assembly.GetManifestResourceStream("Larkway.Hub." + name)
            ?? throw new InvalidOperationException($"The embedded resource Larkway.Hub.{name} is missing.");
        return TypedResults.Stream(stream, "text/javascript; charset=utf-8");
    }

    private static IResult NotSetUp(Apps.HubAppNotFoundException ex) =>
        SignInPages.Error("Sign-in is not set up", ex.Message + " (Larkway:Identity:SignInApps names the app the Hub signs people in with on each platform.)", StatusCodes.Status503ServiceUnavailable);

    private static IResult NoLeg() => SignInPages.Error("No such sign-in", "This Hub signs no one in with that platform. Go back to the app and sign in again.", StatusCodes.Status404NotFound);

    private static IResult Expired() =>
        SignInPages.Error("Sign-in expired", "This sign-in link has expired or was changed. Go back to the app and sign in again.");
}
