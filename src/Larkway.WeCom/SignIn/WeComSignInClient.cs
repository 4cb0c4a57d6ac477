using System.Text.Json.Serialization;
using Larkway.WeCom.Http;
using Larkway.WeCom.Json;

namespace Larkway.WeCom.SignIn;

/// <summary>
/// Who signed in, as <c>GET /cgi-bin/auth/getuserinfo</c> (获取访问用户身份, document 91023) answers: a member of the corp has a
/// <see cref="UserId"/> (and a <see cref="UserTicket"/> when the scope was <c>snsapi_privateinfo</c>); someone who is not has
/// an <see cref="OpenId"/> (and an <see cref="ExternalUserId"/> when they are a customer of the corp) and no userid.
/// </summary>
public sealed record WeComSignedInUser
{
    /// <summary>The member's userid; null for a non-member.</summary>
    [JsonPropertyName("userid")]
    public string? UserId { get; init; }

    /// <summary>The sensitive-info ticket (<c>cgi-bin/auth/getuserdetail</c>): present for <c>snsapi_privateinfo</c> only. Never logged.</summary>
    [JsonPropertyName("user_ticket")]
    public string? UserTicket { get; init; }

    /// <summary>A non-member's id.</summary>
    [JsonPropertyName("openid")]
    public string? OpenId { get; init; }

    /// <summary>A non-member's id as the corp's customer, when they are one.</summary>
    [JsonPropertyName("external_userid")]
    public string? ExternalUserId { get; init; }

    /// <summary>Never the ticket itself.</summary>
    public override string ToString() => $"WeComSignedInUser {{ UserId = {UserId}, OpenId = {OpenId} }}";
}

/// <summary>
/// Signing a corp's members in with WeCom. Two pages give the browser a <c>code</c> for the redirect URI (whose domain must
/// be the app's trusted domain): WeCom's web login (<see cref="GetWebLoginUrl"/>, document 98152: QR code, or one click in the
/// WeCom desktop app) for any browser, and web authorization (<see cref="GetAuthorizeUrl"/>, document 91022) inside WeCom's own
/// browser. Both come back to <c>redirect_uri?code=CODE&amp;state=STATE</c>, or with <c>state</c> alone when the person refused;
/// <see cref="GetUserInfoAsync"/> turns the code (single use, 5 minutes) into who signed in, with the app's token.
/// </summary>
public class WeComSignInClient
{
    /// <summary>The web login's path on the login host.</summary>
    public const string WebLoginPath = "/wwlogin/sso/login";

    /// <summary>The web authorization's path on the OAuth host.</summary>
    public const string AuthorizePath = "/connect/oauth2/authorize";

    private const string UserInfoPath = "/cgi-bin/auth/getuserinfo";

    private readonly WeComPipeline _pipeline = null!;

    internal WeComSignInClient(WeComPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking.</summary>
    protected WeComSignInClient()
    {
    }

    /// <summary>
    /// WeCom's web login for this app (<c>login_type=CorpApp</c>, the corp id as <c>appid</c>, the app's AgentId). Needs
    /// <see cref="WeComAppOptions.AgentId"/>. <paramref name="state"/> (letters and digits, at most 128 bytes) comes back
    /// unchanged: make it unguessable and bind it to the browser.
    /// </summary>
    public virtual Uri GetWebLoginUrl(Uri redirectUri, string state) =>
        Build(_pipeline.Options.LoginBaseUrl, WebLoginPath, redirectUri, state, [("login_type", "CorpApp"), ("appid", _pipeline.Options.CorpId), ("agentid", AgentId()), ("redirect_uri", redirectUri.AbsoluteUri), ("state", state)], "");

    /// <summary>
    /// Web authorization inside WeCom's browser: <c>response_type=code</c>, scope <c>snsapi_base</c> (silent: the userid only),
    /// the app's AgentId, and the <c>#wechat_redirect</c> fragment WeCom requires.
    /// </summary>
    public virtual Uri GetAuthorizeUrl(Uri redirectUri, string state) =>
        Build(_pipeline.Options.OAuthBaseUrl, AuthorizePath, redirectUri, state,
            [("appid", _pipeline.Options.CorpId), ("redirect_uri", redirectUri.AbsoluteUri), ("response_type", "code"), ("scope", "snsapi_base"), ("state", state), ("agentid", AgentId())], "#wechat_redirect");

    /// <summary>Who the <paramref name="code"/> the browser brought back belongs to (<c>GET /cgi-bin/auth/getuserinfo</c>). A code works once.</summary>
    /// <exception cref="WeComApiException">WeCom refused the code (40029: invalid, used or expired) or the app's token.</exception>
    public virtual async Task<WeComSignedInUser> GetUserInfoAsync(string code, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);

        // Not idempotent: a code is spent by its first use, so a timed-out call is not sent again.
        var user = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Get, $"{UserInfoPath}?code={Uri.EscapeDataString(code)}", UserInfoPath),
            WeComJsonContext.Default.WeComSignedInUser,
            cancellationToken).ConfigureAwait(false);
        return user.UserId is { Length: > 0 } || user.OpenId is { Length: > 0 }
            ? user
            : throw new WeComApiException(WeComErrorCodes.MalformedResponse, $"The answer of GET {UserInfoPath} has neither userid nor openid.");
    }

    private string AgentId() => _pipeline.Options.AgentId is { } agent
        ? agent.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : throw new WeComApiException(WeComErrorCodes.InvalidRequest, "Signing in with WeCom needs the app's AgentId (WeComAppOptions.AgentId: the app's page in the WeCom admin console).");

    private static Uri Build(Uri host, string path, Uri redirectUri, string state, (string Name, string Value)[] pairs, string fragment)
    {
        ArgumentNullException.ThrowIfNull(redirectUri);
        ArgumentException.ThrowIfNullOrEmpty(state);
        if (!redirectUri.IsAbsoluteUri || redirectUri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("The redirect URI must be an absolute http(s) URL on the app's trusted domain.", nameof(redirectUri));
        }

        if (state.Length > 128 || !state.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException("WeCom takes a state of letters and digits only, at most 128 of them.", nameof(state));
        }

        var query = string.Join('&', pairs.Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value)));
        return new Uri(host.GetLeftPart(UriPartial.Path).TrimEnd('/') + path + "?" + query + fragment);
    }
}
