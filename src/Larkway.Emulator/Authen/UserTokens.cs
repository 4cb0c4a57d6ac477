using Larkway.Emulator.State;

namespace Larkway.Emulator.Authen;

/// <summary>Which endpoint family issued a token: v1 (historical OIDC, mini programs) or v2 (authen/v2/oauth/token).</summary>
public enum TokenGeneration
{
    V1,
    V2,
}

/// <summary>One authorization: a user let an app act for them with <paramref name="Scopes"/> at <paramref name="AuthorizedAt"/>.</summary>
public sealed record UserGrant(string GrantId, string AppId, string UserKey, IReadOnlyList<string> Scopes, DateTimeOffset AuthorizedAt);

/// <summary>A user_access_token (<c>u-</c>) of a grant.</summary>
public sealed record UserAccessToken(string Value, string GrantId, IReadOnlyList<string> Scopes, DateTimeOffset ExpiresAt);

/// <summary>A refresh token (<c>ur-</c>): single use; <see cref="AccessToken"/> is the token issued with it.</summary>
public sealed record UserRefreshToken(string Value, string GrantId, IReadOnlyList<string> Scopes, TokenGeneration Generation, DateTimeOffset ExpiresAt, string AccessToken)
{
    public bool Used { get; init; }
}

/// <summary>What one exchange hands out.</summary>
internal sealed record IssuedUserTokens(UserGrant Grant, UserAccessToken Access, UserRefreshToken? Refresh);

/// <summary>
/// User access and refresh tokens. Refresh is single use with rotation: the old refresh token is dead at once, the access
/// token issued with it keeps working for <see cref="RotationGrace"/>. 365 days after the user authorized, refreshing
/// stops (the grant must be renewed by signing in again). Kept in the state file, so a signed-in session survives a restart.
/// </summary>
internal sealed class UserTokenStore(TimeProvider time, StateRevision revision)
{
    public static readonly TimeSpan AccessLifetime = TimeSpan.FromSeconds(7200);
    public static readonly TimeSpan RefreshLifetime = TimeSpan.FromSeconds(604800);
    public static readonly TimeSpan V1RefreshLifetime = TimeSpan.FromDays(30);
    public static readonly TimeSpan RotationGrace = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan AuthorizationCap = TimeSpan.FromDays(365);

    // Lapsed tokens stay a day, so a late call hears "expired" rather than "invalid".
    private static readonly TimeSpan Remembered = TimeSpan.FromDays(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, UserGrant> _grants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserAccessToken> _access = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserRefreshToken> _refresh = new(StringComparer.Ordinal);

    /// <summary>A new authorization of <paramref name="userKey"/> for <paramref name="appId"/> and its first tokens.</summary>
    public IssuedUserTokens Authorize(string appId, string userKey, IReadOnlyList<string> scopes, TokenGeneration generation, bool withRefresh)
    {
        var now = time.GetUtcNow();
        var grant = new UserGrant("grant_" + AuthenIds.Opaque(), appId, userKey, scopes, now);
        lock (_gate)
        {
            Purge(now);
            _grants[grant.GrantId] = grant;
            return IssueLocked(grant, scopes, generation, withRefresh, now);
        }
    }

    /// <summary>
    /// Rotates <paramref name="old"/>: it becomes used, its access token lapses within a minute, and new tokens carry
    /// <paramref name="scopes"/>. Null when another refresh took it first.
    /// </summary>
    public IssuedUserTokens? Rotate(UserRefreshToken old, IReadOnlyList<string> scopes)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_refresh.TryGetValue(old.Value, out var current) || current.Used)
            {
                return null;
            }

            _refresh[old.Value] = current with { Used = true };
            if (_access.TryGetValue(current.AccessToken, out var access) && access.ExpiresAt > now + RotationGrace)
            {
                _access[access.Value] = access with { ExpiresAt = now + RotationGrace };
            }

            return IssueLocked(_grants[current.GrantId], scopes, current.Generation, withRefresh: true, now);
        }
    }

    public (UserGrant Grant, UserAccessToken Token)? FindAccess(string value)
    {
        lock (_gate)
        {
            return _access.TryGetValue(value, out var token) && _grants.TryGetValue(token.GrantId, out var grant) ? (grant, token) : null;
        }
    }

    public (UserGrant Grant, UserRefreshToken Token)? FindRefresh(string value)
    {
        lock (_gate)
        {
            return _refresh.TryGetValue(value, out var token) && _grants.TryGetValue(token.GrantId, out var grant) ? (grant, token) : null;
        }
    }

    /// <summary>When refreshing stops for good: 365 days after the user authorized.</summary>
    public static DateTimeOffset CapOf(UserGrant grant) => grant.AuthorizedAt + AuthorizationCap;

    /// <summary>Whole seconds left, rounded up: a token answered the moment it is issued says its full lifetime (7200).</summary>
    public int SecondsLeft(DateTimeOffset expiresAt) => (int)Math.Max(0, Math.Ceiling((expiresAt - time.GetUtcNow()).TotalSeconds));

    public (IReadOnlyList<UserGrant> Grants, IReadOnlyList<UserAccessToken> Access, IReadOnlyList<UserRefreshToken> Refresh) Export()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var access = _access.Values.Where(t => t.ExpiresAt > now).ToList();
            var refresh = _refresh.Values.Where(t => t.ExpiresAt > now).ToList();
            var live = access.Select(t => t.GrantId).Concat(refresh.Select(t => t.GrantId)).ToHashSet(StringComparer.Ordinal);
            return ([.. _grants.Values.Where(g => live.Contains(g.GrantId))], access, refresh);
        }
    }

    public void Restore(IEnumerable<UserGrant> grants, IEnumerable<UserAccessToken> access, IEnumerable<UserRefreshToken> refresh)
    {
        lock (_gate)
        {
            foreach (var grant in grants)
            {
                _grants[grant.GrantId] = grant;
            }

            foreach (var token in access.Where(t => _grants.ContainsKey(t.GrantId)))
            {
                _access[token.Value] = token;
            }

            foreach (var token in refresh.Where(t => _grants.ContainsKey(t.GrantId)))
            {
                _refresh[token.Value] = token;
            }
        }
    }

    private IssuedUserTokens IssueLocked(UserGrant grant, IReadOnlyList<string> scopes, TokenGeneration generation, bool withRefresh, DateTimeOffset now)
    {
        var access = new UserAccessToken(AuthenIds.AccessToken(), grant.GrantId, scopes, now + AccessLifetime);
        _access[access.Value] = access;
        UserRefreshToken? refresh = null;
        if (withRefresh)
        {
            var lifetime = generation == TokenGeneration.V2 ? RefreshLifetime : V1RefreshLifetime;
            var expires = generation == TokenGeneration.V2 && CapOf(grant) < now + lifetime ? CapOf(grant) : now + lifetime;
            refresh = new UserRefreshToken(AuthenIds.RefreshToken(), grant.GrantId, scopes, generation, expires, access.Value);
            _refresh[refresh.Value] = refresh;
        }

        revision.Advance();
        return new IssuedUserTokens(grant, access, refresh);
    }

    private void Purge(DateTimeOffset now)
    {
        foreach (var key in _access.Where(p => p.Value.ExpiresAt + Remembered < now).Select(p => p.Key).ToList())
        {
            _access.Remove(key);
        }

        foreach (var key in _refresh.Where(p => p.Value.ExpiresAt + Remembered < now).Select(p => p.Key).ToList())
        {
            _refresh.Remove(key);
        }

        var live = _access.Values.Select(t => t.GrantId).Concat(_refresh.Values.Select(t => t.GrantId)).ToHashSet(StringComparer.Ordinal);
        foreach (var key in _grants.Keys.Where(k => !live.Contains(k)).ToList())
        {
            _grants.Remove(key);
        }
    }
}
