using System.Text.Json;
using Larkway.Emulator.Authen;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Authen;

/// <summary>
/// authen v1: <c>user_info</c> (user_access_token only) and the historical token endpoints (reference oauth-sso.md §2),
/// which take the app's token and answer in the <c>{code,msg,data}</c> envelope. The doc names app_access_token; the
/// official node-sdk sends its tenant_access_token, so both are taken.
/// </summary>
internal static class AuthenEndpoints
{
    private static readonly ErrorMaker Fail = ApiErrorException.BadRequest;

    public static void MapAuthenEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/open-apis/authen/v1/user_info", UserInfo).AsOpenApi(AccessTokenTypes.User);
        var v1 = routes.MapGroup("/open-apis/authen/v1").AsOpenApi(AccessTokenTypes.App | AccessTokenTypes.Tenant);
        v1.MapPost("oidc/access_token", (HttpContext context, LegacyTokens legacy) => legacy.ExchangeAsync(context, withUser: false));
        v1.MapPost("access_token", (HttpContext context, LegacyTokens legacy) => legacy.ExchangeAsync(context, withUser: true));
        v1.MapPost("oidc/refresh_access_token", (HttpContext context, LegacyTokens legacy) => legacy.RefreshAsync(context, withUser: false));
        v1.MapPost("refresh_access_token", (HttpContext context, LegacyTokens legacy) => legacy.RefreshAsync(context, withUser: true));
    }

    public static Uri BaseUrlOf(HttpContext context) => new($"{context.Request.Scheme}://{context.Request.Host.Value}/");

    private static IResult UserInfo(HttpContext context, EmulatorState state, UserProfiles profiles)
    {
        var caller = context.Caller();
        var user = state.FindUser("open_id", caller.User!.UserKey)
            ?? throw ApiErrorException.BadRequest(OAuthErrors.UserNotFound, "The user this token was issued to is no longer in the tenant.");
        return Envelope.Ok(profiles.Of(caller.App.AppId, user, BaseUrlOf(context)));
    }

    /// <summary>The historical exchanges; their tokens are v1 tokens (refresh only here, 30 days).</summary>
    internal sealed class LegacyTokens(EmulatorState state, AuthorizationCodes codes, UserTokenStore tokens, AuthorizeFlow flow, UserProfiles profiles, TimeProvider time)
    {
        public async Task<IResult> ExchangeAsync(HttpContext context, bool withUser)
        {
            var app = context.CallerApp();
            var body = await ReadAsync(context, "authorization_code");
            var value = Required(body, "code");
            var code = codes.Redeem(value, problem => Exchanges.CodeProblem(problem, Fail), code =>
            {
                Exchanges.CheckCodeOwner(code, app.AppId, Fail);
                if (code.Challenge is not null)
                {
                    throw Fail(OAuthErrors.PkceFailed, "The code was asked for with PKCE: exchange it with its code_verifier at authen/v2/oauth/token.");
                }
            });
            var user = flow.CheckUser(app, state.FindUser("open_id", code.UserKey));
            var issued = tokens.Authorize(app.AppId, user.OpenId, code.Scopes, TokenGeneration.V1, withRefresh: true);
            return Envelope.Ok(Answer(context, issued, withUser ? user : null));
        }

        public async Task<IResult> RefreshAsync(HttpContext context, bool withUser)
        {
            var app = context.CallerApp();
            var body = await ReadAsync(context, "refresh_token");
            var (grant, old) = Exchanges.CheckRefresh(tokens, Required(body, "refresh_token"), app.AppId, TokenGeneration.V1, time.GetUtcNow(), Fail);
            var issued = Exchanges.Rotate(tokens, old, old.Scopes, Fail);
            var user = withUser ? state.FindUser("open_id", grant.UserKey) : null;
            return Envelope.Ok(Answer(context, issued, user));
        }

        private static async Task<JsonElement> ReadAsync(HttpContext context, string grantType)
        {
            var body = await RequestJson.ReadObjectAsync(context.Request, OAuthErrors.MalformedRequest);
            var given = Required(body, "grant_type");
            return given == grantType
                ? body
                : throw Fail(OAuthErrors.UnsupportedGrantType, $"grant_type must be '{grantType}' here (it is '{given}').");
        }

        private static string Required(JsonElement body, string name) =>
            body.OptionalString(name, OAuthErrors.MalformedRequest) is { Length: > 0 } value
                ? value
                : throw Fail(OAuthErrors.MissingParameter, $"The parameter '{name}' is missing.");

        /// <summary>The token fields, and for the older v1 endpoints the user's fields and a session id too.</summary>
        private Dictionary<string, object?> Answer(HttpContext context, IssuedUserTokens issued, EmulatorUser? user)
        {
            var answer = new Dictionary<string, object?>
            {
                ["access_token"] = issued.Access.Value,
                ["refresh_token"] = issued.Refresh!.Value,
                ["token_type"] = "Bearer",
                ["expires_in"] = tokens.SecondsLeft(issued.Access.ExpiresAt),
                ["refresh_expires_in"] = tokens.SecondsLeft(issued.Refresh.ExpiresAt),
                ["scope"] = ScopeList.Join(issued.Access.Scopes),
            };
            if (user is not null)
            {
                foreach (var property in JsonSerializer.SerializeToElement(profiles.Of(issued.Grant.AppId, user, BaseUrlOf(context)), EmulatorJson.Options).EnumerateObject())
                {
                    answer[property.Name] = property.Value;
                }

                answer["sid"] = AuthenIds.Opaque();
            }

            return answer;
        }
    }
}
