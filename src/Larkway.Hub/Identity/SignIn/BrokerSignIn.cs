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
/// The end of a platform's leg: who the platform says signed in is matched to a person of the directory (so <c>sub</c>
/// is the Hub's person id, the same whichever platform they signed in with), gets a broker session, and the waiting request
/// goes on — an app's authorization request, or the console (<see cref="IConsoleSignIn"/>, which decides who administers it).
/// A leg that may add people (<see cref="SignInPersonSeen.MayAddPerson"/>) records the person (<see cref="PeopleStore.RecordSeenAsync"/>);
/// any other's must be a directory person: linked under the sign-in app (the directory sync's link) or to another
/// platform's account, or — an account of the directory app the sync has not reached yet — read from its contacts then.
/// </summary>
internal sealed partial class BrokerSignIn(
    PeopleStore people,
    SessionStore sessions,
    AuthorizeService authorize,
    IOptions<IdentityOptions> options,
    TimeProvider time,
    ILogger<BrokerSignIn> logger,
    Directory.Links.PersonLinkStore links,
    DirectoryService? directory = null,
    IConsoleSignIn? console = null)
{
    /// <summary>
    /// Matches who <paramref name="platform"/> (its unit's name <paramref name="unit"/>) said signed in to the directory,
    /// starts their session and answers the browser.
    /// </summary>
    public async Task<IResult> CompleteAsync(HttpContext http, string unit, string platform, SignInPersonSeen seen, bool qr, SignInContinuation continuation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seen);
        var person = seen is { MayAddPerson: true, TenantKey: { Length: > 0 } tenant }
            ? await people.RecordSeenAsync(new FeishuPersonSeen(seen.App, tenant, seen.UserId, seen.UnionId, seen.TenantUserId, seen.Name)
            {
                EnName = seen.EnName,
                Email = seen.Email,
                EnterpriseEmail = seen.EnterpriseEmail,
                Mobile = seen.Mobile,
                EmployeeNo = seen.EmployeeNo,
                AvatarUrl = seen.AvatarUrl,
            }, cancellationToken).ConfigureAwait(false)
            : await FindAsync(unit, seen, cancellationToken).ConfigureAwait(false);
        if (person is null)
        {
            LogUnknown(logger, platform);
            return SignInPages.Error("Not in the directory",
                $"Your {platform} account is not a person of this Hub's directory, so it cannot sign in here. Ask an administrator to sync the directory from {platform}, or sign in with the account the directory has.",
                StatusCodes.Status403Forbidden);
        }

        if (person.Status != PersonStatus.Active)
        {
            LogRefused(logger, person.Id, "inactive");
            return SignInPages.Error("Account not active", $"Your {platform} account is suspended or has left the company, so it cannot sign in here.", StatusCodes.Status403Forbidden);
        }

        var session = await sessions.CreateAsync(person.Id, qr ? "fed qr" : "fed", http.Connection.RemoteIpAddress?.ToString(), cancellationToken).ConfigureAwait(false);
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(IdentitySite.SessionClaim, session.Id)], IdentitySite.Scheme));
        await http.SignInAsync(IdentitySite.Scheme, principal, new AuthenticationProperties { IssuedUtc = time.GetUtcNow(), ExpiresUtc = session.ExpiresAt }).ConfigureAwait(false);
        LogSignedIn(logger, person.Id, platform, session.Id, session.Amr);
        return await ContinueAsync(http, continuation, session, person, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The directory person of a platform account: the directory sync's link (the account under the sign-in app), else the
    /// person the account is linked to on a platform other than the directory's (an email or mobile lookup, an
    /// administrator, the person's own <c>/link</c>), else — for an account of the directory app itself — the person read
    /// from its contacts now.
    /// </summary>
    private async Task<PersonRow?> FindAsync(string unit, SignInPersonSeen seen, CancellationToken cancellationToken)
    {
        if (await people.FindByOpenIdAsync(seen.App, seen.UserId, cancellationToken).ConfigureAwait(false) is { } synced)
        {
            return synced;
        }

        if (await links.PersonOfAsync(unit, seen.App, seen.UserId, cancellationToken).ConfigureAwait(false) is { } linked)
        {
            return await people.FindAsync(linked, cancellationToken).ConfigureAwait(false);
        }

        // An account of the directory app the sync has not reached yet (someone who just joined): read from its contacts now.
        try
        {
            return directory is not null && await directory.ReadAccountAsync(seen.App, seen.UserId, cancellationToken).ConfigureAwait(false)
                ? await people.FindByOpenIdAsync(seen.App, seen.UserId, cancellationToken).ConfigureAwait(false)
                : null;
        }
        catch (Exception ex) when (ex is DirectoryReadRefusedException or HttpRequestException or TimeoutException)
        {
            LogNotRead(logger, seen.App, ex is DirectoryReadRefusedException refused ? refused.Code : ex.GetType().Name);
            return null;
        }
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

    /// <summary>Logs a leg that failed (what the person was told: never a token).</summary>
    public void LegFailed(string platform, string reason) => LogLegFailed(logger, platform, reason);

    [LoggerMessage(EventId = LogEvents.IdentitySignedIn, Level = LogLevel.Information, Message = "Person {PersonId} signed in with {Platform} (session {SessionId}, amr {Amr}).")]
    private static partial void LogSignedIn(ILogger logger, string personId, string platform, string sessionId, string amr);

    [LoggerMessage(EventId = LogEvents.IdentitySignInUnknownPerson, Level = LogLevel.Information, Message = "Sign-in with {Platform} refused: the account is no person of the directory.")]
    private static partial void LogUnknown(ILogger logger, string platform);

    [LoggerMessage(EventId = LogEvents.IdentitySignInAccountNotRead, Level = LogLevel.Warning, Message = "A sign-in's account of the directory app '{App}' could not be read from its contacts ({Code}); it is treated as no person of the directory.")]
    private static partial void LogNotRead(ILogger logger, string app, string code);

    [LoggerMessage(EventId = LogEvents.IdentitySignInRefused, Level = LogLevel.Information, Message = "Sign-in of person {PersonId} refused: {Reason}.")]
    internal static partial void LogRefused(ILogger logger, string personId, string reason);

    [LoggerMessage(EventId = LogEvents.IdentitySignInLegFailed, Level = LogLevel.Warning, Message = "The {Platform} leg of a sign-in failed: {Reason}")]
    public static partial void LogLegFailed(ILogger logger, string platform, string reason);
}
