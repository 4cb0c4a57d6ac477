using System.Text.Json;
using Larkway.DingTalk.Http;
using Larkway.DingTalk.Json;

namespace Larkway.DingTalk.SignIn;

/// <summary>
/// Signing an organisation's people in with DingTalk (its OAuth 2.0 login for web pages, which DingTalk's own in-app browser
/// completes without asking): send the browser to <see cref="GetAuthorizeUrl"/>; DingTalk sends it back to the redirect URI
/// with <c>authCode</c> and the <c>state</c> given (or <c>error</c>); exchange the code with <see cref="GetUserTokenAsync"/>
/// and read who signed in with <see cref="GetCurrentUserAsync"/>. The redirect URI's domain must be registered in the app's
/// login settings (DingTalk refuses others).
/// </summary>
public class DingTalkSignInClient
{
    /// <summary>The authorize page's path on the login host.</summary>
    public const string AuthorizePath = "/oauth2/auth";

    private const string TokenPath = "/v1.0/oauth2/userAccessToken";
    private const string MePath = "/v1.0/contact/users/me";

    private readonly DingTalkPipeline _pipeline = null!;

    internal DingTalkSignInClient(DingTalkPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking.</summary>
    protected DingTalkSignInClient()
    {
    }

    /// <summary>
    /// The authorize page for this app: <c>response_type=code</c>, scope <c>openid</c> (with <c>corpid</c>, the token names the
    /// organisation), <c>prompt=consent</c> as DingTalk requires. <paramref name="state"/> comes back unchanged: make it
    /// unguessable and bind it to the browser.
    /// </summary>
    public virtual Uri GetAuthorizeUrl(Uri redirectUri, string state, bool askCorpId = true)
    {
        ArgumentNullException.ThrowIfNull(redirectUri);
        ArgumentException.ThrowIfNullOrEmpty(state);
        if (!redirectUri.IsAbsoluteUri || redirectUri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("The redirect URI must be an absolute http(s) URL whose domain is registered in the app's login settings.", nameof(redirectUri));
        }

        var query = string.Join('&',
            Pair("redirect_uri", redirectUri.AbsoluteUri),
            Pair("response_type", "code"),
            Pair("client_id", _pipeline.Options.AppKey),
            Pair("scope", askCorpId ? "openid corpid" : "openid"),
            Pair("state", state),
            Pair("prompt", "consent"));
        return new Uri(_pipeline.Options.LoginBaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + AuthorizePath + "?" + query);
    }

    /// <summary>Exchanges the <c>authCode</c> the browser brought back for the person's token (<c>POST /v1.0/oauth2/userAccessToken</c>). A code works once.</summary>
    /// <exception cref="DingTalkApiException">DingTalk refused the code (used, expired, another app's) or the credentials.</exception>
    public virtual async Task<DingTalkUserToken> GetUserTokenAsync(string authCode, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(authCode);
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new UserTokenRequest(_pipeline.Options.AppKey, _pipeline.Options.AppSecret, authCode, "authorization_code"), DingTalkJsonContext.Default.UserTokenRequest);

        // Not idempotent: a code is spent by its first exchange, so a timed-out one is not sent again.
        var request = new DingTalkRequest(HttpMethod.Post, DingTalkHost.Api, TokenPath, TokenPath) { Json = body, WithAppToken = false };
        var answer = await _pipeline.SendAsync(request, DingTalkJsonContext.Default.UserTokenAnswer, cancellationToken).ConfigureAwait(false);
        return answer.AccessToken is { Length: > 0 } token
            ? new DingTalkUserToken(token, TimeSpan.FromSeconds(answer.ExpireIn), answer.CorpId)
            : throw new DingTalkApiException(DingTalkErrorCodes.MalformedResponse, $"The answer of POST {TokenPath} has no accessToken.");
    }

    /// <summary>The person a user token belongs to (<c>GET /v1.0/contact/users/me</c>, with their token, not the app's).</summary>
    /// <exception cref="DingTalkApiException">DingTalk refused the token.</exception>
    public virtual async Task<DingTalkSignedInUser> GetCurrentUserAsync(DingTalkUserToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var request = new DingTalkRequest(HttpMethod.Get, DingTalkHost.Api, MePath, MePath) { WithAppToken = false, UserToken = token.AccessToken, Idempotent = true };
        var user = await _pipeline.SendAsync(request, DingTalkJsonContext.Default.DingTalkSignedInUser, cancellationToken).ConfigureAwait(false);
        return user.UnionId.Length > 0 ? user : throw new DingTalkApiException(DingTalkErrorCodes.MalformedResponse, $"The answer of GET {MePath} has no unionId.");
    }

    private static string Pair(string name, string value) => name + "=" + Uri.EscapeDataString(value);
}
