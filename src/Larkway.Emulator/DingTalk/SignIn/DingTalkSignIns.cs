using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Larkway.Emulator.DingTalk.SignIn;

/// <summary>An authCode the login page handed out: for one app and one person, spent by its first exchange.</summary>
internal sealed record DingTalkAuthCode(string Value, string AppKey, string UserId, bool CorpIdScope, DateTimeOffset ExpiresAt);

/// <summary>A person's user access token: it reads only that person (<c>/v1.0/contact/users/me</c>).</summary>
internal sealed record DingTalkUserAccessToken(string Value, string AppKey, string UserId, DateTimeOffset ExpiresAt);

/// <summary>
/// The login's short-lived state: authCodes (single use, 5 minutes — DingTalk documents a temporary code; the exact life is
/// not stated, so the Emulator keeps it short) and user access tokens (7,200 s, as the token answer says). In memory only:
/// a restart signs everyone out, as codes and tokens of a real tenant outlive nothing of the Emulator's.
/// </summary>
internal sealed class DingTalkSignIns(TimeProvider time)
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(7200);

    private readonly ConcurrentDictionary<string, DingTalkAuthCode> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DingTalkUserAccessToken> _tokens = new(StringComparer.Ordinal);

    public DingTalkAuthCode MintCode(string appKey, string userId, bool corpIdScope)
    {
        var code = new DingTalkAuthCode(Random(), appKey, userId, corpIdScope, time.GetUtcNow() + CodeLifetime);
        _codes[code.Value] = code;
        return code;
    }

    /// <summary>The code, removed whatever happens next (a code is spent by any exchange), or null when unknown or expired.</summary>
    public DingTalkAuthCode? Spend(string value) =>
        _codes.TryRemove(value, out var code) && code.ExpiresAt > time.GetUtcNow() ? code : null;

    public DingTalkUserAccessToken IssueToken(string appKey, string userId)
    {
        var token = new DingTalkUserAccessToken(Random(), appKey, userId, time.GetUtcNow() + TokenLifetime);
        _tokens[token.Value] = token;
        return token;
    }

    public DingTalkUserAccessToken? FindToken(string? value) =>
        value is { Length: > 0 } && _tokens.TryGetValue(value, out var token) && token.ExpiresAt > time.GetUtcNow() ? token : null;

    private static string Random() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
