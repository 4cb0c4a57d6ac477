using System.Globalization;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.WeCom.Api;

/// <summary>
/// <c>GET /cgi-bin/agent/get?agentid=</c> (获取应用, document 90227): the app's name and its visible range
/// (<c>allow_userinfos.user[].userid</c>, <c>allow_partys.partyid</c>, <c>allow_tags.tagid</c>). An app reads only itself:
/// another agentid answers 301002, a malformed one 40056.
/// </summary>
internal static class WeComAgentEndpoints
{
    public static void MapWeComAgentEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapGet(WeComApiExtensions.Prefix + "/cgi-bin/agent/get", Get).AsWeCom();

    private static IResult Get(HttpContext context, WeComOrg org)
    {
        var raw = context.Request.Query["agentid"].FirstOrDefault();
        if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var agentId))
        {
            throw WeComException.Of(WeComCodes.InvalidAgentId, "pass ?agentid=");
        }

        if (agentId != context.WeComCaller().AgentId || agentId != org.App.AgentId)
        {
            throw WeComException.Of(WeComCodes.NoAppPermission, "the access token is another app's");
        }

        var (parties, users) = org.VisibleRange;
        return WeComJson.Ok(new Dictionary<string, object?>
        {
            ["agentid"] = org.App.AgentId,
            ["name"] = org.App.Name,
            ["square_logo_url"] = string.Empty,
            ["description"] = string.Empty,
            ["allow_userinfos"] = new Dictionary<string, object?> { ["user"] = users.Select(u => new Dictionary<string, object?> { ["userid"] = u }).ToList() },
            ["allow_partys"] = new Dictionary<string, object?> { ["partyid"] = parties },
            ["allow_tags"] = new Dictionary<string, object?> { ["tagid"] = Array.Empty<long>() },
            ["close"] = 0,
            ["redirect_domain"] = string.Empty,
            ["report_location_flag"] = 0,
            ["isreportenter"] = 0,
            ["home_url"] = string.Empty,
        });
    }
}
