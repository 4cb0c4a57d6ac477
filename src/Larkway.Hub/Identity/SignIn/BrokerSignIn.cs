using System.Globalization;
using System.Security.Claims;
using Larkway.Hub.Directory;
using Larkway.Hub.Identity.Provider;
using Larkway.Hub.Identity.Sessions;
using Larkway.Hub.Platform;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Identity.SignIn;

/// <summary>
/// The end of the Feishu leg: who Feishu says signed in becomes a person of the directory (<see cref="PeopleStore.RecordSeenAsync"/>,
/// so <c>sub</c> is the Hub's person id), gets a broker session, and the waiting request goes on — an app's authorization
/// request, or the console (<see cref="IConsoleSignIn"/>, which decides who administers it).
/// </summary>
internal sealed partial class BrokerSignIn(
    PeopleStore people,
    SessionStore sessions,
    AuthorizeService authorize,
    IOptions<IdentityOptions> options,
    TimeProvider time,
    ILogger<BrokerSignIn> logger,
    IConsoleSignIn? console = null)
{
    /// <summary>Records who Feishu said signed in, starts their session and answers the browser.</summary>
    public async Task<IResult> CompleteAsync(HttpContext http, FeishuPersonSeen seen, bool qr, SignInContinuation continuation, CancellationToken cancellationToken)
    {
        var person = await people.RecordSeenAsync(seen, cancellationToken).ConfigureAwait(false);
        if (person.Status != PersonStatus.Active)
        {
            LogRefused(logger, person.Id, "inactive");
            return SignInPages.Error("Account not active", "Your Feishu account is suspended or has left the company, so it cannot sign in here.", StatusCodes.Status403Forbidden);
        }

        var session = await sessions.CreateAsync(person.Id, qr ? "fed qr" : "fed", http.Connection.RemoteIpAddress?.ToString(), cancellationToken).ConfigureAwait(false);
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(IdentitySite.SessionClaim, session.Id)], IdentitySite.Scheme));
        await http.SignInAsync(IdentitySite.Scheme, principal, new AuthenticationProperties { IssuedUtc = time.GetUtcNow(), ExpiresUtc = session.ExpiresAt }).ConfigureAwait(false);
        LogSignedIn(logger, person.Id, session.Id, session.Amr);
        return await ContinueAsync(http, continuation, session, person, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Goes on with what waited for the sign-in.</summary>
    public async Task<IResult> ContinueAsync(HttpContext http, SignInContinuation continuation, SessionRow session, PersonRow person, CancellationToken cancellationToken)
    {
        if (continuation.Kind == SignInContinuation.ConsoleKind)
        {
            return console is null
                ? SignInPages.Error("No console here", "This Hub has no admin console to sign in to.", StatusCodes.Status404NotFound)
                : await console.ContinueAsync(http, person, continuation.ReturnUrl, cancellationToken).ConfigureAwait(false);
        }

        var outcome = await authorize.AuthorizeAsync(IdentitySite.IssuerOf(http, options.Value), ProtocolParameters.Of(continuation.Parameters ?? []), session, freshSignIn: true, cancellationToken).ConfigureAwait(false);
        return outcome switch
        {
            AuthorizeOutcome.Redirect r => SignInPages.Answer(r),
            AuthorizeOutcome.ErrorPage e => SignInPages.Error(e.Title, e.Detail),
            _ => SignInPages.Error("Sign-in did not finish", "The app's sign-in request could not go on. Go back to the app and sign in again."),
        };
    }

    [LoggerMessage(EventId = LogEvents.IdentitySignedIn, Level = LogLevel.Information, Message = "Person {PersonId} signed in with Feishu (session {SessionId}, amr {Amr}).")]
    private static partial void LogSignedIn(ILogger logger, string personId, string sessionId, string amr);

    [LoggerMessage(EventId = LogEvents.IdentitySignInRefused, Level = LogLevel.Information, Message = "Sign-in of person {PersonId} refused: {Reason}.")]
    internal static partial void LogRefused(ILogger logger, string personId, string reason);

    [LoggerMessage(EventId = LogEvents.IdentityFeishuLegFailed, Level = LogLevel.Warning, Message = "The Feishu leg of a sign-in failed: {Reason}")]
    public static partial void LogLegFailed(ILogger logger, string reason);
}
