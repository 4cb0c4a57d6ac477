using Larkway.Feishu.Authen;
using Larkway.Hub.Directory;
using Larkway.Hub.Identity.Provider;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Tests.Identity;

/// <summary>
/// The token endpoint's rules over the real stores (SQLite and PostgreSQL): codes are single-use, short-lived and bound
/// to the client, the redirect URI and the PKCE challenge; refresh tokens rotate, and a rotated one presented again
/// revokes its whole family; a person who is no longer active loses the app at the next refresh.
/// </summary>
public abstract class TokenEndpointTests
{
    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task A_code_with_the_right_verifier_gives_tokens_for_the_person()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (person, session) = await hub.SignedInAsync();
        var pkce = Pkce.Create();

        var (tokens, error) = await hub.RedeemAsync(client, await hub.CodeAsync(client, session, pkce), pkce.Verifier);

        error.ShouldBeNull();
        tokens!.RefreshToken.ShouldNotBeNull().ShouldStartWith("lkrt_");
        tokens.Scope.ShouldBe("openid profile email offline_access");
        var claims = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(tokens.IdToken);
        claims.Subject.ShouldBe(person.Id);
        claims.GetPayloadValue<string>("nonce").ShouldBe("n-1");
        claims.GetPayloadValue<string>("sid").ShouldBe(session.Id);
        claims.GetPayloadValue<string>("at_hash").ShouldBe(TokenIssuer.AtHash(tokens.AccessToken));
    }

    [Fact]
    public async Task A_wrong_or_missing_verifier_is_invalid_grant_and_leaves_the_code_for_the_real_client()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (_, session) = await hub.SignedInAsync();
        var pkce = Pkce.Create();
        var code = await hub.CodeAsync(client, session, pkce);

        (await hub.RedeemAsync(client, code, Pkce.Create().Verifier)).Error!.Error.ShouldBe(OidcError.InvalidGrant);
        (await hub.RedeemAsync(client, code, null)).Error!.Error.ShouldBe(OidcError.InvalidGrant);
        (await hub.RedeemAsync(client, code, "short")).Error!.Error.ShouldBe(OidcError.InvalidRequest);
        (await hub.RedeemAsync(client, code, pkce.Verifier)).Response.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_verifier_for_a_code_asked_for_without_a_challenge_is_refused_as_a_downgrade()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync(new() { Name = "Legacy", RedirectUris = [IdentityTestHub.RedirectUri], RequirePkce = false });
        var (_, session) = await hub.SignedInAsync();
        var code = await hub.CodeAsync(client, session, pkce: null);

        (await hub.RedeemAsync(client, code, Pkce.Create().Verifier)).Error!.Error.ShouldBe(OidcError.InvalidGrant);
        (await hub.RedeemAsync(client, code, null)).Response.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_reused_code_is_refused_and_revokes_what_the_first_redemption_issued()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (_, session) = await hub.SignedInAsync();
        var pkce = Pkce.Create();
        var code = await hub.CodeAsync(client, session, pkce);
        var (first, _) = await hub.RedeemAsync(client, code, pkce.Verifier);

        var (second, error) = await hub.RedeemAsync(client, code, pkce.Verifier);

        second.ShouldBeNull();
        error!.Error.ShouldBe(OidcError.InvalidGrant);
        (await hub.RefreshAsync(client, first!.RefreshToken!)).Error!.Error.ShouldBe(OidcError.InvalidGrant);
        (await hub.Get<TokenService>().UserInfoAsync(IdentityTestHub.Issuer, first.AccessToken, CancellationToken.None)).Error!.Error.ShouldBe(OidcError.InvalidToken);
    }

    [Fact]
    public async Task An_expired_code_is_refused()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (_, session) = await hub.SignedInAsync();
        var pkce = Pkce.Create();
        var code = await hub.CodeAsync(client, session, pkce);

        hub.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));

        var (_, error) = await hub.RedeemAsync(client, code, pkce.Verifier);
        error!.Error.ShouldBe(OidcError.InvalidGrant);
        error.Description.ShouldContain("expired");
    }

    [Fact]
    public async Task A_wrong_redirect_uri_or_another_clients_code_is_refused()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (other, _) = await hub.ClientAsync(new() { Name = "Other", RedirectUris = [IdentityTestHub.RedirectUri] });
        var (_, session) = await hub.SignedInAsync();
        var pkce = Pkce.Create();
        var code = await hub.CodeAsync(client, session, pkce);

        (await hub.RedeemAsync(client, code, pkce.Verifier, "https://wiki.example.com/signin-oidc/")).Error!.Error.ShouldBe(OidcError.InvalidGrant);
        (await hub.RedeemAsync(other, code, pkce.Verifier)).Error!.Error.ShouldBe(OidcError.InvalidGrant);
        (await hub.RedeemAsync(client, "lkac_unknown", pkce.Verifier)).Error!.Error.ShouldBe(OidcError.InvalidGrant);
    }

    [Fact]
    public async Task A_code_presented_by_another_client_is_voided_for_its_own_client_too()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (other, _) = await hub.ClientAsync(new() { Name = "Other", RedirectUris = [IdentityTestHub.RedirectUri] });
        var (_, session) = await hub.SignedInAsync();
        var pkce = Pkce.Create();
        var code = await hub.CodeAsync(client, session, pkce);

        // The other client holds the code: it has leaked, so nobody redeems it (RFC 9700 §4.5).
        (await hub.RedeemAsync(other, code, pkce.Verifier)).Error!.Description.ShouldContain("another client");
        var (tokens, error) = await hub.RedeemAsync(client, code, pkce.Verifier);
        tokens.ShouldBeNull();
        error!.Error.ShouldBe(OidcError.InvalidGrant);

        // A code already redeemed and then presented by another client: what it issued is revoked.
        var second = Pkce.Create();
        var redeemedCode = await hub.CodeAsync(client, session, second);
        var (issued, _) = await hub.RedeemAsync(client, redeemedCode, second.Verifier);
        (await hub.RedeemAsync(other, redeemedCode, second.Verifier)).Error!.Error.ShouldBe(OidcError.InvalidGrant);
        (await hub.RefreshAsync(client, issued!.RefreshToken!)).Error!.Error.ShouldBe(OidcError.InvalidGrant);
    }

    [Fact]
    public async Task A_replayed_refresh_token_revokes_the_whole_family()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (_, session) = await hub.SignedInAsync();
        var tokens = await hub.TokensAsync(client, session);

        var (rotated, _) = await hub.RefreshAsync(client, tokens!.RefreshToken!);
        rotated!.RefreshToken.ShouldNotBe(tokens.RefreshToken);

        // The attacker (or a confused client) presents the first token again: both copies die, and the access token too.
        (await hub.RefreshAsync(client, tokens.RefreshToken!)).Error!.Error.ShouldBe(OidcError.InvalidGrant);
        (await hub.RefreshAsync(client, rotated.RefreshToken!)).Error!.Error.ShouldBe(OidcError.InvalidGrant);
        (await hub.Get<TokenService>().UserInfoAsync(IdentityTestHub.Issuer, rotated.AccessToken, CancellationToken.None)).Error!.Error.ShouldBe(OidcError.InvalidToken);
    }

    [Fact]
    public async Task Two_refreshes_with_one_token_at_once_cannot_both_succeed()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (_, session) = await hub.SignedInAsync();
        var tokens = await hub.TokensAsync(client, session);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => hub.RefreshAsync(client, tokens!.RefreshToken!))));

        results.Count(r => r.Response is not null).ShouldBeLessThanOrEqualTo(1);
        results.Count(r => r.Error is not null).ShouldBeGreaterThanOrEqualTo(5);
    }

    [Fact]
    public async Task A_refresh_may_narrow_the_scope_but_not_widen_it()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (_, session) = await hub.SignedInAsync();
        var tokens = await hub.TokensAsync(client, session, "openid email offline_access");

        (await hub.RefreshAsync(client, tokens!.RefreshToken!, "openid profile")).Error!.Error.ShouldBe(OidcError.InvalidScope);
        var (narrowed, _) = await hub.RefreshAsync(client, tokens.RefreshToken!, "openid");
        narrowed!.Scope.ShouldBe("openid");
    }

    [Fact]
    public async Task Refresh_is_refused_once_the_person_is_no_longer_active_in_the_directory()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (person, session) = await hub.SignedInAsync();
        var tokens = await hub.TokensAsync(client, session);

        var contexts = hub.Get<IDbContextFactory<HubDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            await db.People.Where(p => p.Id == person.Id).ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, PersonStatus.Resigned));
        }

        (await hub.RefreshAsync(client, tokens!.RefreshToken!)).Error!.Error.ShouldBe(OidcError.InvalidGrant);
        (await hub.Get<TokenService>().UserInfoAsync(IdentityTestHub.Issuer, tokens.AccessToken, CancellationToken.None)).Error!.Error.ShouldBe(OidcError.InvalidToken);
    }

    [Fact]
    public async Task An_app_not_allowed_offline_access_gets_no_refresh_token_and_may_not_refresh()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync(new() { Name = "Online", RedirectUris = [IdentityTestHub.RedirectUri], Scopes = ["openid", "profile"] });
        var (_, session) = await hub.SignedInAsync();
        var pkce = Pkce.Create();

        var (tokens, _) = await hub.RedeemAsync(client, await hub.CodeAsync(client, session, pkce, "openid profile"), pkce.Verifier);

        tokens!.RefreshToken.ShouldBeNull();
        (await hub.RefreshAsync(client, "lkrt_anything")).Error!.Error.ShouldBe(OidcError.UnauthorizedClient);
    }

    [Fact]
    public async Task Refresh_tokens_lapse_after_their_idle_lifetime()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (_, session) = await hub.SignedInAsync();
        var tokens = await hub.TokensAsync(client, session);

        hub.Time.Advance(TimeSpan.FromDays(15));

        (await hub.RefreshAsync(client, tokens!.RefreshToken!)).Error!.Description.ShouldContain("expired");
    }

    [Fact]
    public async Task Ending_a_session_revokes_every_grant_made_in_it()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new IdentityTestHub(database);
        var (wiki, _) = await hub.ClientAsync();
        var (expenses, _) = await hub.ClientAsync(new() { Name = "Expenses", RedirectUris = [IdentityTestHub.RedirectUri] });
        var (person, session) = await hub.SignedInAsync();
        var a = await hub.TokensAsync(wiki, session);
        var b = await hub.TokensAsync(expenses, session);

        (await hub.Get<Larkway.Hub.Identity.Sessions.SessionStore>().EndPersonAsync(person.Id, "admin", CancellationToken.None)).ShouldBe(1);

        (await hub.RefreshAsync(wiki, a!.RefreshToken!)).Error!.Error.ShouldBe(OidcError.InvalidGrant);
        (await hub.RefreshAsync(expenses, b!.RefreshToken!)).Error!.Error.ShouldBe(OidcError.InvalidGrant);
        (await hub.Get<Larkway.Hub.Identity.Sessions.SessionStore>().FindActiveAsync(session.Id, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Revoking_a_refresh_token_ends_its_grant_and_another_clients_token_is_refused()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new IdentityTestHub(database);
        var (client, _) = await hub.ClientAsync();
        var (other, _) = await hub.ClientAsync(new() { Name = "Other", RedirectUris = [IdentityTestHub.RedirectUri] });
        var (_, session) = await hub.SignedInAsync();
        var tokens = await hub.TokensAsync(client, session);
        var tokenService = hub.Get<TokenService>();

        (await tokenService.RevokeAsync(IdentityTestHub.Issuer, other, IdentityTestHub.Form(("token", tokens!.RefreshToken!)), CancellationToken.None))!.Error.ShouldBe(OidcError.InvalidGrant);
        (await tokenService.RevokeAsync(IdentityTestHub.Issuer, client, IdentityTestHub.Form(("token", "lkrt_unknown")), CancellationToken.None)).ShouldBeNull();
        (await tokenService.RevokeAsync(IdentityTestHub.Issuer, client, IdentityTestHub.Form(("token", "x"), ("token_type_hint", "id_token")), CancellationToken.None))!.Error.ShouldBe(OidcError.UnsupportedTokenType);
        (await tokenService.RevokeAsync(IdentityTestHub.Issuer, client, IdentityTestHub.Form(("token", tokens.RefreshToken!)), CancellationToken.None)).ShouldBeNull();

        (await hub.RefreshAsync(client, tokens.RefreshToken!)).Error!.Error.ShouldBe(OidcError.InvalidGrant);
    }
}

public sealed class SqliteTokenEndpointTests : TokenEndpointTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresTokenEndpointTests(PostgresCluster cluster) : TokenEndpointTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
