using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

namespace Larkway.Emulator.WeCom.Platform;

/// <summary>What a presented token turned out to be: unknown answers 40014, expired 42001.</summary>
internal enum WeComTokenState
{
    Valid,
    Unknown,
    Expired,
}

/// <summary>A WeCom access token of one app and when it stops working.</summary>
internal sealed record WeComToken(string Value, string CorpId, long AgentId, DateTimeOffset ExpiresAt);

/// <summary>
/// One access token per app. While it is valid, <c>gettoken</c> hands out the same token with its remaining lifetime (the
/// documentation asks clients to cache it and not to call gettoken often; "expires_in" tells how long is left). Expired
/// tokens are remembered for a day so they answer 42001 rather than 40014; <see cref="ExpireAll"/> and
/// <see cref="Revoke"/> model WeCom ending tokens early ("企业微信可能会出于运营需要，提前使access_token失效").
/// </summary>
internal sealed class WeComTokens(TimeProvider time, EmulatorOptions options, StateRevision revision)
{
    private static readonly TimeSpan RememberExpired = TimeSpan.FromDays(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, WeComToken> _byValue = new(StringComparer.Ordinal);
    private readonly Dictionary<long, string> _currentByAgent = [];
    private readonly HashSet<string> _revoked = new(StringComparer.Ordinal);

    public TimeSpan Lifetime => options.WeComTokenLifetime;

    public WeComToken Issue(string corpId, long agentId)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_currentByAgent.TryGetValue(agentId, out var value) && _byValue.TryGetValue(value, out var current) && current.ExpiresAt > now)
            {
                return current;
            }

            Forget(now);
            var token = new WeComToken(WeComIds.AccessToken(), corpId, agentId, now + Lifetime);
            _byValue[token.Value] = token;
            _currentByAgent[agentId] = token.Value;
            revision.Advance();
            return token;
        }
    }

    public (WeComTokenState State, WeComToken? Token) Check(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return (WeComTokenState.Unknown, null);
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_revoked.Contains(value) || !_byValue.TryGetValue(value, out var token))
            {
                return (WeComTokenState.Unknown, null);
            }

            return token.ExpiresAt > now ? (WeComTokenState.Valid, token) : (WeComTokenState.Expired, token);
        }
    }

    /// <summary>Test control: every valid token expires now (later calls with them answer 42001); returns how many were valid.</summary>
    public int ExpireAll()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var valid = _byValue.Values.Where(t => t.ExpiresAt > now).ToList();
            foreach (var token in valid)
            {
                _byValue[token.Value] = token with { ExpiresAt = now };
            }

            revision.Advance();
            return valid.Count;
        }
    }

    /// <summary>Test control: every valid token becomes unknown (later calls with them answer 40014); returns how many.</summary>
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

            foreach (var agent in _currentByAgent.Where(p => !_byValue.ContainsKey(p.Value)).Select(p => p.Key).ToList())
            {
                _currentByAgent.Remove(agent);
            }

            revision.Advance();
            return valid.Count;
        }
    }

    /// <summary>The tokens still valid, for the state file.</summary>
    public IReadOnlyList<WeComToken> Export()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return [.. _byValue.Values.Where(t => t.ExpiresAt > now)];
        }
    }

    /// <summary>Takes tokens back from the state file; the longest-lived of each app is the one handed out again.</summary>
    public void Restore(IEnumerable<WeComToken> tokens)
    {
        lock (_gate)
        {
            foreach (var token in tokens)
            {
                _byValue[token.Value] = token;
                if (!_currentByAgent.TryGetValue(token.AgentId, out var value) || _byValue[value].ExpiresAt < token.ExpiresAt)
                {
                    _currentByAgent[token.AgentId] = token.Value;
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
