using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Larkway.Emulator.WeCom.SignIn;

/// <summary>A login code: for one app (its AgentId) and one member, spent by its first <c>auth/getuserinfo</c>.</summary>
internal sealed record WeComLoginCode(string Value, long AgentId, string UserId, DateTimeOffset ExpiresAt);

/// <summary>
/// The login codes the login pages handed out. WeCom documents them as single use, at most 512 bytes, expiring after
/// 5 minutes unused (documents 91022 and 91023). In memory only: a restart signs no one in halfway.
/// </summary>
internal sealed class WeComSignIns(TimeProvider time)
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, WeComLoginCode> _codes = new(StringComparer.Ordinal);

    public WeComLoginCode Mint(long agentId, string userId)
    {
        var code = new WeComLoginCode(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)), agentId, userId, time.GetUtcNow() + CodeLifetime);
        _codes[code.Value] = code;
        return code;
    }

    /// <summary>The code, removed whatever happens next (any use spends it), or null when unknown or expired.</summary>
    public WeComLoginCode? Spend(string? value) =>
        value is { Length: > 0 } && _codes.TryRemove(value, out var code) && code.ExpiresAt > time.GetUtcNow() ? code : null;
}
