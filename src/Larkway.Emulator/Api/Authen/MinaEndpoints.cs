using Larkway.Emulator.Authen;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Authen;

/// <summary>
/// <c>POST /open-apis/mina/v2/tokenLoginValidate</c> (code2session, mini program login): the app's app_access_token and a
/// tt.login code give the user's session. The family has its own codes, token problems included (10202), so the endpoint
/// checks its token itself. Its errors come with HTTP 200, as the page's error table gives them (10202, 10213, 10228; 10226
/// is not in the table and is answered the same way).
/// </summary>
internal static class MinaEndpoints
{
    public const int AccessTokenInvalid = 10202;
    public const int CodeMismatch = 10213;
    public const int CodeInvalid = 10226;
    public const int NotVisible = 10228;

    public static void MapMinaEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/open-apis/mina/v2/tokenLoginValidate", ValidateAsync).AsOpenApi(AccessTokenTypes.None, apiRateLimited: false);

    private static async Task<IResult> ValidateAsync(HttpContext context, EmulatorState state, TokenStore appTokens, AuthorizationCodes codes, UserTokenStore tokens, OAuthSettingsStore settings, UserOpenIds openIds)
    {
        var app = AppOf(context, state, appTokens);
        var body = await RequestJson.ReadObjectAsync(context.Request, CodeInvalid);
        var value = body.OptionalString("code", CodeInvalid) is { Length: > 0 } given ? given : throw Fail(CodeInvalid, "code is missing: send the code tt.login gave the mini program.");
        var code = codes.Redeem(value, problem => problem == CodeProblem.NotFound
            ? Fail(CodeInvalid, "The code is not one tt.login gave.")
            : Fail(CodeMismatch, problem == CodeProblem.Used ? "The code has been used already." : "The code has expired (tt.login codes live 3 minutes)."), code =>
        {
            if (code.Kind != CodeKind.Mina)
            {
                throw Fail(CodeInvalid, "This is not a tt.login code: web and in-client codes go to authen/v2/oauth/token.");
            }

            if (code.AppId != app.AppId)
            {
                throw Fail(CodeMismatch, "The code was given to another app (code appid not match).");
            }
        });

        var user = state.FindUser("open_id", code.UserKey);
        if (user is null || user.IsResigned || !settings.IsAvailableTo(app.AppId, user))
        {
            throw Fail(NotVisible, "The app is not visible to this user.");
        }

        var issued = tokens.Authorize(app.AppId, user.OpenId, code.Scopes, TokenGeneration.V1, withRefresh: true);
        return Envelope.Ok(new
        {
            open_id = openIds.OpenIdFor(app.AppId, user),
            employee_id = user.UserId,
            session_key = Ids.Hex(30),
            tenant_key = state.Tenant.TenantKey,
            access_token = issued.Access.Value,

            // The doc's expires_in here is the moment the token lapses (unix seconds), not a duration.
            expires_in = issued.Access.ExpiresAt.ToUnixTimeSeconds(),
            refresh_token = issued.Refresh!.Value,
        });
    }

    private static EmulatorApp AppOf(HttpContext context, EmulatorState state, TokenStore appTokens)
    {
        string bearer;
        try
        {
            bearer = TenantAuthenticator.BearerOf(context);
        }
        catch (ApiErrorException e)
        {
            throw Fail(AccessTokenInvalid, e.Message);
        }

        return appTokens.Find(bearer) is { Kind: TokenKind.App } token && state.FindApp(token.AppId) is { Disabled: false } app
            ? app
            : throw Fail(AccessTokenInvalid, "access token invalid: send the app's app_access_token.");
    }

    private static ApiErrorException Fail(int code, string message) => new(StatusCodes.Status200OK, code, message);
}
