namespace Larkway.Hub.Identity;

/// <summary>Whether a client can keep a secret (a server-side web app) or not (a single-page or native app).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(Platform.Http.SnakeCaseEnumConverter<ClientKind>))]
public enum ClientKind
{
    /// <summary>Has a secret; authenticates at the token endpoint with client_secret_basic or client_secret_post.</summary>
    Confidential,

    /// <summary>No secret (token endpoint auth <c>none</c>); PKCE is always required.</summary>
    Public,
}

/// <summary>
/// An internal web app registered to sign people in through the Hub (<c>identity_clients</c>). The secret is stored as
/// its SHA-256 hash only: it is 256 random bits, so a fast hash loses nothing to guessing (a slow hash protects short
/// human passwords, which these are not) and the token endpoint checks it in microseconds.
/// </summary>
public sealed class ClientRow
{
    /// <summary>The client_id (<c>lkc_…</c>).</summary>
    public string Id { get; set; } = "";

    /// <summary>What people see on the sign-in page ("Wiki", "Expenses").</summary>
    public string Name { get; set; } = "";

    public ClientKind Kind { get; set; }

    /// <summary>SHA-256 of the secret (base64url); null for a public client.</summary>
    public string? SecretHash { get; set; }

    /// <summary>Redirect URIs, one per line, compared exactly (RFC 9700 §4.1.1).</summary>
    public string RedirectUris { get; set; } = "";

    /// <summary>Where RP-initiated logout may send the browser back, one per line, compared exactly.</summary>
    public string PostLogoutRedirectUris { get; set; } = "";

    /// <summary>Scopes the client may ask for, space-separated (always includes <c>openid</c>).</summary>
    public string AllowedScopes { get; set; } = "";

    /// <summary>
    /// Who may sign in, one per line: a Hub person id (<c>per_…</c>), a union_id (<c>on_…</c>) or an open_id under the
    /// sign-in app (<c>ou_…</c>). Empty together with <see cref="AllowedDepartments"/>: everyone in the tenant.
    /// </summary>
    public string AllowedPeople { get; set; } = "";

    /// <summary>Departments (open_department_id, one per line) whose members may sign in.</summary>
    public string AllowedDepartments { get; set; } = "";

    /// <summary>Whether the authorization request must carry an S256 code_challenge. Always true for public clients.</summary>
    public bool RequirePkce { get; set; } = true;

    /// <summary>A disabled client gets invalid_client everywhere; its refresh tokens stop working.</summary>
    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A person's sign-in at the broker (<c>identity_sessions</c>): the broker's cookie names it. Every app the person signs
/// in to during it gets a code (and maybe a refresh-token family) bound to it; ending it signs the person out of every
/// app at once.
/// </summary>
public sealed class SessionRow
{
    /// <summary>The session id (<c>ses_…</c>), also the id_token's <c>sid</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>The person (<c>per_…</c>).</summary>
    public string PersonId { get; set; } = "";

    /// <summary>How the person proved who they are, space-separated amr values (<c>fed</c>, <c>qr</c>).</summary>
    public string Amr { get; set; } = "";

    /// <summary>When they authenticated at Feishu (the id_token's auth_time).</summary>
    public DateTimeOffset AuthTime { get; set; }

    /// <summary>The session ends then whatever happens.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Set when it was ended (sign-out, an administrator, the person left).</summary>
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Why it ended (<c>sign_out</c>, <c>admin</c>, …).</summary>
    public string? EndedReason { get; set; }

    /// <summary>Where the sign-in came from, for the console.</summary>
    public string? RemoteIp { get; set; }
}

/// <summary>
/// An authorization code (<c>identity_codes</c>), stored as its hash: short-lived, single-use, bound to the client, the
/// redirect URI, the PKCE challenge and the nonce.
/// </summary>
public sealed class AuthorizationCodeRow
{
    /// <summary>SHA-256 of the code (base64url).</summary>
    public string Hash { get; set; } = "";

    public string ClientId { get; set; } = "";

    public string SessionId { get; set; } = "";

    public string PersonId { get; set; } = "";

    public string RedirectUri { get; set; } = "";

    public string Scope { get; set; } = "";

    public string? Nonce { get; set; }

    /// <summary>The S256 challenge, or null when none was sent.</summary>
    public string? CodeChallenge { get; set; }

    public DateTimeOffset AuthTime { get; set; }

    public string Amr { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was redeemed; a second redemption revokes what the first one issued.</summary>
    public DateTimeOffset? ConsumedAt { get; set; }

    /// <summary>The grant the redemption started (to revoke on reuse).</summary>
    public string? GrantId { get; set; }
}

/// <summary>
/// One authorization of one client for one person in one session (<c>identity_grants</c>): the family of its refresh
/// tokens and the access tokens they brought. Revoking it (reuse of a rotated refresh token, sign-out, revocation,
/// the person leaving) ends them all.
/// </summary>
public sealed class GrantRow
{
    /// <summary>The grant id (<c>grt_…</c>), carried by its access tokens.</summary>
    public string Id { get; set; } = "";

    public string ClientId { get; set; } = "";

    public string PersonId { get; set; } = "";

    public string SessionId { get; set; } = "";

    public string Scope { get; set; } = "";

    public DateTimeOffset AuthTime { get; set; }

    public string Amr { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>No refresh token of the family lives past this (the absolute refresh lifetime).</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Why (<c>refresh_token_reuse</c>, <c>code_reuse</c>, <c>sign_out</c>, <c>revocation</c>, <c>person_inactive</c>, …).</summary>
    public string? RevokedReason { get; set; }
}

/// <summary>A refresh token (<c>identity_refresh_tokens</c>), stored as its hash; used once, then rotated.</summary>
public sealed class RefreshTokenRow
{
    /// <summary>SHA-256 of the token (base64url).</summary>
    public string Hash { get; set; } = "";

    public string GrantId { get; set; } = "";

    public string ClientId { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was exchanged for the next one: presenting it again is reuse, and revokes the grant.</summary>
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>
/// A key the broker signs tokens with (<c>identity_signing_keys</c>). The private key is stored protected by the Hub's
/// Data Protection key ring; the public key is published in the JWKS from <see cref="CreatedAt"/> (before it signs, so
/// relying parties' caches have it) until every token it signed has expired.
/// </summary>
public sealed class SigningKeyRow
{
    /// <summary>The JWK <c>kid</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary><c>RS256</c> or <c>ES256</c>.</summary>
    public string Algorithm { get; set; } = "";

    /// <summary>The PKCS#8 private key, protected (<c>dp1:…</c>).</summary>
    public string PrivateKey { get; set; } = "";

    /// <summary>The public JWK as JSON.</summary>
    public string PublicJwk { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>From then on it signs (until a newer key's <see cref="SignFrom"/>).</summary>
    public DateTimeOffset SignFrom { get; set; }
}
