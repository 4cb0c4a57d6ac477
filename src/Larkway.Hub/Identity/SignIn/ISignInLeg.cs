using Microsoft.AspNetCore.Http;

namespace Larkway.Hub.Identity.SignIn;

/// <summary>
/// A platform's sign-in leg: the round trip that asks the platform who is at the browser. A platform's unit supplies it
/// (<c>.Supply&lt;ISignInLeg, …&gt;()</c>; optional — a platform without one offers no button). The broker keeps the rest:
/// the page with a button per leg, the routes <c>/oidc/{platform}/start</c>, <c>/done</c> and <c>/denied</c>, matching the
/// person to the directory, the session and the app's authorization request.
/// </summary>
internal interface ISignInLeg
{
    /// <summary>The platform's name as the button and messages show it (<c>DingTalk</c>).</summary>
    string DisplayName { get; }

    /// <summary>What the sign-in page offers on this platform now; null when the Hub has no app to sign in with there.</summary>
    /// <exception cref="Apps.HubAppNotFoundException">The app the settings name for sign-in does not exist.</exception>
    Task<SignInLegOffer?> OfferAsync(CancellationToken cancellationToken);

    /// <summary>Sends the browser to the platform's authorize page (or QR login); the platform sends it back to <see cref="SignInLegStart.DonePath"/>.</summary>
    Task<IResult> StartAsync(HttpContext http, SignInLegStart start, CancellationToken cancellationToken);

    /// <summary>At <c>/oidc/{platform}/done</c>: checks what the platform sent back (state bound to this browser) and reads who signed in.</summary>
    Task<SignInLegResult> CompleteAsync(HttpContext http, CancellationToken cancellationToken);
}

/// <summary>What the sign-in page offers on a platform.</summary>
/// <param name="App">The Hub app the leg signs in with (<c>""</c> for the configured default app).</param>
/// <param name="QrLogin">Whether a "scan a QR code" button is offered beside the sign-in button.</param>
internal sealed record SignInLegOffer(string App, bool QrLogin);

/// <summary>A start of the leg.</summary>
/// <param name="Continuation">The sealed continuation (<see cref="SignInState"/>) the broker needs back at <c>/done</c>.</param>
/// <param name="DonePath">The broker's <c>/oidc/{platform}/done</c>, where the leg ends.</param>
/// <param name="DoneUrl">The same, absolute under the issuer: the redirect URI to give the platform.</param>
/// <param name="DeniedPath">The broker's <c>/oidc/{platform}/denied</c>, for a leg whose handler sends a refusal there.</param>
/// <param name="Qr">Whether the person chose QR login.</param>
internal sealed record SignInLegStart(string Continuation, string DonePath, Uri DoneUrl, string DeniedPath, bool Qr);

/// <summary>
/// How a leg ended. <see cref="Seen"/> with <see cref="Continuation"/> on success; <see cref="Denied"/> when the person said
/// no at the platform; else <see cref="Problem"/> (what the person is told, never a token) and its <see cref="Status"/>
/// (400 for a request that does not check out, 502 when the platform failed).
/// </summary>
internal sealed record SignInLegResult
{
    /// <summary>Who the platform said signed in.</summary>
    public SignInPersonSeen? Seen { get; init; }

    /// <summary>The sealed continuation the leg carried through.</summary>
    public string? Continuation { get; init; }

    /// <summary>Whether the person signed in by QR login.</summary>
    public bool Qr { get; init; }

    /// <summary>The person refused at the platform.</summary>
    public bool Denied { get; init; }

    /// <summary>Why the leg failed, in words for the person.</summary>
    public string? Problem { get; init; }

    /// <summary>The failure's HTTP status.</summary>
    public int Status { get; init; } = StatusCodes.Status400BadRequest;

    /// <summary>The failure page's title.</summary>
    public string Title { get; init; } = "Sign-in refused";

    /// <summary>A failure.</summary>
    public static SignInLegResult Failed(string problem, int status = StatusCodes.Status400BadRequest, string title = "Sign-in refused") =>
        new() { Problem = problem, Status = status, Title = title };

    /// <summary>The platform's answer does not belong to a sign-in this browser started (or it took too long).</summary>
    public static SignInLegResult Expired() => Failed(SignInPages.ExpiredSignIn, title: "Sign-in expired");
}

/// <summary>
/// A person as a platform's sign-in showed them, in the broker's terms. <see cref="UserId"/> is the id the directory links
/// the person by under <see cref="App"/> (its <c>PersonAppIdRow.OpenId</c>: Feishu's open_id, DingTalk's and WeCom's
/// userid). A leg that may add people the directory has not synced yet (<see cref="MayAddPerson"/>, Feishu's: its
/// sign-in has always added them) gives the tenant and profile to record; any other leg's person must already be a
/// directory person, so one person signing in on two platforms gets the same <c>sub</c>.
/// </summary>
/// <param name="App">The Hub app the person signed in through (<c>""</c> for the default app).</param>
/// <param name="UserId">The person's id the directory links under <paramref name="App"/>.</param>
/// <param name="Name">The display name the platform showed.</param>
internal sealed record SignInPersonSeen(string App, string UserId, string Name)
{
    /// <summary>The platform's tenant (organisation) key, when the sign-in says.</summary>
    public string? TenantKey { get; init; }

    /// <summary>The person's id across the developer's apps.</summary>
    public string? UnionId { get; init; }

    /// <summary>The tenant-wide user id, when it differs from <see cref="UserId"/>.</summary>
    public string? TenantUserId { get; init; }

    /// <summary>The English name.</summary>
    public string? EnName { get; init; }

    /// <summary>The e-mail address.</summary>
    public string? Email { get; init; }

    /// <summary>The enterprise e-mail.</summary>
    public string? EnterpriseEmail { get; init; }

    /// <summary>The mobile number (never logged).</summary>
    public string? Mobile { get; init; }

    /// <summary>The employee number.</summary>
    public string? EmployeeNo { get; init; }

    /// <summary>The avatar's URL.</summary>
    public string? AvatarUrl { get; init; }

    /// <summary>Whether the broker adds this person when the directory has not synced them (needs <see cref="TenantKey"/>).</summary>
    public bool MayAddPerson { get; init; }
}
