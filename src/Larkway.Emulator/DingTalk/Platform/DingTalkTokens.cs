using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;

namespace Larkway.Emulator.DingTalk.Platform;

/// <summary>A DingTalk app access token and when it stops working.</summary>
internal sealed record DingTalkToken(string Value, string AppKey, DateTimeOffset ExpiresAt) : IAppToken<DingTalkToken>
{
    public DingTalkToken ExpiringAt(DateTimeOffset expiresAt) => this with { ExpiresAt = expiresAt };
}

/// <summary>
/// One access token per app, valid on both hosts (DingTalk accepts the new API's token on oapi too, so one value keeps
/// clients of either API honest). Documented: fetching again while the token is valid returns the same token and renews
/// its lifetime ("有效期内重复获取返回相同结果，并自动续期"). Expired tokens are remembered (for a day) so oapi can
/// answer 42001 "expired" rather than 40014 "unknown".
/// </summary>
internal sealed class DingTalkTokens(TimeProvider time, EmulatorOptions options, StateRevision revision)
    : AppTokens<string, DingTalkToken>(time, revision, static token => token.AppKey, renewWhileValid: true)
{
    public override TimeSpan Lifetime => options.DingTalkTokenLifetime;

    public DingTalkToken Issue(string appKey) => Issue(appKey, expiresAt => new DingTalkToken(Ids.Hex(32), appKey, expiresAt));
}
