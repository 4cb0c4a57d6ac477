using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Larkway.Emulator.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace Larkway.Emulator.Tests.Authen;

/// <summary>Raw-HTTP helpers for the sign-in tests: a browser that does not follow redirects, and the token endpoint.</summary>
internal sealed class SignIn(TestEmulator emulator) : IDisposable
{
    public const string TokenPath = "/open-apis/authen/v2/oauth/token";
    public const string Callback = "http://127.0.0.1:5000/callback";

    /// <summary>RFC 7636 appendix B.</summary>
    public const string RfcVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    public const string RfcChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    public HttpClient Browser { get; } = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = emulator.Server.BaseUrl };

    public string AppId => emulator.Options.AppId;

    public string Secret => emulator.Options.AppSecret;

    public string AliceOpenId => emulator.User("alice@example.com").OpenId;

    /// <summary>The authorize click through the control API; returns the code (or fails the test).</summary>
    public async Task<string> CodeAsync(string scope = "", string? challenge = null, string? method = null, string redirectUri = Callback, string user = "alice@example.com", string? clientId = null)
    {
        using var reply = await emulator.PostJsonAsync("/_emulator/authen/authorize", new
        {
            client_id = clientId ?? AppId,
            redirect_uri = redirectUri,
            scope,
            state = "s1",
            code_challenge = challenge,
            code_challenge_method = method,
            user,
        });
        Assert.True(reply.Code == 0, reply.Text);
        return reply.Data.GetProperty("code").GetString()!;
    }

    public async Task<Reply> ExchangeAsync(object body) => await emulator.PostJsonAsync(TokenPath, body);

    public async Task<Reply> ExchangeCodeAsync(string code, string? verifier = null, string? scope = null, string redirectUri = Callback) =>
        await ExchangeAsync(new { grant_type = "authorization_code", client_id = AppId, client_secret = Secret, code, redirect_uri = redirectUri, code_verifier = verifier, scope });

    public async Task<Reply> RefreshAsync(string refreshToken, string? scope = null) =>
        await ExchangeAsync(new { grant_type = "refresh_token", client_id = AppId, client_secret = Secret, refresh_token = refreshToken, scope });

    /// <summary>A form post, optionally with HTTP Basic client credentials (RFC 6749 §2.3.1).</summary>
    public async Task<Reply> ExchangeFormAsync(IEnumerable<KeyValuePair<string, string>> fields, (string Id, string Secret)? basic = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenPath) { Content = new FormUrlEncodedContent(fields) };
        if (basic is { } credentials)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(credentials.Id)}:{Uri.EscapeDataString(credentials.Secret)}")));
        }

        return await Reply.ReadAsync(await emulator.Http.SendAsync(request));
    }

    /// <summary>A code exchanged for tokens; returns the token body.</summary>
    public async Task<JsonElement> TokensAsync(string scope = "offline_access")
    {
        using var reply = await ExchangeCodeAsync(await CodeAsync(scope));
        Assert.True(reply.Code == 0, reply.Text);
        return reply.Json.Clone();
    }

    public async Task<Reply> GetAsync(string path, IEnumerable<KeyValuePair<string, string?>> query) =>
        await Reply.ReadAsync(await Browser.GetAsync(QueryHelpers.AddQueryString(path, query)));

    /// <summary>A browser's form post (not followed), with its Origin header.</summary>
    public async Task<Reply> PostFormAsync(string action, string origin, IEnumerable<(string Name, string Value)> fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))) };
        request.Headers.Add("Origin", origin);
        return await Reply.ReadAsync(await Browser.SendAsync(request));
    }

    public string Origin => Browser.BaseAddress!.GetLeftPart(UriPartial.Authority);

    public static Dictionary<string, string?> QueryOf(Uri location) =>
        QueryHelpers.ParseQuery(location.Query).ToDictionary(p => p.Key, p => (string?)p.Value.ToString());

    public static void AssertOAuthError(Reply reply, int code, int status = 400)
    {
        Assert.True(reply.Status == status && reply.Code == code, $"expected {status}/{code}, got {reply.Status}: {reply.Text}");
        Assert.False(string.IsNullOrEmpty(reply.Json.GetProperty("error").GetString()));
        Assert.False(string.IsNullOrEmpty(reply.Json.GetProperty("error_description").GetString()));
        Assert.False(reply.Json.TryGetProperty("access_token", out _));
    }

    public void Dispose() => Browser.Dispose();
}
