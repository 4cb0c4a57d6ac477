using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.DingTalk.Platform;

/// <summary>What a presented token turned out to be; old-API answers tell <see cref="Unknown"/> from <see cref="Expired"/>.</summary>
internal enum DingTalkTokenState
{
    Valid,
    Unknown,
    Expired,
}

/// <summary>A DingTalk app access token and when it stops working.</summary>
internal sealed record DingTalkToken(string Value, string AppKey, DateTimeOffset ExpiresAt);

/// <summary>
/// One access token per app, valid on both hosts (DingTalk accepts the new API's token on oapi too, so one value keeps
/// clients of either API honest). Documented: fetching again while the token is valid returns the same token and renews
/// its lifetime ("有效期内重复获取返回相同结果，并自动续期"). Expired tokens are remembered (for a day) so oapi can
/// answer 42001 "expired" rather than 40014 "unknown".
/// </summary>
internal sealed class DingTalkTokens(TimeProvider time, EmulatorOptions options, StateRevision revision)
{
    private static readonly TimeSpan RememberExpired = TimeSpan.FromDays(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DingTalkToken> _byValue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _currentByApp = new(StringComparer.Ordinal);

    public TimeSpan Lifetime => options.DingTalkTokenLifetime;

    public DingTalkToken Issue(string appKey)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            DingTalkToken token;
            if (_currentByApp.TryGetValue(appKey, out var value) && _byValue.TryGetValue(value, out var current) && current.ExpiresAt > now)
            {
                token = current with { ExpiresAt = now + Lifetime };
            }
            else
            {
                Forget(now);
                token = new DingTalkToken(Ids.Hex(32), appKey, now + Lifetime);
                _currentByApp[appKey] = token.Value;
            }

            _byValue[token.Value] = token;
            revision.Advance();
            return token;
        }
    }

    public (DingTalkTokenState State, DingTalkToken? Token) Check(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return (DingTalkTokenState.Unknown, null);
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_byValue.TryGetValue(value, out var token))
            {
                return (DingTalkTokenState.Unknown, null);
            }

            return token.ExpiresAt > now ? (DingTalkTokenState.Valid, token) : (DingTalkTokenState.Expired, token);
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
                _byValue[token.Value] = token with { ExpiresAt = now };
            }

            revision.Advance();
            return valid.Count;
        }
    }

    /// <summary>The tokens still valid, for the state file.</summary>
    public IReadOnlyList<DingTalkToken> Export()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return [.. _byValue.Values.Where(t => t.ExpiresAt > now)];
        }
    }

    /// <summary>Takes tokens back from the state file; the longest-lived of each app is the one handed out again.</summary>
    public void Restore(IEnumerable<DingTalkToken> tokens)
    {
        lock (_gate)
        {
            foreach (var token in tokens)
            {
                _byValue[token.Value] = token;
                if (!_currentByApp.TryGetValue(token.AppKey, out var value) || _byValue[value].ExpiresAt < token.ExpiresAt)
                {
                    _currentByApp[token.AppKey] = token.Value;
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
