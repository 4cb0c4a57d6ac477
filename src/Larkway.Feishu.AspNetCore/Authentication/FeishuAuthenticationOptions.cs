using System.Security.Claims;
using System.Text.Json;
using Larkway.Feishu.Authen;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Authentication.OAuth.Claims;

namespace Larkway.Feishu.AspNetCore.Authentication;

/// <summary>
/// Feishu / Lark sign-in (OAuth 2.0 code flow with PKCE): which app signs users in, what to ask for, which claims to
/// make. The app is either one registered with <c>services.AddFeishu()</c> (<see cref="AppName"/>; the default app when
/// nothing is set), or one given here by <see cref="OAuthOptions.ClientId"/>, <see cref="OAuthOptions.ClientSecret"/>
/// and <see cref="BaseUrl"/>. Calls to Feishu go through that app's Larkway client, so
/// <see cref="OAuthOptions.AuthorizationEndpoint"/>, <see cref="OAuthOptions.TokenEndpoint"/> and
/// <see cref="OAuthOptions.UserInformationEndpoint"/> are not used and must stay empty.
/// </summary>
public class FeishuAuthenticationOptions : OAuthOptions
{
    private static readonly string[] OwnAuthorizationParameters =
        ["client_id", "response_type", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"];

    /// <summary>PKCE on, the callback at <c>/signin-feishu</c>, and the claims of the user_info fields.</summary>
    public FeishuAuthenticationOptions()
    {
        CallbackPath = FeishuAuthenticationDefaults.CallbackPath;
        UsePkce = true;

        // Feishu answers the authorize request with a GET redirect (never a form post), which carries Lax cookies; and Lax
        // cookies work over plain http on a developer's machine, where browsers drop SameSite=None without Secure.
        CorrelationCookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax;

        ClaimActions.MapJsonKey(ClaimTypes.NameIdentifier, "open_id");
        ClaimActions.MapJsonKey(ClaimTypes.Name, "name");
        ClaimActions.MapJsonKey(FeishuClaimTypes.EnName, "en_name");
        ClaimActions.MapJsonKey(FeishuClaimTypes.UnionId, "union_id");
        ClaimActions.MapJsonKey(FeishuClaimTypes.UserId, "user_id");
        ClaimActions.MapJsonKey(FeishuClaimTypes.TenantKey, "tenant_key");
        ClaimActions.MapJsonKey(ClaimTypes.Email, "email");
        ClaimActions.MapJsonKey(FeishuClaimTypes.EnterpriseEmail, "enterprise_email");
        ClaimActions.MapJsonKey(FeishuClaimTypes.AvatarUrl, "avatar_url");
        ClaimActions.MapJsonKey(FeishuClaimTypes.EmployeeNo, "employee_no");
        ClaimActions.Add(new MobileClaimAction(this));
    }

    /// <summary>
    /// The app registered with <c>services.AddFeishu()</c> (null or empty: the default app) or
    /// <c>AddFeishu().AddApp(name, …)</c>, or kept by a host's own <see cref="IFeishuClientFactory"/>. Leave it unset when
    /// <see cref="OAuthOptions.ClientId"/> names the app.
    /// </summary>
    public string? AppName { get; set; }

    /// <summary>
    /// The Open Platform of an app given by <see cref="OAuthOptions.ClientId"/>: <see cref="FeishuBaseUrls.Feishu"/> (when
    /// null), <see cref="FeishuBaseUrls.Lark"/>, or the Larkway Emulator's URL. The authorize page is on its accounts host
    /// (<c>accounts.feishu.cn</c>, <c>accounts.larksuite.com</c>, or the URL itself). An app from <see cref="AppName"/>
    /// uses its own client's base URL.
    /// </summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>
    /// Whether the user's mobile number becomes a <see cref="ClaimTypes.MobilePhone"/> claim (default false). It needs the
    /// app's <c>contact:user.phone:readonly</c> permission; Feishu does not verify it, and most apps do not need it.
    /// </summary>
    public bool IncludeMobile { get; set; }

    /// <summary>
    /// Whether the user's token set is kept in the <see cref="IFeishuUserTokenStore"/> under the app's id and the user's
    /// open_id once they sign in (default false), so that <see cref="FeishuUserTokenProvider"/> can later call Feishu as
    /// the user and refresh the token. Asks for <see cref="FeishuAuthenticationDefaults.OfflineAccessScope"/>.
    /// </summary>
    public bool StoreUserTokens { get; set; }

    /// <summary>The scopes of the authorize request: <see cref="OAuthOptions.Scope"/>, plus <c>offline_access</c> when tokens are kept.</summary>
    internal IReadOnlyList<string> ScopesToRequest(IEnumerable<string> scopes)
    {
        var list = scopes.ToList();
        if ((SaveTokens || StoreUserTokens) && !list.Contains(FeishuAuthenticationDefaults.OfflineAccessScope, StringComparer.Ordinal))
        {
            list.Add(FeishuAuthenticationDefaults.OfflineAccessScope);
        }

        return list;
    }

    /// <summary>Whether the app is the one given by <see cref="OAuthOptions.ClientId"/> and <see cref="OAuthOptions.ClientSecret"/>.</summary>
    internal bool HasOwnApp => !string.IsNullOrEmpty(ClientId);

    /// <summary>
    /// Checks the options; each message says what to set. (The base class's check is not run: it wants endpoints and a
    /// client secret, which an app from <see cref="AppName"/> does not have here.)
    /// </summary>
    /// <exception cref="ArgumentException">An option is missing, contradicts another, or is malformed.</exception>
    public override void Validate()
    {
        if (!CallbackPath.HasValue)
        {
            throw new ArgumentException("Feishu sign-in: set CallbackPath (default /signin-feishu) and add its absolute URL to the app's redirect URLs (developer console → Security settings).", nameof(CallbackPath));
        }

        if (string.IsNullOrEmpty(ClientId) != string.IsNullOrEmpty(ClientSecret))
        {
            throw new ArgumentException("Feishu sign-in: set ClientId and ClientSecret together (the app's App ID and App Secret), or neither to use the app registered with services.AddFeishu().", string.IsNullOrEmpty(ClientId) ? nameof(ClientId) : nameof(ClientSecret));
        }

        if (HasOwnApp && !string.IsNullOrEmpty(AppName))
        {
            throw new ArgumentException($"Feishu sign-in: ClientId and AppName ('{AppName}') both name an app; set one of them.", nameof(AppName));
        }

        if (!HasOwnApp && BaseUrl is not null)
        {
            throw new ArgumentException("Feishu sign-in: BaseUrl is for an app given by ClientId and ClientSecret; an app registered with services.AddFeishu() uses its own BaseUrl.", nameof(BaseUrl));
        }

        if (BaseUrl is { } baseUrl && (!baseUrl.IsAbsoluteUri || baseUrl.Scheme is not ("http" or "https")))
        {
            throw new ArgumentException($"Feishu sign-in: BaseUrl '{baseUrl}' is not an absolute http(s) URL (FeishuBaseUrls.Feishu, FeishuBaseUrls.Lark or the Emulator's URL).", nameof(BaseUrl));
        }

        foreach (var (name, value) in new[] { (nameof(AuthorizationEndpoint), AuthorizationEndpoint), (nameof(TokenEndpoint), TokenEndpoint), (nameof(UserInformationEndpoint), UserInformationEndpoint) })
        {
            if (!string.IsNullOrEmpty(value))
            {
                throw new ArgumentException($"Feishu sign-in: {name} is not used (the app's Larkway client calls Feishu); leave it empty and set BaseUrl, or the app's BaseUrl, instead.", name);
            }
        }

        CheckScopes(ScopesToRequest(Scope));

        if (AdditionalAuthorizationParameters.Keys.FirstOrDefault(k => OwnAuthorizationParameters.Contains(k, StringComparer.Ordinal)) is { } own)
        {
            throw new ArgumentException($"Feishu sign-in: AdditionalAuthorizationParameters cannot set '{own}'; the handler sets it.", nameof(AdditionalAuthorizationParameters));
        }
    }

    /// <summary>Scopes Feishu would refuse only after the user is sent to it: blanks, spaces, more than fifty.</summary>
    internal static void CheckScopes(IReadOnlyCollection<string> scopes)
    {
        if (scopes.FirstOrDefault(s => string.IsNullOrWhiteSpace(s) || s.Contains(' ', StringComparison.Ordinal)) is { } bad)
        {
            throw new ArgumentException($"Feishu sign-in: '{bad}' is not a scope (scopes are non-empty and have no spaces; add each one to Scope on its own).", nameof(Scope));
        }

        if (scopes.Count > FeishuAuthorizeUrl.MaxScopes)
        {
            throw new ArgumentException($"Feishu sign-in: Feishu takes at most {FeishuAuthorizeUrl.MaxScopes} scopes in one authorize request; {scopes.Count} would be sent (offline_access included when tokens are kept).", nameof(Scope));
        }
    }

    /// <summary>The mobile claim, made only when <see cref="IncludeMobile"/> is set when a user signs in.</summary>
    private sealed class MobileClaimAction(FeishuAuthenticationOptions options) : ClaimAction(ClaimTypes.MobilePhone, ClaimValueTypes.String)
    {
        public override void Run(JsonElement userData, ClaimsIdentity identity, string issuer)
        {
            if (options.IncludeMobile && userData.TryGetProperty("mobile", out var mobile) && mobile.ValueKind == JsonValueKind.String && mobile.GetString() is { Length: > 0 } value)
            {
                identity.AddClaim(new Claim(ClaimType, value, ValueType, issuer));
            }
        }
    }
}
