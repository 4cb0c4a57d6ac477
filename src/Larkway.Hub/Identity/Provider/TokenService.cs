using Larkway.Hub.Directory;
using Larkway.Hub.Identity.Clients;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Identity.Provider;

/// <summary>A successful token response (OpenID Connect Core §3.1.3.3).</summary>
internal sealed record TokenResponse(string AccessToken, int ExpiresIn, string IdToken, string? RefreshToken, string Scope);

/// <summary>What the userinfo endpoint answers: the claims, or why not (RFC 6750 §3.1).</summary>
internal sealed record UserInfoResult(Dictionary<string, object>? Claims, OidcError? Error);

/// <summary>
/// The token, userinfo and revocation endpoints' logic, apart from HTTP. Every refusal is an <see cref="OidcError"/>
/// with the code the RFCs name and a sentence saying what was wrong.
/// </summary>
internal sealed partial class TokenService(
    GrantStore grants,
    PeopleStore people,
    PersonGroups groups,
    AuthorizeService authorize,
    ClientStore clients,
    TokenIssuer issuer,
    IOptions<IdentityOptions> options,
    ILogger<TokenService> logger)
{
    /// <summary>The authorization_code grant (RFC 6749 §4.1.3, RFC 7636 §4.6).</summary>
    public async Task<(TokenResponse? Response, OidcError? Error)> ExchangeCodeAsync(string issuerUrl, ClientRow client, ProtocolParameters form, CancellationToken cancellationToken)
    {
        if (form["code"] is not { } code)
        {
            return (null, OidcError.Request("code is missing."));
        }

        if (form["redirect_uri"] is not { } redirectUri)
        {
            return (null, OidcError.Request("redirect_uri is missing; send the one the authorization request had."));
        }

        var verifier = form["code_verifier"];
        if (verifier is not null && !PkceCheck.IsValidVerifier(verifier))
        {
            return (null, OidcError.Request("code_verifier must be 43–128 characters of A–Z, a–z, 0–9, '-', '.', '_' and '~' (RFC 7636 §4.1)."));
        }

        var row = code.Length <= 256 ? await grants.FindCodeAsync(code, cancellationToken).ConfigureAwait(false) : null;
        if (row is null)
        {
            return (null, OidcError.Grant("The code is not one the Hub issued."));
        }

        if (row.ClientId != client.Id)
        {
            // RFC 9700 §4.5: a client holding another's code means the code leaked; the client it was issued to cannot
            // redeem it any more either (the person signs in again), and anything it issued is revoked.
            await grants.VoidCodeAsync(row, "code_of_another_client", cancellationToken).ConfigureAwait(false);
            LogCodeOfAnotherClient(logger, client.Id, row.ClientId);
            return (null, OidcError.Grant("The code was issued to another client."));
        }

        if (row.RedirectUri != redirectUri)
        {
            return (null, OidcError.Grant("redirect_uri differs from the authorization request's."));
        }

        if (row.CodeChallenge is { } challenge)
        {
            if (verifier is null)
            {
                return (null, OidcError.Grant("code_verifier is missing: the authorization request had a code_challenge."));
            }

            if (!OpaqueToken.Same(PkceCheck.ChallengeOf(verifier), challenge))
            {
                return (null, OidcError.Grant("code_verifier does not match the code_challenge (PKCE)."));
            }
        }
        else if (verifier is not null)
        {
            // RFC 9700 §2.1.1: a verifier for a code asked for without a challenge is a downgrade attempt.
            return (null, OidcError.Grant("code_verifier was sent, but the authorization request had no code_challenge."));
        }

        var offline = IdentityScopes.Has(row.Scope, IdentityScopes.OfflineAccess);
        var (outcome, grant, refresh) = await grants.RedeemCodeAsync(row, offline, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case CodeRedemption.Expired:
                return (null, OidcError.Grant("The code has expired; start the sign-in again."));
            case CodeRedemption.Unknown:
                return (null, OidcError.Grant("The code is not one the Hub issued."));
            case CodeRedemption.Reused:
                LogCodeReused(logger, client.Id);
                return (null, OidcError.Grant("The code was already used; what it issued has been revoked."));
        }

        var person = await people.FindAsync(grant!.PersonId, cancellationToken).ConfigureAwait(false);
        if (person is null || person.Status != PersonStatus.Active)
        {
            await grants.RevokeGrantAsync(grant.Id, "person_inactive", cancellationToken).ConfigureAwait(false);
            return (null, OidcError.Grant("The person's Feishu account is no longer active."));
        }

        return (await IssueAsync(issuerUrl, client, grant, person, grant.Scope, row.Nonce, refresh, cancellationToken).ConfigureAwait(false), null);
    }

    /// <summary>The refresh_token grant (RFC 6749 §6), with rotation and reuse detection.</summary>
    public async Task<(TokenResponse? Response, OidcError? Error)> RefreshAsync(string issuerUrl, ClientRow client, ProtocolParameters form, CancellationToken cancellationToken)
    {
        if (!IdentityScopes.Has(client.AllowedScopes, IdentityScopes.OfflineAccess))
        {
            return (null, new OidcError(OidcError.UnauthorizedClient, "This app may not use refresh tokens: offline_access is not among its allowed scopes."));
        }

        if (form["refresh_token"] is not { } token)
        {
            return (null, OidcError.Request("refresh_token is missing."));
        }

        var found = token.Length <= 256 ? await grants.FindRefreshAsync(token, cancellationToken).ConfigureAwait(false) : null;
        if (found is not var (row, grant))
        {
            return (null, OidcError.Grant("The refresh token is not one the Hub issued."));
        }

        if (row.ClientId != client.Id)
        {
            return (null, OidcError.Grant("The refresh token was issued to another client."));
        }

        var scope = grant.Scope;
        if (form["scope"] is { } asked)
        {
            var granted = IdentityScopes.Split(grant.Scope);
            var wider = IdentityScopes.Split(asked).Where(s => !granted.Contains(s, StringComparer.Ordinal)).ToList();
            if (wider.Count > 0)
            {
                return (null, new OidcError(OidcError.InvalidScope, $"A refresh may only narrow the scope; {string.Join(", ", wider)} was not granted."));
            }

            scope = string.Join(' ', IdentityScopes.Split(asked).Distinct(StringComparer.Ordinal));
            if (!IdentityScopes.Has(scope, IdentityScopes.OpenId))
            {
                return (null, new OidcError(OidcError.InvalidScope, "scope must keep 'openid'."));
            }
        }

        // The person must still be someone who may sign in: active in the directory and allowed for the client.
        var person = await people.FindAsync(grant.PersonId, cancellationToken).ConfigureAwait(false);
        var personGroups = person is null ? [] : await groups.OfAsync(person.Id, cancellationToken).ConfigureAwait(false);
        if (grant.RevokedAt is null && (person is null || person.Status != PersonStatus.Active
            || !await authorize.AllowsAsync(client, person, personGroups, cancellationToken).ConfigureAwait(false)))
        {
            await grants.RevokeGrantAsync(grant.Id, "person_inactive", cancellationToken).ConfigureAwait(false);
            LogRefusedInactive(logger, client.Id, grant.PersonId);
            return (null, OidcError.Grant("The person may no longer sign in to this app (their Feishu account was deactivated, or the app's allowed people changed)."));
        }

        var (outcome, next) = await grants.RotateAsync(row, grant, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case RefreshOutcome.Reused:
                LogRefreshReused(logger, client.Id, grant.PersonId);
                return (null, OidcError.Grant("The refresh token was already used; every token of its sign-in has been revoked. Sign in again."));
            case RefreshOutcome.Revoked:
                return (null, OidcError.Grant("The refresh token was revoked (sign-out, reuse or an administrator). Sign in again."));
            case RefreshOutcome.Expired:
                return (null, OidcError.Grant("The refresh token has expired. Sign in again."));
        }

        return (await IssueAsync(issuerUrl, client, grant, person!, scope, nonce: null, next, cancellationToken).ConfigureAwait(false), null);
    }

    /// <summary>The userinfo endpoint (OpenID Connect Core §5.3): the claims the access token's scope releases.</summary>
    public async Task<UserInfoResult> UserInfoAsync(string issuerUrl, string? accessToken, CancellationToken cancellationToken)
    {
        if (accessToken is null)
        {
            return new UserInfoResult(null, new OidcError(OidcError.InvalidRequest, "Send the access token as 'Authorization: Bearer <token>'.", 401));
        }

        var token = await issuer.ReadAccessTokenAsync(issuerUrl, accessToken, cancellationToken).ConfigureAwait(false);
        if (token is null)
        {
            return new UserInfoResult(null, new OidcError(OidcError.InvalidToken, "The access token is not valid (expired, malformed, or not signed by this Hub).", 401));
        }

        var grant = await grants.FindActiveGrantAsync(token.GrantId, cancellationToken).ConfigureAwait(false);
        var client = grant is null ? null : await clients.FindAsync(grant.ClientId, cancellationToken).ConfigureAwait(false);
        var person = grant is null ? null : await people.FindAsync(grant.PersonId, cancellationToken).ConfigureAwait(false);
        if (grant is null || client is not { Enabled: true } || person is not { Status: PersonStatus.Active })
        {
            return new UserInfoResult(null, new OidcError(OidcError.InvalidToken, "The access token was revoked (sign-out, or the person or app was disabled).", 401));
        }

        if (!IdentityScopes.Has(token.Scope, IdentityScopes.OpenId))
        {
            return new UserInfoResult(null, new OidcError(OidcError.InsufficientScope, "The access token's scope lacks 'openid'.", 403));
        }

        var personGroups = await groups.OfAsync(person.Id, cancellationToken).ConfigureAwait(false);
        return new UserInfoResult(PersonClaims.For(person, personGroups, token.Scope, options.Value), null);
    }

    /// <summary>
    /// Token revocation (RFC 7009): a refresh token or an access token ends its whole grant. An unknown token is
    /// answered as revoked (§2.2); a token of another client is refused.
    /// </summary>
    public async Task<OidcError?> RevokeAsync(string issuerUrl, ClientRow client, ProtocolParameters form, CancellationToken cancellationToken)
    {
        if (form["token"] is not { } token)
        {
            return OidcError.Request("token is missing.");
        }

        var hint = form["token_type_hint"];
        if (hint is not (null or "refresh_token" or "access_token"))
        {
            return new OidcError(OidcError.UnsupportedTokenType, "token_type_hint takes refresh_token or access_token.");
        }

        string? grantId = null;
        string? owner = null;
        if (token.StartsWith(OpaqueToken.RefreshPrefix, StringComparison.Ordinal) && token.Length <= 256
            && await grants.FindRefreshAsync(token, cancellationToken).ConfigureAwait(false) is var (row, grant))
        {
            (grantId, owner) = (grant.Id, row.ClientId);
        }
        else if (await issuer.ReadAccessTokenAsync(issuerUrl, token, cancellationToken).ConfigureAwait(false) is { } access)
        {
            (grantId, owner) = (access.GrantId, access.ClientId);
        }

        if (grantId is null)
        {
            return null;
        }

        if (owner != client.Id)
        {
            return OidcError.Grant("The token was issued to another client.");
        }

        await grants.RevokeGrantAsync(grantId, "revocation", cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async Task<TokenResponse> IssueAsync(string issuerUrl, ClientRow client, GrantRow grant, PersonRow person, string scope, string? nonce, string? refresh, CancellationToken cancellationToken)
    {
        var (accessToken, lifetime) = await issuer.AccessTokenAsync(issuerUrl, grant, scope, cancellationToken).ConfigureAwait(false);
        var personGroups = await groups.OfAsync(person.Id, cancellationToken).ConfigureAwait(false);
        var claims = PersonClaims.For(person, personGroups, scope, options.Value);
        var idToken = await issuer.IdTokenAsync(issuerUrl, client.Id, claims, nonce, grant.AuthTime, grant.Amr, grant.SessionId, accessToken, cancellationToken).ConfigureAwait(false);
        return new TokenResponse(accessToken, (int)lifetime.TotalSeconds, idToken, refresh, scope);
    }

    [LoggerMessage(EventId = LogEvents.IdentityRefreshTokenReused, Level = LogLevel.Warning, Message = "A rotated refresh token of client {ClientId} (person {PersonId}) was presented again; its grant was revoked.")]
    private static partial void LogRefreshReused(ILogger logger, string clientId, string personId);

    [LoggerMessage(EventId = LogEvents.IdentityCodeReused, Level = LogLevel.Warning, Message = "An authorization code of client {ClientId} was presented a second time; what it issued was revoked.")]
    private static partial void LogCodeReused(ILogger logger, string clientId);

    [LoggerMessage(EventId = LogEvents.IdentityCodeOfAnotherClient, Level = LogLevel.Warning, Message = "Client {ClientId} presented an authorization code issued to client {OwnerId}; the code was voided.")]
    private static partial void LogCodeOfAnotherClient(ILogger logger, string clientId, string ownerId);

    [LoggerMessage(EventId = LogEvents.IdentityRefreshRefusedInactive, Level = LogLevel.Information, Message = "Refresh for client {ClientId} refused: person {PersonId} may no longer sign in; the grant was revoked.")]
    private static partial void LogRefusedInactive(ILogger logger, string clientId, string personId);
}
