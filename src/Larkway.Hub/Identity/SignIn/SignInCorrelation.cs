using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Larkway.Hub.Identity.SignIn;

/// <summary>What a leg's cookie holds between the start and the platform's answer.</summary>
/// <param name="State">The <c>state</c> sent to the platform, which must come back unchanged.</param>
/// <param name="Continuation">The sealed continuation.</param>
/// <param name="Qr">Whether the person chose QR login.</param>
internal sealed record SignInCorrelationData(string State, string Continuation, bool Qr);

/// <summary>
/// The <c>state</c> of a leg whose platform runs plain OAuth 2.0 (DingTalk's, WeCom's): a random value sent to the platform
/// and kept, with the continuation, in a sealed cookie of this browser scoped to the leg's path. The platform's answer counts
/// only with the same value from the same browser, once — so a callback forged, replayed or carried to another browser is
/// refused (RFC 6749 §10.12), and the redirect URI stays the same for every sign-in.
/// </summary>
internal sealed class SignInCorrelation(SignInState state)
{
    /// <summary>Starts a leg: sets the cookie and returns the <c>state</c> to send.</summary>
    public string Begin(HttpContext http, string platform, SignInLegStart start)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(start);
        // Letters and digits only: WeCom takes a-zA-Z0-9 in state, at most 128 bytes.
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        http.Response.Cookies.Append(CookieName(platform), state.Protect(new SignInCorrelationData(nonce, start.Continuation, start.Qr)), Options(http, platform, SignInState.Lifetime));
        return nonce;
    }

    /// <summary>Ends a leg: the cookie's data when <paramref name="returnedState"/> is the state it was sent with, else null. The cookie is spent either way.</summary>
    public SignInCorrelationData? End(HttpContext http, string platform, string? returnedState)
    {
        ArgumentNullException.ThrowIfNull(http);
        var data = state.ReadCorrelation(http.Request.Cookies[CookieName(platform)]);
        http.Response.Cookies.Delete(CookieName(platform), Options(http, platform, null));
        return data is not null && returnedState is { Length: > 0 }
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(data.State), Encoding.UTF8.GetBytes(returnedState))
            ? data
            : null;
    }

    private static string CookieName(string platform) => "larkway_sso_" + platform;

    // Lax: the platform sends the browser back by a top-level GET from its own site.
    private static CookieOptions Options(HttpContext http, string platform, TimeSpan? maxAge) => new()
    {
        Path = IdentitySite.Path + "/" + platform,
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = http.Request.IsHttps,
        IsEssential = true,
        MaxAge = maxAge,
    };
}
