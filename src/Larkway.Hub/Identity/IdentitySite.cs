using Larkway.Hub.Platform.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Identity;

/// <summary>The broker's paths, its cookie scheme and how it finds its issuer.</summary>
internal static class IdentitySite
{
    /// <summary>Every broker route but discovery lives under it; its cookies are scoped to it.</summary>
    public const string Path = "/oidc";

    public const string DiscoveryPath = "/.well-known/openid-configuration";
    public const string AuthorizePath = Path + "/authorize";
    public const string TokenPath = Path + "/token";
    public const string UserInfoPath = Path + "/userinfo";
    public const string JwksPath = Path + "/jwks";
    public const string RevocationPath = Path + "/revoke";
    public const string EndSessionPath = Path + "/logout";
    public const string RegistrationPath = Path + "/register";
    public const string SignInPath = Path + "/sign-in";
    public const string FormPostScriptPath = Path + "/assets/form-post.js";

    /// <summary>The broker session's cookie scheme (apart from the console's and the APIs' keys).</summary>
    public const string Scheme = "LarkwayIdentity";

    public const string SessionCookie = "larkway_sso";

    /// <summary>
    /// A platform's sign-in leg's route under the broker: <c>/oidc/{platform}/start</c>, <c>/done</c>, <c>/denied</c>
    /// (the platform as its unit is named, e.g. <c>dingtalk</c>); a leg's own routes (a handler's callback) live beside them.
    /// </summary>
    public static string LegPath(string platform, string step) => Path + "/" + platform + "/" + step;

    /// <summary>The session claim in the broker's cookie.</summary>
    public const string SessionClaim = "larkway:sid";

    /// <summary>
    /// The issuer: <see cref="IdentityOptions.Issuer"/>, else the Hub's public URL (<c>Larkway:PublicUrl</c>), else the
    /// request's origin — which the caller chooses through its Host header, so <see cref="IsIssuerConfigured"/> says
    /// whether an answer that names it may be cached by anyone but the caller.
    /// </summary>
    public static string IssuerOf(HttpContext http, IdentityOptions options)
    {
        if (!string.IsNullOrEmpty(options.Issuer))
        {
            return options.Issuer.TrimEnd('/');
        }

        if (http.RequestServices.GetService<HubSettings>()?.PublicUrl is { } publicUrl)
        {
            return publicUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        }

        return http.Request.Scheme + "://" + http.Request.Host.Value + http.Request.PathBase.Value;
    }

    /// <summary>Whether the issuer comes from configuration (<c>Larkway:Identity:Issuer</c> or <c>Larkway:PublicUrl</c>), not from the request.</summary>
    public static bool IsIssuerConfigured(HttpContext http, IdentityOptions options) =>
        !string.IsNullOrEmpty(options.Issuer) || http.RequestServices.GetService<HubSettings>()?.PublicUrl is not null;

    /// <summary>An absolute URL of the broker at <paramref name="path"/>.</summary>
    public static Uri UrlOf(HttpContext http, IdentityOptions options, string path) => new(IssuerOf(http, options) + path);
}
