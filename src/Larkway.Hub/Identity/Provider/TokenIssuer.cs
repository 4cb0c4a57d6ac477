using System.Security.Cryptography;
using System.Text;
using Larkway.Hub.Identity.Keys;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Larkway.Hub.Identity.Provider;

/// <summary>What an access token says, once checked.</summary>
internal sealed record AccessTokenClaims(string Subject, string ClientId, string Scope, string GrantId, string? SessionId);

/// <summary>
/// Signs and checks the broker's JWTs with Microsoft.IdentityModel.JsonWebTokens (no JWT code of our own): id_tokens
/// (<c>typ: JWT</c>) and access tokens (<c>typ: at+jwt</c>, RFC 9068), with the current key from <see cref="SigningKeys"/>.
/// Checking takes every published key, so a token signed just before a rotation still checks after it.
/// </summary>
internal sealed class TokenIssuer(SigningKeys keys, IOptions<IdentityOptions> options, TimeProvider time)
{
    /// <summary>The access token's <c>typ</c> (RFC 9068).</summary>
    public const string AccessTokenType = "at+jwt";

    /// <summary>The claim that names the grant an access token belongs to (revoked with it).</summary>
    public const string GrantClaim = "grant_id";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Signs an id_token for <paramref name="clientId"/>.</summary>
    public async Task<string> IdTokenAsync(string issuer, string clientId, IDictionary<string, object> userClaims, string? nonce, DateTimeOffset authTime, string amr, string sessionId, string? accessToken, CancellationToken cancellationToken)
    {
        var key = await keys.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var claims = new Dictionary<string, object>(userClaims, StringComparer.Ordinal)
        {
            ["auth_time"] = authTime.ToUnixTimeSeconds(),
            ["amr"] = IdentityScopes.Split(amr),
            ["azp"] = clientId,
            ["sid"] = sessionId,
        };
        if (!string.IsNullOrEmpty(nonce))
        {
            claims["nonce"] = nonce;
        }

        if (accessToken is not null)
        {
            claims["at_hash"] = AtHash(accessToken);
        }

        return Sign(key, issuer, clientId, claims, now, options.Value.IdTokenLifetime, JwtConstants.HeaderType);
    }

    /// <summary>Signs an access token of <paramref name="grant"/>, good for the userinfo endpoint (and resource servers that read the JWKS).</summary>
    public async Task<(string Token, TimeSpan Lifetime)> AccessTokenAsync(string issuer, GrantRow grant, string scope, CancellationToken cancellationToken)
    {
        var key = await keys.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var lifetime = options.Value.AccessTokenLifetime;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["sub"] = grant.PersonId,
            ["client_id"] = grant.ClientId,
            ["scope"] = scope,
            ["jti"] = OpaqueToken.NewId(""),
            ["auth_time"] = grant.AuthTime.ToUnixTimeSeconds(),
            ["sid"] = grant.SessionId,
            [GrantClaim] = grant.Id,
        };
        return (Sign(key, issuer, grant.ClientId, claims, now, lifetime, AccessTokenType), lifetime);
    }

    /// <summary>Checks an access token: signature by a published key, issuer, type, lifetime. Null when any of it fails.</summary>
    public async Task<AccessTokenClaims?> ReadAccessTokenAsync(string issuer, string token, CancellationToken cancellationToken)
    {
        var result = await ValidateAsync(issuer, token, AccessTokenType, validateLifetime: true, cancellationToken).ConfigureAwait(false);
        if (result is not { IsValid: true, SecurityToken: JsonWebToken jwt })
        {
            return null;
        }

        return jwt.TryGetPayloadValue<string>("sub", out var sub) && jwt.TryGetPayloadValue<string>("client_id", out var client)
            && jwt.TryGetPayloadValue<string>("scope", out var scope) && jwt.TryGetPayloadValue<string>(GrantClaim, out var grant)
            ? new AccessTokenClaims(sub, client, scope, grant, jwt.TryGetPayloadValue<string>("sid", out var sid) ? sid : null)
            : null;
    }

    /// <summary>
    /// Checks an id_token we issued (an end-session request's <c>id_token_hint</c>): signature and issuer, not its
    /// lifetime (a hint may have expired, as the spec allows). Returns its audience, subject and session, or null.
    /// </summary>
    public async Task<(string ClientId, string Subject, string? SessionId)?> ReadIdTokenHintAsync(string issuer, string token, CancellationToken cancellationToken)
    {
        var result = await ValidateAsync(issuer, token, JwtConstants.HeaderType, validateLifetime: false, cancellationToken).ConfigureAwait(false);
        if (result is not { IsValid: true, SecurityToken: JsonWebToken jwt } || jwt.Audiences.FirstOrDefault() is not { } audience)
        {
            return null;
        }

        return (audience, jwt.Subject, jwt.TryGetPayloadValue<string>("sid", out var sid) ? sid : null);
    }

    /// <summary>The left half of the SHA-256 of the access token, base64url (OpenID Connect Core §3.1.3.6).</summary>
    public static string AtHash(string accessToken)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(accessToken));
        return Base64UrlEncoder.Encode(hash, 0, hash.Length / 2);
    }

    private async Task<TokenValidationResult> ValidateAsync(string issuer, string token, string type, bool validateLifetime, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 16 * 1024 || !Handler.CanReadToken(token))
        {
            return new TokenValidationResult { IsValid = false };
        }

        var published = await keys.PublishedAsync(cancellationToken).ConfigureAwait(false);
        return await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidateAudience = false,
            ValidateLifetime = validateLifetime,
            RequireExpirationTime = true,
            IssuerSigningKeys = published.Select(k => k.Key),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            ValidTypes = [type],
            TryAllIssuerSigningKeys = false,
            ClockSkew = Leeway,

            // The Hub's clock, not the machine's: a test moves it, and the rule is written out here.
            LifetimeValidator = validateLifetime ? (notBefore, expires, _, _) => WithinLifetime(notBefore, expires, time.GetUtcNow()) : null,
        }).ConfigureAwait(false);
    }

    /// <summary>Leeway for the other party's clock when checking a token's times.</summary>
    public static readonly TimeSpan Leeway = TimeSpan.FromSeconds(30);

    /// <summary>Whether a token valid from <paramref name="notBefore"/> until <paramref name="expires"/> is valid at <paramref name="now"/>, give or take <see cref="Leeway"/>.</summary>
    internal static bool WithinLifetime(DateTime? notBefore, DateTime? expires, DateTimeOffset now) =>
        expires is { } exp && now.UtcDateTime < exp.ToUniversalTime() + Leeway
        && (notBefore is not { } nbf || now.UtcDateTime + Leeway >= nbf.ToUniversalTime());

    private static string Sign(SigningKey key, string issuer, string audience, Dictionary<string, object> claims, DateTimeOffset now, TimeSpan lifetime, string type) =>
        Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = key.Credentials,
            TokenType = type,
        });
}
