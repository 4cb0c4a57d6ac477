using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.WeCom.Platform;

/// <summary>Endpoint metadata: this route is a WeCom API call (counted, subject to faults, and authenticated when asked).</summary>
internal sealed record WeComApi(bool RequiresToken, bool IsRobot = false);

/// <summary>Endpoint metadata: this route under <c>/wecom</c> is a page a person's browser opens (the login pages), not an API call.</summary>
internal sealed record WeComPage;

/// <summary>The app a WeCom call was authenticated as (its access token's corp and agent).</summary>
internal sealed record WeComCaller(string CorpId, long AgentId);

internal static class WeComApiExtensions
{
    /// <summary>
    /// qyapi.weixin.qq.com is served under one prefix, so it never meets the Feishu or DingTalk routes: a client points its
    /// API base URL at <c>{emulator}/wecom</c> and calls <c>/wecom/cgi-bin/gettoken</c>, <c>/wecom/cgi-bin/message/send</c> ….
    /// </summary>
    public const string Prefix = "/wecom";

    public static TBuilder AsWeCom<TBuilder>(this TBuilder builder, bool requiresToken = true, bool robot = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new WeComApi(requiresToken, robot));

    public static TBuilder AsWeComPage<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new WeComPage());

    public static WeComCaller WeComCaller(this HttpContext context) =>
        context.Features.Get<WeComCaller>() ?? throw new InvalidOperationException("The endpoint is not marked as a token-authenticated WeCom endpoint.");
}
