using Larkway.Emulator.State;

namespace Larkway.Emulator.Platform;

internal enum TokenKind
{
    Tenant,
    App,
}

internal sealed record IssuedToken(string Value, string AppId, TokenKind Kind, DateTimeOffset ExpiresAt);

/// <summary>
/// tenant/app access tokens with the documented refresh rule: a token with ≥ 30 min left is handed
/// out again (with a smaller <c>expire</c>); with less left a new one is minted and the old one
/// stays valid until its own expiry, so two valid tokens coexist.
/// </summary>
internal sealed class TokenStore(TimeProvider time, StateRevision revision)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(7200);
    public static readonly TimeSpan ReuseThreshold = TimeSpan.FromMinutes(30);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, IssuedToken> _byValue = new(StringComparer.Ordinal);
    private readonly Dictionary<(string AppId, TokenKind Kind), IssuedToken> _current = [];

    public IssuedToken Issue(string appId, TokenKind kind)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_current.TryGetValue((appId, kind), out var current) && current.ExpiresAt - now >= ReuseThreshold)
            {
                return current;
            }

            PurgeExpired(now);
            var value = kind == TokenKind.Tenant ? Ids.TenantToken() : Ids.AppToken();
            var token = new IssuedToken(value, appId, kind, now + Lifetime);
            _byValue[value] = token;
            _current[(appId, kind)] = token;
            revision.Advance();
            return token;
        }
    }

    public int SecondsLeft(IssuedToken token) => (int)Math.Max(0, Math.Floor((token.ExpiresAt - time.GetUtcNow()).TotalSeconds));

    public IssuedToken? Find(string value)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return _byValue.TryGetValue(value, out var token) && token.ExpiresAt > now ? token : null;
        }
    }

    /// <summary>Test control: every token issued so far is expired as of now.</summary>
    public int ExpireAll()
    {
        lock (_gate)
        {
            var count = _byValue.Count;
            _byValue.Clear();
            _current.Clear();
            revision.Advance();
            return count;
        }
    }

    /// <summary>The tokens still valid, for the state file: a client's cached token keeps working across a restart.</summary>
    public IReadOnlyList<IssuedToken> Export()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return [.. _byValue.Values.Where(t => t.ExpiresAt > now)];
        }
    }

    /// <summary>Takes tokens back from the state file; the newest of each app and kind is the one handed out again.</summary>
    public void Restore(IEnumerable<IssuedToken> tokens)
    {
        lock (_gate)
        {
            foreach (var token in tokens)
            {
                _byValue[token.Value] = token;
                if (!_current.TryGetValue((token.AppId, token.Kind), out var current) || current.ExpiresAt < token.ExpiresAt)
                {
                    _current[(token.AppId, token.Kind)] = token;
                }
            }
        }
    }

    private void PurgeExpired(DateTimeOffset now)
    {
        foreach (var expired in _byValue.Where(pair => pair.Value.ExpiresAt <= now).Select(pair => pair.Key).ToList())
        {
            _byValue.Remove(expired);
        }
    }
}
