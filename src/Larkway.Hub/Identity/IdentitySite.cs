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
    public const string FeishuStartPath = Path + "/feishu/start";
    public const string FeishuCallbackPath = Path + "/feishu/callback";
    public const string FeishuDonePath = Path + "/feishu/done";
    public const string FeishuDeniedPath = Path + "/feishu/denied";
    public const string QrScriptPath = Path + "/assets/qr-login.js";
    public const string FormPostScriptPath = Path + "/assets/form-post.js";

    /// <summary>The broker session's cookie scheme (apart from the console's and the APIs' keys).</summary>
    public const string Scheme = "LarkwayIdentity";

    public const string SessionCookie = "larkway_sso";

    /// <summary>The Feishu leg: Larkway.Feishu.AspNetCore's <c>AddFeishu</c> handler under this scheme.</summary>
    public const string FeishuScheme = "LarkwayIdentity.Feishu";

    /// <summary>Holds who Feishu said signed in, for the moment between the handler's callback and the broker's session.</summary>
    public const string FeishuResultScheme = "LarkwayIdentity.FeishuResult";

    /// <summary>The properties' item that says the leg was a QR login (<c>page</c> or <c>sdk</c>).</summary>
    public const string QrItem = "larkway.qr";

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
