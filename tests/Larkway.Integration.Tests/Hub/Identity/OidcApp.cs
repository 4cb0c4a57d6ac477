using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Feishu.Authen;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Larkway.Integration.Tests.Hub.Identity;

/// <summary>An internal web app registered with the Hub's broker, doing what a relying party does over plain HTTP.</summary>
internal sealed class OidcApp(Uri hubUrl, string clientId, string? secret, string redirectUri)
{
    public OidcApp(HubSandbox hub, string clientId, string? secret, string redirectUri)
        : this(hub.Host.BaseUrl, clientId, secret, redirectUri)
    {
    }

    public string ClientId { get; } = clientId;

    public string? Secret { get; } = secret;

    public string RedirectUri { get; } = redirectUri;

    public Uri Issuer => new(hubUrl.GetLeftPart(UriPartial.Authority));

    /// <summary>Registers an app through the admin API.</summary>
    public static Task<OidcApp> RegisterAsync(HubSandbox hub, string name = "Wiki", string kind = "confidential", string redirectUri = "https://wiki.example.com/signin-oidc", object? extra = null) =>
        RegisterAsync(hub.Host.BaseUrl, HubSandbox.AdminKey, name, kind, redirectUri, extra);

    /// <summary>Registers an app through the admin API of the Hub at <paramref name="hubUrl"/>.</summary>
    public static async Task<OidcApp> RegisterAsync(Uri hubUrl, string adminKey, string name = "Wiki", string kind = "confidential", string redirectUri = "https://wiki.example.com/signin-oidc", object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["kind"] = kind,
            ["redirect_uris"] = new[] { redirectUri },
            ["post_logout_redirect_uris"] = new[] { redirectUri.Replace("signin-oidc", "signed-out", StringComparison.Ordinal) },
        };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                body[property.Name] = property.Value;
            }
        }

        using var admin = new HttpClient { BaseAddress = hubUrl };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var response = await admin.PostAsJsonAsync("/api/v1/identity/clients", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var root = JsonDocument.Parse(text).RootElement;
        return new OidcApp(hubUrl, root.GetProperty("client_id").GetString()!, root.TryGetProperty("client_secret", out var s) ? s.GetString() : null, redirectUri);
    }

    /// <summary>An authorization request with PKCE, state and nonce.</summary>
    public (string Url, Pkce Pkce, string State, string Nonce) AuthorizeRequest(string scope = "openid profile email groups offline_access", Dictionary<string, string?>? extra = null)
    {
        var pkce = Pkce.Create();
        var state = Guid.NewGuid().ToString("N");
        var nonce = Guid.NewGuid().ToString("N");
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = ClientId,
            ["redirect_uri"] = RedirectUri,
            ["scope"] = scope,
            ["state"] = state,
            ["nonce"] = nonce,
            ["code_challenge"] = pkce.Challenge,
            ["code_challenge_method"] = "S256",
        };
        foreach (var (k, v) in extra ?? [])
        {
            query[k] = v;
        }

        return (QueryHelpers.AddQueryString("/oidc/authorize", query.Where(q => q.Value is not null).ToDictionary(q => q.Key, q => q.Value)), pkce, state, nonce);
    }

    /// <summary>Posts to the token endpoint (client_secret_basic when the app has a secret); the status and the JSON body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(Dictionary<string, string> form, bool basic = true)
    {
        using var http = new HttpClient { BaseAddress = hubUrl };
        var values = new Dictionary<string, string>(form);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oidc/token");
        if (Secret is not null && basic)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(ClientId)}:{Uri.EscapeDataString(Secret)}")));
        }
        else
        {
            values["client_id"] = ClientId;
            if (Secret is not null)
            {
                values["client_secret"] = Secret;
            }
        }

        request.Content = new FormUrlEncodedContent(values);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> RedeemAsync(string code, Pkce pkce) => TokenAsync(new()
    {
        ["grant_type"] = "authorization_code",
        ["code"] = code,
        ["redirect_uri"] = RedirectUri,
        ["code_verifier"] = pkce.Verifier,
    });

    public Task<(HttpStatusCode Status, JsonElement Body)> RefreshAsync(string refreshToken) => TokenAsync(new()
    {
        ["grant_type"] = "refresh_token",
        ["refresh_token"] = refreshToken,
    });

    public async Task<(HttpStatusCode Status, string Body, string? Challenge)> UserInfoAsync(string accessToken)
    {
        using var http = new HttpClient { BaseAddress = hubUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.GetAsync("/oidc/userinfo");
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.WwwAuthenticate.ToString());
    }

    /// <summary>Checks an id_token as a relying party does: the Hub's JWKS, issuer, audience, lifetime, then returns it.</summary>
    public async Task<JsonWebToken> ValidateIdTokenAsync(string idToken, string? nonce)
    {
        using var http = new HttpClient { BaseAddress = hubUrl };
        var jwks = new JsonWebKeySet(await http.GetStringAsync("/oidc/jwks"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = Issuer.GetLeftPart(UriPartial.Authority),
            ValidAudience = ClientId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidateLifetime = true,
        });
        Assert.True(result.IsValid, "the id_token validates: " + result.Exception);
        var jwt = (JsonWebToken)result.SecurityToken;
        if (nonce is not null)
        {
            Assert.Equal(nonce, jwt.GetPayloadValue<string>("nonce"));
        }

        return jwt;
    }

    /// <summary>The code (and state) from the broker's redirect back to the app.</summary>
    public static (string? Code, string? State, string? Error, string? Iss) Answer(Uri location)
    {
        var query = QueryHelpers.ParseQuery(location.Query);
        string? Get(string name) => query.TryGetValue(name, out var v) ? v.ToString() : null;
        return (Get("code"), Get("state"), Get("error"), Get("iss"));
    }
}
