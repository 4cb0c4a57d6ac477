using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Larkway.DingTalk;
using Larkway.Hub.Apps;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>Who the confirm page knows is at the browser: a DingTalk member of one app's organisation, signed in with DingTalk.</summary>
internal sealed record DingTalkConfirmer(string App, string UserId, string? Nick);

/// <summary>How a DingTalk sign-in for an action link ended.</summary>
internal enum DingTalkSignInResult
{
    /// <summary>The person the link was made for signed in; the page may show and act.</summary>
    Recipient,

    /// <summary>Someone else signed in (a forwarded card, a copied link): nothing is shown or recorded.</summary>
    SomeoneElse,

    /// <summary>The person is not a member of the app's organisation (DingTalk knows no userid for them).</summary>
    NotAMember,

    /// <summary>The person cancelled on DingTalk's page.</summary>
    Cancelled,

    /// <summary>The callback is not one this browser started (no, or another, correlation), or its state is damaged.</summary>
    Forged,
}

/// <summary>
/// Binds an action link to its person with DingTalk's own sign-in (OAuth 2.0 login, which DingTalk's in-app browser completes
/// without asking): a link opened without a sign-in of its recipient sends the browser to DingTalk's login of the
/// notification's app; DingTalk sends it back to <see cref="CallbackPath"/> with an authCode, exchanged for the person's
/// token, their unionId and — with the app's token — their userid in the organisation. Only when that userid is the
/// link's does the browser get the confirm cookie (<see cref="Scheme"/>: this person, this app, for
/// <see cref="DingTalkActionLinkOptions.SignInLifetime"/>); the page shows the notification and confirms only with it.
/// </summary>
/// <remarks>
/// The leg is bound to the browser that started it: a random nonce rides in the sealed <c>state</c> and in a cookie of
/// the same browser, so a callback URL opened elsewhere (or a login CSRF) signs nobody in. Tokens DingTalk gives are used
/// for the three calls and dropped: nothing of them is stored or logged.
/// </remarks>
internal sealed class DingTalkActionSignIn(IDataProtectionProvider protection, DingTalkActionLinks links, HubDingTalkClients clients, TimeProvider time)
{
    /// <summary>The cookie scheme of a signed-in confirmer.</summary>
    public const string Scheme = "DingTalkActions";

    /// <summary>The confirm cookie's name (path <see cref="CookiePath"/>).</summary>
    public const string CookieName = "larkway_dingtalk";

    /// <summary>Where the cookies live: the action links only.</summary>
    public const string CookiePath = "/dingtalk/actions";

    /// <summary>Where DingTalk sends the browser back (register the Hub's domain in the app's login settings).</summary>
    public const string CallbackPath = CookiePath + "/signin";

    private const string CorrelationCookie = "larkway_dingtalk_signin";

    // DingTalk's "no such user" of the old API (找不到该用户): the unionId is not a member of the app's organisation.
    private const string DingTalkUserNotFound = "60121";
    private const string AppClaim = "larkway:dingtalk_app";
    private static readonly TimeSpan LegLifetime = TimeSpan.FromMinutes(10);

    private readonly ITimeLimitedDataProtector _state = protection.CreateProtector("Larkway.Hub.DingTalk.Notifications.ActionSignIn.v1").ToTimeLimitedDataProtector();

    /// <summary>The confirmer this browser signed in as, or null.</summary>
    public static async Task<DingTalkConfirmer?> CurrentAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(Scheme).ConfigureAwait(false);
        return result.Principal is { } principal && principal.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } userId
            && principal.FindFirstValue(AppClaim) is { Length: > 0 } app
            ? new DingTalkConfirmer(app, userId, principal.FindFirstValue(ClaimTypes.Name))
            : null;
    }

    /// <summary>Sends the browser to DingTalk's login of <paramref name="appName"/>, to come back to the link <paramref name="token"/>.</summary>
    /// <exception cref="HubAppNotFoundException">The app is deleted or disabled.</exception>
    public async Task<IResult> ChallengeAsync(HttpContext http, string appName, string token, CancellationToken cancellationToken)
    {
        var client = await clients.GetAsync(appName, cancellationToken).ConfigureAwait(false);
        var nonce = Base64Url(RandomNumberGenerator.GetBytes(16));
        var state = _state.Protect(JsonSerializer.Serialize(new Leg(token, nonce)), time.GetUtcNow() + LegLifetime);
        http.Response.Cookies.Append(CorrelationCookie, nonce, Cookie(http, time.GetUtcNow() + LegLifetime));
        return Results.Redirect(client.SignIn.GetAuthorizeUrl(new Uri(links.Origin() + CallbackPath), state).AbsoluteUri);
    }

    /// <summary>
    /// DingTalk's return: the leg checked against this browser, the code exchanged, the person compared with the link's.
    /// Signs the browser in only for <see cref="DingTalkSignInResult.Recipient"/>.
    /// </summary>
    /// <exception cref="DingTalkApiException">DingTalk refused the code or could not be reached.</exception>
    /// <exception cref="HubAppNotFoundException">The link's app is deleted or disabled.</exception>
    public async Task<(DingTalkSignInResult Result, string? Token, DingTalkConfirmer? Who)> CallbackAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        var cookie = http.Request.Cookies[CorrelationCookie];
        http.Response.Cookies.Delete(CorrelationCookie, Cookie(http, expires: null));
        if (ReadLeg(query["state"].ToString()) is not { } leg || cookie is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(cookie), Encoding.UTF8.GetBytes(leg.Nonce)))
        {
            return (DingTalkSignInResult.Forged, null, null);
        }

        if (query["authCode"].ToString() is not { Length: > 0 } code)
        {
            return (DingTalkSignInResult.Cancelled, leg.Token, null);
        }

        if (links.Read(leg.Token) is not { } click || await DingTalkActionState.AppOfAsync(http.RequestServices, click, cancellationToken).ConfigureAwait(false) is not { } appName)
        {
            return (DingTalkSignInResult.Forged, leg.Token, null);
        }

        var client = await clients.GetAsync(appName, cancellationToken).ConfigureAwait(false);
        var token = await client.SignIn.GetUserTokenAsync(code, cancellationToken).ConfigureAwait(false);
        var me = await client.SignIn.GetCurrentUserAsync(token, cancellationToken).ConfigureAwait(false);
        string userId;
        try
        {
            userId = await client.Users.GetUserIdByUnionIdAsync(me.UnionId, cancellationToken).ConfigureAwait(false);
        }
        catch (DingTalkApiException ex) when (ex.Code == DingTalkUserNotFound)
        {
            return (DingTalkSignInResult.NotAMember, leg.Token, new DingTalkConfirmer(appName, "", me.Nick));
        }

        var who = new DingTalkConfirmer(appName, userId, me.Nick);
        if (!string.Equals(userId, click.UserId, StringComparison.Ordinal))
        {
            return (DingTalkSignInResult.SomeoneElse, leg.Token, who);
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId), new Claim(AppClaim, appName), new Claim(ClaimTypes.Name, me.Nick ?? userId)], Scheme);
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity)).ConfigureAwait(false);
        return (DingTalkSignInResult.Recipient, leg.Token, who);
    }

    /// <summary>Ends the confirm cookie (the mismatch page's "sign in as someone else").</summary>
    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);

    private Leg? ReadLeg(string state)
    {
        if (state.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Leg>(_state.Unprotect(state, out var expires)) is { Token.Length: > 0, Nonce.Length: > 0 } leg && expires > time.GetUtcNow() ? leg : null;
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }

    private static CookieOptions Cookie(HttpContext http, DateTimeOffset? expires) => new()
    {
        Path = CookiePath,
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        // Lax: DingTalk's login sends the browser back with a top-level GET from its own site, which must carry it.
        SameSite = SameSiteMode.Lax,
        Expires = expires,
        IsEssential = true,
    };

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record Leg([property: JsonPropertyName("t")] string Token, [property: JsonPropertyName("n")] string Nonce);
}
