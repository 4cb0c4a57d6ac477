using System.Security.Cryptography;
using System.Text;
using Larkway.Emulator.WeCom.Platform;
using Larkway.Emulator.WeCom.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.WeCom.Api;

/// <summary>
/// <c>GET /cgi-bin/gettoken?corpid=ID&amp;corpsecret=SECRET</c> (document 91039): <c>{access_token, expires_in}</c>.
/// 41002 / 41004 when a parameter is missing, 40013 for another corp, 40001 for a secret of no app.
/// </summary>
internal static class WeComTokenEndpoints
{
    public const string Path = WeComApiExtensions.Prefix + "/cgi-bin/gettoken";

    public static void MapWeComTokenEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapGet(Path, GetToken).AsWeCom(requiresToken: false);

    private static IResult GetToken(HttpContext context, WeComOrg org, WeComTokens tokens, TimeProvider time)
    {
        var corpId = context.Request.Query["corpid"].FirstOrDefault();
        var secret = context.Request.Query["corpsecret"].FirstOrDefault();
        if (string.IsNullOrEmpty(corpId))
        {
            throw WeComException.Of(WeComCodes.MissingCorpId, "pass ?corpid= (the corp's ID, 我的企业 → 企业信息)");
        }

        if (string.IsNullOrEmpty(secret))
        {
            throw WeComException.Of(WeComCodes.MissingSecret, "pass ?corpsecret= (the app's Secret)");
        }

        if (!string.Equals(corpId, org.CorpId, StringComparison.Ordinal))
        {
            throw WeComException.Of(WeComCodes.InvalidCorpId);
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(org.App.Secret)))
        {
            throw WeComException.Of(WeComCodes.InvalidSecret);
        }

        var token = tokens.Issue(org.CorpId, org.App.AgentId);
        var left = (long)Math.Ceiling((token.ExpiresAt - time.GetUtcNow()).TotalSeconds);
        return WeComJson.Ok(new Dictionary<string, object?> { ["access_token"] = token.Value, ["expires_in"] = Math.Max(1, left) });
    }
}
