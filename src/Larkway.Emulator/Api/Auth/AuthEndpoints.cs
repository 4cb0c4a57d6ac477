using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Auth;

/// <summary>
/// auth v3 for self-built apps (reference §2): flat bodies, token fields at the top level, no
/// bearer token required.
/// </summary>
internal static class AuthEndpoints
{
    public static void MapAuthEndpoints(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/open-apis/auth/v3").AsOpenApi(requiresTenantToken: false, apiRateLimited: false);
        auth.MapPost("tenant_access_token/internal", TenantTokenAsync);
        auth.MapPost("app_access_token/internal", AppTokenAsync);
    }

    private static async Task<IResult> TenantTokenAsync(HttpContext context, EmulatorState state, TokenStore tokens)
    {
        var app = await AuthenticateAppAsync(context, state);
        var token = tokens.Issue(app.AppId, TokenKind.Tenant);
        return Envelope.Raw(new { code = 0, msg = "ok", tenant_access_token = token.Value, expire = tokens.SecondsLeft(token) });
    }

    private static async Task<IResult> AppTokenAsync(HttpContext context, EmulatorState state, TokenStore tokens)
    {
        var app = await AuthenticateAppAsync(context, state);
        var appToken = tokens.Issue(app.AppId, TokenKind.App);
        var tenantToken = tokens.Issue(app.AppId, TokenKind.Tenant);
        return Envelope.Raw(new { code = 0, msg = "ok", app_access_token = appToken.Value, expire = tokens.SecondsLeft(appToken), tenant_access_token = tenantToken.Value });
    }

    /// <summary>
    /// Error codes (all HTTP 400): missing fields → 10003 (generic "invalid parameter"); an unknown
    /// app_id → 99991543, which the official larksuite/cli names LarkErrAppCredInvalid ("wrong
    /// app_id/app_secret"); a known app with the wrong secret → 10015, the generic-error-code page's
    /// "wrong app secret"; a disabled app → 10014 "app unavailable". Secrets compare in constant time.
    /// </summary>
    private static async Task<EmulatorApp> AuthenticateAppAsync(HttpContext context, EmulatorState state)
    {
        var body = await RequestJson.ReadObjectAsync(context.Request, ErrorCodes.InvalidParameter);
        var appId = body.RequiredString("app_id", ErrorCodes.InvalidParameter);
        var secret = body.RequiredString("app_secret", ErrorCodes.InvalidParameter);
        var app = state.FindApp(appId) ?? throw new ApiErrorException(400, ErrorCodes.AppCredentialsInvalid, "login_user invalid: app_id or app_secret is wrong");
        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes(app.AppSecret)))
        {
            throw new ApiErrorException(400, ErrorCodes.WrongAppSecret, "app secret invalid");
        }

        return app.Disabled ? throw new ApiErrorException(400, ErrorCodes.AppUnavailable, "app is not in use (disabled)") : app;
    }
}
