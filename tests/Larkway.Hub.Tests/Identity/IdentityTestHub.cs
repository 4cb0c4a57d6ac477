using Larkway.Hub.AdminConsole.Auth;
using Larkway.Hub.Directory;
using Larkway.Hub.Identity;
using Larkway.Hub.Identity.Clients;
using Larkway.Hub.Identity.Keys;
using Larkway.Hub.Identity.Provider;
using Larkway.Hub.Identity.Sessions;
using Larkway.Hub.Identity.SignIn;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Identity;

/// <summary>The broker's services on a database with a clock the test moves; Feishu is not needed below the sign-in page.</summary>
internal sealed class IdentityTestHub : IAsyncDisposable
{
    public const string Issuer = "https://hub.example.com";
    public const string RedirectUri = "https://wiki.example.com/signin-oidc";

    private readonly HubServices _services;

    public IdentityTestHub(IHubTestDatabase database, ManualTimeProvider? time = null, IDictionary<string, string?>? settings = null)
    {
        Time = time ?? new ManualTimeProvider(DateTimeOffset.UtcNow);
        _services = new HubServices(database, Time, settings: settings, services: s =>
        {
            s.AddSingleton<ConsoleSessions>();
            s.AddSingleton<IAuditLog, DbAuditLog>();
            s.AddHubDirectory();
            s.AddHubIdentity(Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(new Microsoft.Extensions.Configuration.ConfigurationBuilder(), settings ?? new Dictionary<string, string?>()).Build());
        });
    }

    public ManualTimeProvider Time { get; }

    public IServiceProvider Provider => _services.Provider;

    public T Get<T>()
        where T : notnull => Provider.GetRequiredService<T>();

    /// <summary>A confidential client (PKCE required) and its secret.</summary>
    public async Task<(ClientRow Client, string Secret)> ClientAsync(ClientRequest? request = null)
    {
        var result = await Get<ClientService>().CreateAsync(request ?? new ClientRequest { Name = "Wiki", RedirectUris = [RedirectUri] }, CancellationToken.None);
        result.Problems.ShouldBeEmpty();
        return (result.Client!, result.Secret ?? "");
    }

    /// <summary>A person Feishu showed, with a live broker session.</summary>
    public async Task<(PersonRow Person, SessionRow Session)> SignedInAsync(string openId = "ou_alice", string? email = "alice@example.com", string? unionId = "on_alice", string? userId = "u_alice")
    {
        var person = await Get<PeopleStore>().RecordSeenAsync(new FeishuPersonSeen("", "tenant_1", openId, unionId, userId, "Alice") { Email = email });
        var session = await Get<SessionStore>().CreateAsync(person.Id, "fed", "127.0.0.1", CancellationToken.None);
        return (person, session);
    }

    /// <summary>An authorization request's parameters for <paramref name="client"/>.</summary>
    public static ProtocolParameters Request(ClientRow client, Larkway.Feishu.Authen.Pkce? pkce, string scope = "openid profile email offline_access", params (string Key, string? Value)[] extra)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["response_type"] = "code",
            ["client_id"] = client.Id,
            ["redirect_uri"] = RedirectUri,
            ["scope"] = scope,
            ["state"] = "st-1",
            ["nonce"] = "n-1",
        };
        if (pkce is not null)
        {
            values["code_challenge"] = pkce.Challenge;
            values["code_challenge_method"] = "S256";
        }

        foreach (var (key, value) in extra)
        {
            if (value is null)
            {
                values.Remove(key);
            }
            else
            {
                values[key] = value;
            }
        }

        return ProtocolParameters.Of(values);
    }

    /// <summary>Runs the authorization endpoint with a session and returns the code it redirected with.</summary>
    public async Task<string> CodeAsync(ClientRow client, SessionRow session, Larkway.Feishu.Authen.Pkce? pkce, string scope = "openid profile email offline_access")
    {
        var outcome = await Get<AuthorizeService>().AuthorizeAsync(Issuer, Request(client, pkce, scope), session, freshSignIn: false, CancellationToken.None);
        var redirect = outcome.ShouldBeOfType<AuthorizeOutcome.Redirect>();
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(redirect.Location).Query);
        query["state"].ToString().ShouldBe("st-1");
        query["iss"].ToString().ShouldBe(Issuer);
        return query["code"].ToString();
    }

    /// <summary>A code for <paramref name="client"/> in <paramref name="session"/>, redeemed with its PKCE verifier: the app's tokens.</summary>
    public async Task<TokenResponse> TokensAsync(ClientRow client, SessionRow session, string scope = "openid profile email offline_access")
    {
        var pkce = Larkway.Feishu.Authen.Pkce.Create();
        var (tokens, error) = await RedeemAsync(client, await CodeAsync(client, session, pkce, scope), pkce.Verifier);
        error.ShouldBeNull();
        return tokens!;
    }

    public static ProtocolParameters Form(params (string Key, string Value)[] values) => ProtocolParameters.Of(values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal));

    public Task<(TokenResponse? Response, OidcError? Error)> RedeemAsync(ClientRow client, string code, string? verifier, string redirectUri = RedirectUri)
    {
        var form = new List<(string, string)> { ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectUri) };
        if (verifier is not null)
        {
            form.Add(("code_verifier", verifier));
        }

        return Get<TokenService>().ExchangeCodeAsync(Issuer, client, Form([.. form]), CancellationToken.None);
    }

    public Task<(TokenResponse? Response, OidcError? Error)> RefreshAsync(ClientRow client, string refreshToken, string? scope = null) =>
        Get<TokenService>().RefreshAsync(Issuer, client, scope is null
            ? Form(("grant_type", "refresh_token"), ("refresh_token", refreshToken))
            : Form(("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("scope", scope)), CancellationToken.None);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
