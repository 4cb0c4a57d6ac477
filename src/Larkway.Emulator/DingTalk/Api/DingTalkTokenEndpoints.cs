using System.Security.Cryptography;
using System.Text;
using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.Api;

/// <summary>
/// The internal app's access token on both hosts: <c>POST /v1.0/oauth2/accessToken</c> and the unified
/// <c>POST /v1.0/oauth2/{corpId}/token</c> (api), and <c>GET /gettoken</c> (oapi). All hand out the same token (see
/// <see cref="DingTalkTokens"/>).
/// </summary>
internal static class DingTalkTokenEndpoints
{
    public static void MapDingTalkTokenEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(DingTalkApiExtensions.Prefix + "/v1.0/oauth2/accessToken", IssueApiTokenAsync).AsDingTalk(DingTalkFamily.Api, requiresToken: false);
        routes.MapPost(DingTalkApiExtensions.Prefix + "/v1.0/oauth2/{corpId}/token", IssueUnifiedTokenAsync).AsDingTalk(DingTalkFamily.Api, requiresToken: false);
        routes.MapGet(DingTalkApiExtensions.Prefix + "/gettoken", IssueOapiToken).AsDingTalk(DingTalkFamily.Oapi, requiresToken: false);
    }

    private static async Task<IResult> IssueApiTokenAsync(HttpContext context, DingTalkOrg org, DingTalkTokens tokens)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var appKey = body.RequiredApiString("appKey");
        var appSecret = body.RequiredApiString("appSecret");
        if (!Authenticates(org, appKey, appSecret))
        {
            // Unsure of the exact code and status of the real answer; HTTP 400 + a string code is the family's shape.
            throw DingTalkException.Api(400, DingTalkCodes.InvalidClientIdOrSecret, "无效的clientId或者clientSecret");
        }

        var token = tokens.Issue(appKey);
        return DingTalkJson.Ok(new { accessToken = token.Value, expireIn = (long)tokens.Lifetime.TotalSeconds });
    }

    /// <summary>
    /// The unified token (documented for internal and ISV apps): snake_case in and out, and its own documented codes —
    /// 400 <c>invalid.client</c>, 400 <c>unsupported.grant.type</c>. A corpId that is not the org's is answered as
    /// invalid.client too (unsure).
    /// </summary>
    private static async Task<IResult> IssueUnifiedTokenAsync(HttpContext context, string corpId, DingTalkOrg org, DingTalkTokens tokens)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var clientId = body.RequiredApiString("client_id");
        var clientSecret = body.RequiredApiString("client_secret");
        var grantType = body.RequiredApiString("grant_type");
        if (grantType != "client_credentials")
        {
            throw DingTalkException.Api(400, "unsupported.grant.type", "unsupported.grant.type");
        }

        if (corpId != org.CorpId || !Authenticates(org, clientId, clientSecret))
        {
            throw DingTalkException.Api(400, "invalid.client", "invalid.client");
        }

        var token = tokens.Issue(clientId);
        return DingTalkJson.Ok(new Dictionary<string, object> { ["access_token"] = token.Value, ["expires_in"] = (long)tokens.Lifetime.TotalSeconds });
    }

    private static IResult IssueOapiToken(HttpContext context, DingTalkOrg org, DingTalkTokens tokens)
    {
        var appKey = context.Request.Query["appkey"].FirstOrDefault();
        var appSecret = context.Request.Query["appsecret"].FirstOrDefault();
        if (string.IsNullOrEmpty(appKey))
        {
            throw DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 appkey");
        }

        if (string.IsNullOrEmpty(appSecret))
        {
            throw DingTalkException.Oapi(DingTalkCodes.MissingParameter, "缺少参数 appsecret");
        }

        if (!Authenticates(org, appKey, appSecret))
        {
            throw DingTalkException.Oapi(DingTalkCodes.InvalidAppKeyOrSecret, "不合法的appkey或appsecret");
        }

        var token = tokens.Issue(appKey);
        return DingTalkJson.OapiOk(new Dictionary<string, object?>
        {
            ["access_token"] = token.Value,
            ["expires_in"] = (long)tokens.Lifetime.TotalSeconds,
        });
    }

    /// <summary>Secrets compared in constant time (the emulator's own check, not the client library's).</summary>
    private static bool Authenticates(DingTalkOrg org, string appKey, string appSecret) =>
        org.FindApp(appKey) is { } app
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(app.AppSecret), Encoding.UTF8.GetBytes(appSecret));
}
