using Larkway.Emulator.DingTalk.Platform;
using Larkway.Emulator.DingTalk.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.DingTalk.SignIn;

/// <summary>
/// The server side of DingTalk's OAuth 2.0 login: <c>POST /v1.0/oauth2/userAccessToken</c> exchanges the authCode the login
/// page gave (camelCase <c>clientId</c>, <c>clientSecret</c>, <c>code</c>, <c>grantType</c>) for the person's token, and
/// <c>GET /v1.0/contact/users/me</c> answers who that token is, read with the token in <c>x-acs-dingtalk-access-token</c>.
/// </summary>
internal static class DingTalkSignInEndpoints
{
    /// <summary>Seen from the real API for a code that is unknown, used or expired (HTTP 400).</summary>
    public const string AuthCodeNotFound = "invalidParameter.authCode.notFound";

    public static void MapDingTalkSignIn(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(DingTalkApiExtensions.Prefix + "/v1.0/oauth2/userAccessToken", ExchangeAsync).AsDingTalk(DingTalkFamily.Api, requiresToken: false);
        routes.MapGet(DingTalkApiExtensions.Prefix + "/v1.0/contact/users/me", Me).AsDingTalk(DingTalkFamily.Api, requiresToken: false);
    }

    private static async Task<IResult> ExchangeAsync(HttpContext context, DingTalkOrg org, DingTalkSignIns signIns)
    {
        var body = await DingTalkBody.ReadApiObjectAsync(context.Request);
        var clientId = body.RequiredApiString("clientId");
        var clientSecret = body.RequiredApiString("clientSecret");
        var grantType = body.RequiredApiString("grantType");
        if (grantType != "authorization_code")
        {
            // Refresh tokens are not modelled: the Emulator's sign-ins are read once, as the Hub does.
            throw DingTalkException.InvalidParameter($"grantType must be authorization_code (it is '{grantType}').");
        }

        var code = body.RequiredApiString("code");
        if (org.FindApp(clientId) is not { } app || !string.Equals(app.AppSecret, clientSecret, StringComparison.Ordinal))
        {
            throw DingTalkException.Api(400, DingTalkCodes.InvalidClientIdOrSecret, "无效的clientId或者clientSecret");
        }

        // A code is another app's, used or expired alike: DingTalk tells them apart no more than this.
        if (signIns.Spend(code) is not { } spent || spent.AppKey != clientId)
        {
            throw DingTalkException.Api(400, AuthCodeNotFound, "不存在的临时授权码");
        }

        var token = signIns.IssueToken(clientId, spent.UserId);
        var answer = new Dictionary<string, object?>
        {
            ["accessToken"] = token.Value,
            ["refreshToken"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
            ["expireIn"] = (long)DingTalkSignIns.TokenLifetime.TotalSeconds,
        };
        if (spent.CorpIdScope)
        {
            answer["corpId"] = org.CorpId;
        }

        return DingTalkJson.Ok(answer);
    }

    private static IResult Me(HttpContext context, DingTalkOrg org, DingTalkSignIns signIns)
    {
        var token = signIns.FindToken(context.Request.Headers[DingTalkGateMiddleware.ApiTokenHeader].FirstOrDefault());
        if (token is null || org.FindUser(token.UserId) is not { } user)
        {
            // As the gate answers an app token it does not know: 400 InvalidAuthentication.
            throw DingTalkException.Api(400, DingTalkCodes.InvalidAuthentication, DingTalkCodes.InvalidAuthenticationMessage);
        }

        return DingTalkJson.Ok(new Dictionary<string, object?>
        {
            ["nick"] = user.Name,
            ["unionId"] = user.UnionId,
            ["openId"] = "open_" + user.UnionId,
            ["avatarUrl"] = "",
            ["mobile"] = user.Mobile,
            ["stateCode"] = "86",
            ["email"] = user.Email,
        });
    }
}
