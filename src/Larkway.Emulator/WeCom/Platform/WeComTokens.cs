using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.WeCom.Platform;

/// <summary>A WeCom access token of one app and when it stops working.</summary>
internal sealed record WeComToken(string Value, string CorpId, long AgentId, DateTimeOffset ExpiresAt) : IAppToken<WeComToken>
{
    public WeComToken ExpiringAt(DateTimeOffset expiresAt) => this with { ExpiresAt = expiresAt };
}

/// <summary>
/// One access token per app. While it is valid, <c>gettoken</c> hands out the same token with its remaining lifetime (the
/// documentation asks clients to cache it and not to call gettoken often; "expires_in" tells how long is left). An
/// expired token answers 42001, an unknown one 40014; <see cref="AppTokens{TKey, TToken}.ExpireAll"/> and
/// <see cref="AppTokens{TKey, TToken}.Revoke"/> model WeCom ending tokens early ("企业微信可能会出于运营需要，提前使access_token失效").
/// </summary>
internal sealed class WeComTokens(TimeProvider time, EmulatorOptions options, StateRevision revision)
    : AppTokens<long, WeComToken>(time, revision, static token => token.AgentId, renewWhileValid: false)
{
    public override TimeSpan Lifetime => options.WeComTokenLifetime;

    public WeComToken Issue(string corpId, long agentId) =>
        Issue(agentId, expiresAt => new WeComToken(WeComIds.AccessToken(), corpId, agentId, expiresAt));
}
