using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.DingTalk.Platform;

/// <summary>
/// DingTalk's two hosts answer in two shapes, so every DingTalk route says which one it speaks: the new API
/// (api.dingtalk.com <c>/v1.0</c>: HTTP status + <c>{code,message,requestid}</c>), the old one (oapi.dingtalk.com: HTTP
/// 200 + <c>{errcode,errmsg}</c>), or the custom robot webhook (oapi's shape, with the robot's own codes).
/// </summary>
internal enum DingTalkFamily
{
    Api,
    Oapi,
    Robot,
}

/// <summary>Endpoint metadata: this route is a DingTalk API call (counted, subject to faults, and authenticated when asked).</summary>
internal sealed record DingTalkApi(DingTalkFamily Family, bool RequiresToken);

/// <summary>Endpoint metadata: a page for a person's browser (the login), which the gate leaves to answer in HTML.</summary>
internal sealed record DingTalkPage;

/// <summary>The app a DingTalk call was authenticated as.</summary>
internal sealed record DingTalkCaller(string AppKey);

internal static class DingTalkApiExtensions
{
    /// <summary>Both hosts are served under one prefix: a client points its api and oapi base URLs at <c>{emulator}/dingtalk</c>.</summary>
    public const string Prefix = "/dingtalk";

    public static TBuilder AsDingTalk<TBuilder>(this TBuilder builder, DingTalkFamily family, bool requiresToken = true)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DingTalkApi(family, requiresToken));

    /// <summary>Marks a route as a page a browser opens, not an API call: the gate neither counts nor answers it in JSON.</summary>
    public static TBuilder AsDingTalkPage<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DingTalkPage());

    /// <summary>Which shape a path answers in when no route matched it (an unknown path still gets its host's shape).</summary>
    public static DingTalkFamily FamilyOf(PathString path) =>
        path.StartsWithSegments(Prefix + "/v1.0", StringComparison.Ordinal) ? DingTalkFamily.Api
        : path.StartsWithSegments(Prefix + "/robot", StringComparison.Ordinal) ? DingTalkFamily.Robot
        : DingTalkFamily.Oapi;

    public static DingTalkCaller DingTalkCaller(this HttpContext context) =>
        context.Features.Get<DingTalkCaller>() ?? throw new InvalidOperationException("The endpoint is not marked as a token-authenticated DingTalk endpoint.");
}
