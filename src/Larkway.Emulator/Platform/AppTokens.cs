using Larkway.Emulator.State;

namespace Larkway.Emulator.Platform;

/// <summary>What a presented app token turned out to be (platforms answer unknown and expired with different codes).</summary>
internal enum AppTokenState
{
    Valid,
    Unknown,
    Expired,
}

/// <summary>An app access token as a platform's token store keeps it.</summary>
internal interface IAppToken<TSelf>
    where TSelf : IAppToken<TSelf>
{
    string Value { get; }

    DateTimeOffset ExpiresAt { get; }

    /// <summary>The same token expiring at <paramref name="expiresAt"/>.</summary>
    TSelf ExpiringAt(DateTimeOffset expiresAt);
}

/// <summary>
/// The app access tokens of DingTalk and WeCom: one current token per app (<typeparamref name="TKey"/>), handed out again
/// while it is valid — with its lifetime renewed where the platform documents that — and a new one minted once it has
/// expired. Expired tokens are remembered for a day so they answer "expired" rather than "unknown". The test controls end
/// tokens early (<see cref="ExpireAll"/>, <see cref="Revoke"/>); the valid ones go to the state file and come back.
/// </summary>
internal abstract class AppTokens<TKey, TToken>(TimeProvider time, StateRevision revision, Func<TToken, TKey> appOf, bool renewWhileValid)
    where TKey : notnull
    where TToken : class, IAppToken<TToken>
{
    private static readonly TimeSpan RememberExpired = TimeSpan.FromDays(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, TToken> _byValue = new(StringComparer.Ordinal);
    private readonly Dictionary<TKey, string> _currentByApp = [];
    private readonly HashSet<string> _revoked = new(StringComparer.Ordinal);

    public abstract TimeSpan Lifetime { get; }

    /// <summary>The app's current token, or a new one from <paramref name="mint"/> (given its expiry) when it has none valid.</summary>
    protected TToken Issue(TKey app, Func<DateTimeOffset, TToken> mint)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_currentByApp.TryGetValue(app, out var value) && _byValue.TryGetValue(value, out var current) && current.ExpiresAt > now)
            {
                if (!renewWhileValid)
                {
                    return current;
                }

                current = current.ExpiringAt(now + Lifetime);
                _byValue[current.Value] = current;
                revision.Advance();
                return current;
            }

            Forget(now);
            var token = mint(now + Lifetime);
            _byValue[token.Value] = token;
            _currentByApp[app] = token.Value;
            revision.Advance();
            return token;
        }
    }

    public (AppTokenState State, TToken? Token) Check(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return (AppTokenState.Unknown, null);
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_revoked.Contains(value) || !_byValue.TryGetValue(value, out var token))
            {
                return (AppTokenState.Unknown, null);
            }

            return token.ExpiresAt > now ? (AppTokenState.Valid, token) : (AppTokenState.Expired, token);
        }
    }

    /// <summary>Test control: every valid token expires now (and is remembered as expired); returns how many were valid.</summary>
    public int ExpireAll()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var valid = _byValue.Values.Where(t => t.ExpiresAt > now).ToList();
            foreach (var token in valid)
            {
                _byValue[token.Value] = token.ExpiringAt(now);
            }

            revision.Advance();
            return valid.Count;
        }
    }

    /// <summary>Test control: every valid token becomes unknown (as if the platform ended it early); returns how many.</summary>
    public int Revoke()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var valid = _byValue.Values.Where(t => t.ExpiresAt > now).ToList();
            foreach (var token in valid)
            {
                _byValue.Remove(token.Value);
                _revoked.Add(token.Value);
            }

            foreach (var app in _currentByApp.Where(p => !_byValue.ContainsKey(p.Value)).Select(p => p.Key).ToList())
            {
                _currentByApp.Remove(app);
            }

            revision.Advance();
            return valid.Count;
        }
    }

    /// <summary>The tokens still valid, for the state file.</summary>
    public IReadOnlyList<TToken> Export()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return [.. _byValue.Values.Where(t => t.ExpiresAt > now)];
        }
    }

    /// <summary>Takes tokens back from the state file; the longest-lived of each app is the one handed out again.</summary>
    public void Restore(IEnumerable<TToken> tokens)
    {
        lock (_gate)
        {
            foreach (var token in tokens)
            {
                _byValue[token.Value] = token;
                var app = appOf(token);
                if (!_currentByApp.TryGetValue(app, out var value) || _byValue[value].ExpiresAt < token.ExpiresAt)
                {
                    _currentByApp[app] = token.Value;
                }
            }
        }
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var old in _byValue.Values.Where(t => t.ExpiresAt + RememberExpired < now).Select(t => t.Value).ToList())
        {
            _byValue.Remove(old);
        }
    }
}
