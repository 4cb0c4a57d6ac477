using System.Security.Cryptography;
using System.Text;
using Larkway.Feishu.Authen;
using Larkway.Hub.Identity;
using Larkway.Hub.Identity.Keys;
using Larkway.Hub.Identity.Provider;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Larkway.Hub.Tests.Identity;

/// <summary>
/// The broker's keys and JWTs: keys rotate with overlap so no token ever fails to validate, retired keys go once their
/// tokens are dead, private keys are stored protected, and every signature rule holds (tampered, unknown kid, alg none,
/// wrong type, expired).
/// </summary>
public sealed class SigningKeyTests
{
    private static readonly Dictionary<string, string?> FastRotation = new()
    {
        ["Larkway:Identity:KeyRotationInterval"] = "01:00:00",
        ["Larkway:Identity:KeyPrepublish"] = "00:10:00",
        ["Larkway:Identity:AccessTokenLifetime"] = "00:05:00",
        ["Larkway:Identity:IdTokenLifetime"] = "00:05:00",
        ["Larkway:Identity:ClockSkew"] = "00:01:00",
    };

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task Across_eight_rotations_a_relying_party_that_caches_the_JWKS_never_fails_a_validation(string algorithm)
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database, settings: new Dictionary<string, string?>(FastRotation) { ["Larkway:Identity:SigningAlgorithm"] = algorithm });
        var keys = hub.Get<SigningKeys>();
        var issuer = hub.Get<TokenIssuer>();
        var relyingParty = new CachingRelyingParty(keys, hub.Time, refreshEvery: TimeSpan.FromMinutes(30));
        var live = new List<(string Token, DateTimeOffset Expires)>();
        var kids = new HashSet<string>(StringComparer.Ordinal);
        var validations = 0;
        var failures = new List<string>();

        for (var minute = 0; minute < 8 * 60 + 30; minute++)
        {
            if (minute % 10 == 0)
            {
                await keys.RotateAsync(CancellationToken.None);   // the leased job's run
            }

            var token = await issuer.IdTokenAsync(IdentityTestHub.Issuer, "lkc_app", new Dictionary<string, object> { ["sub"] = "per_1" }, null, hub.Time.GetUtcNow(), "fed", "ses_1", null, CancellationToken.None);
            kids.Add(new JsonWebToken(token).Kid);
            live.Add((token, hub.Time.GetUtcNow() + TimeSpan.FromMinutes(5)));
            live.RemoveAll(t => t.Expires <= hub.Time.GetUtcNow());
            foreach (var (t, _) in live)
            {
                validations++;
                if (await relyingParty.ValidateAsync(t) is { } failure)
                {
                    failures.Add($"minute {minute}: {failure}");
                }
            }

            (await keys.PublishedAsync(CancellationToken.None)).Count.ShouldBeLessThanOrEqualTo(3, "at most the retired, the current and the next key");
            hub.Time.Advance(TimeSpan.FromMinutes(1));
        }

        failures.ShouldBeEmpty();
        validations.ShouldBeGreaterThan(2000);
        kids.Count.ShouldBeGreaterThanOrEqualTo(8, "the keys rotated");
    }

    [Fact]
    public async Task The_rotation_job_makes_no_key_before_the_first_is_needed_and_rotates_the_one_first_use_made()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database, settings: FastRotation);
        var keys = hub.Get<SigningKeys>();

        (await keys.RotateAsync(CancellationToken.None)).ShouldBe((false, 0));
        await using (var db = await hub.Get<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            (await db.IdentitySigningKeys.CountAsync()).ShouldBe(0, "a Hub that has not signed anything has no key");
        }

        var first = await keys.CurrentAsync(CancellationToken.None);
        (await keys.PublishedAsync(CancellationToken.None)).Select(k => k.Id).ShouldBe([first.Id]);
        hub.Time.Advance(TimeSpan.FromMinutes(55));
        (await keys.RotateAsync(CancellationToken.None)).Created.ShouldBeTrue("the successor, within KeyPrepublish of the hour");
        (await keys.PublishedAsync(CancellationToken.None)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_retired_key_is_deleted_once_every_token_it_signed_has_expired_and_its_tokens_then_fail()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database, settings: FastRotation);
        var keys = hub.Get<SigningKeys>();
        var first = await keys.CurrentAsync(CancellationToken.None);
        var (token, grant) = await AccessTokenAsync(hub);

        for (var i = 0; i < 15; i++)
        {
            hub.Time.Advance(TimeSpan.FromMinutes(10));
            await keys.RotateAsync(CancellationToken.None);
        }

        (await keys.PublishedAsync(CancellationToken.None)).Select(k => k.Id).ShouldNotContain(first.Id);
        await using var db = await hub.Get<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        (await db.IdentitySigningKeys.AnyAsync(k => k.Id == first.Id)).ShouldBeFalse();
        grant.ShouldNotBeNull();
        (await hub.Get<TokenIssuer>().ReadAccessTokenAsync(IdentityTestHub.Issuer, token, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Private_keys_are_stored_protected_and_the_JWKS_shows_public_members_only()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database);
        var key = await hub.Get<SigningKeys>().CurrentAsync(CancellationToken.None);

        await using var db = await hub.Get<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        var row = await db.IdentitySigningKeys.SingleAsync();
        row.PrivateKey.ShouldStartWith("dp1:");
        var rsa = ((RsaSecurityKey)key.Key).Rsa;
        row.PrivateKey.ShouldNotContain(Convert.ToBase64String(rsa.ExportPkcs8PrivateKey())[..40]);
        var json = SigningKeys.PublicJson(key.PublicJwk);
        json.ShouldContain("\"n\":");
        foreach (var secret in new[] { "\"d\":", "\"p\":", "\"q\":", "\"dp\":", "\"dq\":", "\"qi\":" })
        {
            json.ShouldNotContain(secret);
        }
    }

    [Fact]
    public async Task A_tampered_token_is_refused()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database);
        var (token, _) = await AccessTokenAsync(hub);
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"sub\":\"per_", "\"sub\":\"per_x", StringComparison.Ordinal);
        var tampered = parts[0] + "." + Base64UrlEncoder.Encode(payload) + "." + parts[2];

        (await hub.Get<TokenIssuer>().ReadAccessTokenAsync(IdentityTestHub.Issuer, token, CancellationToken.None)).ShouldNotBeNull();
        (await hub.Get<TokenIssuer>().ReadAccessTokenAsync(IdentityTestHub.Issuer, tampered, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task A_token_signed_with_an_unknown_kid_or_with_alg_none_is_refused()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database);
        await hub.Get<SigningKeys>().CurrentAsync(CancellationToken.None);
        var now = hub.Time.GetUtcNow();
        var claims = new Dictionary<string, object> { ["sub"] = "per_1", ["client_id"] = "lkc_1", ["scope"] = "openid", ["grant_id"] = "grt_1" };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = IdentityTestHub.Issuer,
            Audience = "lkc_1",
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.AddMinutes(5).UtcDateTime,
            TokenType = TokenIssuer.AccessTokenType,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "k-stranger" }, SecurityAlgorithms.RsaSha256),
        };
        var stranger = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"at+jwt\"}");
        var unsigned = header + "." + stranger.Split('.')[1] + ".";

        (await hub.Get<TokenIssuer>().ReadAccessTokenAsync(IdentityTestHub.Issuer, stranger, CancellationToken.None)).ShouldBeNull();
        (await hub.Get<TokenIssuer>().ReadAccessTokenAsync(IdentityTestHub.Issuer, unsigned, CancellationToken.None)).ShouldBeNull();

        // A stranger's key claiming the kid of the published key: verified with the published key only, so refused.
        var current = await hub.Get<SigningKeys>().CurrentAsync(CancellationToken.None);
        descriptor.SigningCredentials = new SigningCredentials(new RsaSecurityKey(RSA.Create(2048)) { KeyId = current.Id }, SecurityAlgorithms.RsaSha256);
        var impostor = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
        (await hub.Get<TokenIssuer>().ReadAccessTokenAsync(IdentityTestHub.Issuer, impostor, CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task An_id_token_is_no_access_token_another_issuers_token_is_refused_and_an_expired_one_too()
    {
        using var database = new TempDatabase();
        await using var hub = new IdentityTestHub(database);
        var issuer = hub.Get<TokenIssuer>();
        var idToken = await issuer.IdTokenAsync(IdentityTestHub.Issuer, "lkc_1", new Dictionary<string, object> { ["sub"] = "per_1" }, null, hub.Time.GetUtcNow(), "fed", "ses_1", null, CancellationToken.None);
        var (token, _) = await AccessTokenAsync(hub);

        (await issuer.ReadAccessTokenAsync(IdentityTestHub.Issuer, idToken, CancellationToken.None)).ShouldBeNull();
        (await issuer.ReadAccessTokenAsync("https://other.example.com", token, CancellationToken.None)).ShouldBeNull();
        (await issuer.ReadIdTokenHintAsync(IdentityTestHub.Issuer, idToken, CancellationToken.None)).ShouldNotBeNull();

        hub.Time.Advance(TimeSpan.FromMinutes(10) + TokenIssuer.Leeway + TimeSpan.FromSeconds(1));
        (await issuer.ReadAccessTokenAsync(IdentityTestHub.Issuer, token, CancellationToken.None)).ShouldBeNull();

        // An id_token_hint may be expired (RP-initiated logout allows it), but it must still be ours.
        (await issuer.ReadIdTokenHintAsync(IdentityTestHub.Issuer, idToken, CancellationToken.None)).ShouldNotBeNull();
    }

    [Fact]
    public void At_hash_is_the_left_half_of_the_SHA256_of_the_access_token()
    {
        // OpenID Connect Core §3.1.3.6, computed independently here.
        const string token = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(token));
        TokenIssuer.AtHash(token).ShouldBe(Convert.ToBase64String(hash, 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
        TokenIssuer.AtHash(token).Length.ShouldBe(22);
    }

    private static async Task<(string Token, GrantRow? Grant)> AccessTokenAsync(IdentityTestHub hub)
    {
        var (client, _) = await hub.ClientAsync();
        var (_, session) = await hub.SignedInAsync();
        var tokens = await hub.TokensAsync(client, session);
        var claims = await hub.Get<TokenIssuer>().ReadAccessTokenAsync(IdentityTestHub.Issuer, tokens!.AccessToken, CancellationToken.None);
        return (tokens.AccessToken, claims is null ? null : await hub.Get<GrantStore>().FindGrantAsync(claims.GrantId, CancellationToken.None));
    }

    /// <summary>A relying party as libraries behave: a cached JWKS, fetched again on a schedule and on an unknown kid.</summary>
    private sealed class CachingRelyingParty(SigningKeys keys, TimeProvider time, TimeSpan refreshEvery)
    {
        private JsonWebKeySet? _jwks;
        private DateTimeOffset _fetchedAt;

        public async Task<string?> ValidateAsync(string token)
        {
            var now = time.GetUtcNow();
            if (_jwks is null || now - _fetchedAt >= refreshEvery)
            {
                await FetchAsync();
            }

            var kid = new JsonWebToken(token).Kid;
            if (!_jwks!.Keys.Any(k => k.Kid == kid))
            {
                await FetchAsync();
            }

            var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
            {
                ValidIssuer = IdentityTestHub.Issuer,
                ValidAudience = "lkc_app",
                IssuerSigningKeys = _jwks.GetSigningKeys(),
                LifetimeValidator = (nbf, exp, _, _) => TokenIssuer.WithinLifetime(nbf, exp, time.GetUtcNow()),
            });
            return result.IsValid ? null : $"{kid}: {result.Exception?.GetType().Name}";
        }

        private async Task FetchAsync()
        {
            var published = await keys.PublishedAsync(CancellationToken.None);
            _jwks = new JsonWebKeySet("{\"keys\":[" + string.Join(',', published.Select(k => SigningKeys.PublicJson(k.PublicJwk))) + "]}");
            _fetchedAt = time.GetUtcNow();
        }
    }
}
