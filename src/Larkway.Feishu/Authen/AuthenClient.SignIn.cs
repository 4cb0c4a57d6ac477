using Larkway.Feishu.Http;
using Larkway.Feishu.Json;

namespace Larkway.Feishu.Authen;

// User sign-in: the OAuth code exchange and refresh, the signed-in user, the legacy v1 endpoints and mini programs.
// Code exchanges and refreshes are never resent: a code and a refresh token work once, so a second request could only
// fail (and a refresh whose answer was lost has consumed the token). They are non-idempotent requests, which the
// resilience pipeline never retries.
public partial class AuthenClient
{
    private const string OAuthTokenPath = "/open-apis/authen/v2/oauth/token";
    private const string UserInfoPath = "/open-apis/authen/v1/user_info";
    private const string LegacyTokenPath = "/open-apis/authen/v1/oidc/access_token";
    private const string LegacyRefreshPath = "/open-apis/authen/v1/oidc/refresh_access_token";
    private const string MiniProgramLoginPath = "/open-apis/mina/v2/tokenLoginValidate";

    /// <summary>
    /// Exchanges the code Feishu sent to the redirect URI for the user's tokens (<c>POST /open-apis/authen/v2/oauth/token</c>,
    /// <c>grant_type=authorization_code</c>, the app's id and secret in the body, no bearer token). A code works once and
    /// for five minutes; the call is never resent.
    /// </summary>
    /// <param name="code">The <c>code</c> query parameter of the redirect.</param>
    /// <param name="redirectUri">The redirect URI of the authorize request, when it had one: it must match exactly.</param>
    /// <param name="codeVerifier">The PKCE verifier (<see cref="Pkce.Verifier"/>) when the authorize request carried a challenge.</param>
    /// <param name="scopes">Narrows the token to these of the granted scopes (include <c>offline_access</c> to keep the refresh token); null keeps all.</param>
    /// <param name="cancellationToken">Stops waiting; a code already sent may have been used.</param>
    /// <returns>The token set; <see cref="FeishuUserToken.RefreshToken"/> is null unless the user granted <c>offline_access</c>.</returns>
    /// <exception cref="ArgumentException">An empty code, a relative redirect URI, an invalid verifier, or blank or repeated scopes (nothing sent).</exception>
    /// <exception cref="FeishuApiException">Feishu refused: <see cref="FeishuApiException.Code"/> is one of the <c>OAuth…</c> codes of <see cref="FeishuErrorCodes"/>, <see cref="FeishuApiException.OAuthError"/> the OAuth error.</exception>
    public virtual Task<FeishuUserToken> ExchangeCodeAsync(
        string code, Uri? redirectUri = null, string? codeVerifier = null, IEnumerable<string>? scopes = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        if (redirectUri is { IsAbsoluteUri: false })
        {
            throw new ArgumentException("The redirect URI must be the absolute one of the authorize request (https://app.example.com/signin-feishu).", nameof(redirectUri));
        }

        if (codeVerifier is not null && !Pkce.IsValidVerifier(codeVerifier))
        {
            throw new ArgumentException("A PKCE code_verifier is 43–128 characters of A–Z, a–z, 0–9, '-', '.', '_' and '~'.", nameof(codeVerifier));
        }

        var body = new OAuthTokenBody("authorization_code", _pipeline.App.Options.AppId, _pipeline.App.Options.AppSecret)
        {
            Code = code,
            RedirectUri = redirectUri?.AbsoluteUri,
            CodeVerifier = codeVerifier,
            Scope = ScopeList.Join(ScopeList.Check(scopes, nameof(scopes))),
        };
        return RequestOAuthTokenAsync(body, cancellationToken);
    }

    /// <summary>
    /// Exchanges a refresh token for a new token set (<c>grant_type=refresh_token</c>). The refresh token is single-use:
    /// the answer carries its successor, which must replace it wherever it is kept. Concurrent refreshes of one refresh
    /// token in this process make one request and all get its answer (or its failure); the call is never resent.
    /// </summary>
    /// <param name="refreshToken">The current refresh token.</param>
    /// <param name="scopes">Narrows the new token to these scopes; when callers share a request, the first caller's scopes apply.</param>
    /// <param name="cancellationToken">Stops waiting; the request itself completes for the other callers.</param>
    /// <exception cref="ArgumentException">An empty refresh token, or blank or repeated scopes (nothing sent).</exception>
    /// <exception cref="FeishuApiException">
    /// Feishu refused: <see cref="FeishuErrorCodes.IsRefreshTokenDead"/> codes (expired, revoked, already used) mean the user must sign in again.
    /// </exception>
    public virtual Task<FeishuUserToken> RefreshUserTokenAsync(string refreshToken, IEnumerable<string>? scopes = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(refreshToken);
        var scope = ScopeList.Join(ScopeList.Check(scopes, nameof(scopes)));
        return _pipeline.App.UserTokenRefreshes.RunAsync(refreshToken, (Client: this, Scope: scope), static (token, state) =>
        {
            var options = state.Client._pipeline.App.Options;
            return state.Client.RequestOAuthTokenAsync(new OAuthTokenBody("refresh_token", options.AppId, options.AppSecret) { RefreshToken = token, Scope = state.Scope }, CancellationToken.None);
        }, cancellationToken);
    }

    /// <summary>The signed-in user (<c>GET /open-apis/authen/v1/user_info</c>, the user's token as bearer).</summary>
    /// <param name="userAccessToken">The user's access token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.OAuthUserAccessTokenInvalid"/>, or <see cref="FeishuErrorCodes.UserAccessTokenInvalid"/> from the gateway.</exception>
    public virtual Task<UserInfo> GetUserInfoAsync(string userAccessToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userAccessToken);
        return _pipeline.With(new FeishuRequestOptions { UserAccessToken = userAccessToken })
            .SendAsync(new FeishuRequest(HttpMethod.Get, UserInfoPath, UserInfoPath), FeishuJson.Context.UserInfoEnvelope, cancellationToken);
    }

    /// <summary>
    /// Legacy (historical, not recommended — use <see cref="ExchangeCodeAsync"/>): exchanges a code at
    /// <c>POST /open-apis/authen/v1/oidc/access_token</c> with the app access token. Its refresh tokens only work with
    /// <see cref="RefreshUserTokenLegacyAsync"/> (the v2 endpoint answers <see cref="FeishuErrorCodes.OAuthRefreshTokenInvalid"/>).
    /// Never resent.
    /// </summary>
    /// <param name="code">The code from the legacy authorize page.</param>
    /// <param name="cancellationToken">Stops waiting; a code already sent may have been used.</param>
    public virtual Task<FeishuUserToken> ExchangeCodeLegacyAsync(string code, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        return RequestLegacyTokenAsync(LegacyTokenPath, new LegacyTokenBody("authorization_code") { Code = code }, cancellationToken);
    }

    /// <summary>
    /// Legacy (historical, not recommended — use <see cref="RefreshUserTokenAsync"/>): refreshes a v1 or mini-program refresh
    /// token at <c>POST /open-apis/authen/v1/oidc/refresh_access_token</c> with the app access token. Single-flight per
    /// refresh token like <see cref="RefreshUserTokenAsync"/>; never resent.
    /// </summary>
    /// <param name="refreshToken">The current v1 refresh token.</param>
    /// <param name="cancellationToken">Stops waiting; the request itself completes for the other callers.</param>
    public virtual Task<FeishuUserToken> RefreshUserTokenLegacyAsync(string refreshToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(refreshToken);
        return _pipeline.App.UserTokenRefreshes.RunAsync(refreshToken, this, static (token, client) =>
            client.RequestLegacyTokenAsync(LegacyRefreshPath, new LegacyTokenBody("refresh_token") { RefreshToken = token }, CancellationToken.None), cancellationToken);
    }

    /// <summary>
    /// Signs a mini-program user in (code2session, <c>POST /open-apis/mina/v2/tokenLoginValidate</c>, app access token):
    /// the code from <c>tt.login</c> becomes the user's ids, session key and tokens. Never resent.
    /// </summary>
    /// <param name="code">The code from <c>tt.login</c> (not usable with the web sign-in calls, nor theirs here).</param>
    /// <param name="cancellationToken">Stops waiting; a code already sent may have been used.</param>
    /// <exception cref="FeishuApiException">E.g. <see cref="FeishuErrorCodes.MiniProgramInvalidCode"/>, <see cref="FeishuErrorCodes.MiniProgramCodeMismatch"/>.</exception>
    public virtual async Task<MiniProgramSession> Code2SessionAsync(string code, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        var request = new FeishuRequest(HttpMethod.Post, MiniProgramLoginPath, MiniProgramLoginPath)
        {
            Content = JsonBody.Create(new MiniProgramLoginBody(code), FeishuJson.Context.MiniProgramLoginBody),
            Auth = FeishuAuth.App,
        };
        var data = await _pipeline.SendAsync(request, FeishuJson.Context.MiniProgramSessionEnvelope, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(data.OpenId) || string.IsNullOrEmpty(data.SessionKey) || string.IsNullOrEmpty(data.AccessToken) || data.ExpiresIn is not > 0)
        {
            throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The response of POST {MiniProgramLoginPath} lacks open_id, session_key, access_token or expires_in.");
        }

        return new MiniProgramSession(data.OpenId, NullIfEmpty(data.EmployeeId), data.SessionKey, NullIfEmpty(data.TenantKey), data.AccessToken,
            DateTimeOffset.FromUnixTimeSeconds(data.ExpiresIn.Value), NullIfEmpty(data.RefreshToken));
    }

    // The OAuth endpoint takes no token and answers at the top level; the legacy ones take the app token and use the envelope.
    private async Task<FeishuUserToken> RequestUserTokenAsync(string path, HttpContent body, bool legacy, CancellationToken cancellationToken)
    {
        var request = new FeishuRequest(HttpMethod.Post, path, path) { Content = body, Auth = legacy ? FeishuAuth.App : FeishuAuth.None };
        var asked = _pipeline.App.TimeProvider.GetUtcNow();
        var answer = legacy
            ? await _pipeline.SendAsync(request, FeishuJson.Context.LegacyUserTokenEnvelope, cancellationToken).ConfigureAwait(false)
            : await _pipeline.SendOAuthAsync(request, FeishuJson.Context.UserTokenWire, cancellationToken).ConfigureAwait(false);
        return ToUserToken(answer, asked, path);
    }

    private Task<FeishuUserToken> RequestOAuthTokenAsync(OAuthTokenBody body, CancellationToken cancellationToken) =>
        RequestUserTokenAsync(OAuthTokenPath, JsonBody.Create(body, FeishuJson.Context.OAuthTokenBody), legacy: false, cancellationToken);

    private Task<FeishuUserToken> RequestLegacyTokenAsync(string path, LegacyTokenBody body, CancellationToken cancellationToken) =>
        RequestUserTokenAsync(path, JsonBody.Create(body, FeishuJson.Context.LegacyTokenBody), legacy: true, cancellationToken);

    // Lifetimes count from when the token was asked for, so time on the wire only makes it look older.
    private static FeishuUserToken ToUserToken(UserTokenWire answer, DateTimeOffset asked, string path)
    {
        if (string.IsNullOrEmpty(answer.AccessToken) || answer.ExpiresIn is not > 0)
        {
            throw new FeishuApiException(FeishuErrorCodes.MalformedResponse, $"The response of POST {path} has no access_token or no expires_in.");
        }

        var refreshToken = NullIfEmpty(answer.RefreshToken);
        var refreshLifetime = answer.RefreshTokenExpiresIn ?? answer.RefreshExpiresIn;
        return new FeishuUserToken(
            answer.AccessToken,
            asked.AddSeconds(answer.ExpiresIn.Value),
            refreshToken,
            refreshToken is not null && refreshLifetime is > 0 ? asked.AddSeconds(refreshLifetime.Value) : null,
            answer.Scope ?? "")
        {
            TokenType = answer.TokenType is { Length: > 0 } type ? type : "Bearer",
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
