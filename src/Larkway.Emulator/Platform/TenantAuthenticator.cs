using Larkway.Emulator.Authen;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Platform;

/// <summary>
/// Checks <c>Authorization: Bearer</c> against the token types an endpoint takes: tenant (<c>t-</c>), app (<c>a-</c>) and
/// user (<c>u-</c>) access tokens. Failures are HTTP 400 — live Feishu answers token errors with 400, not 401, and SDKs
/// decode the code.
/// </summary>
internal sealed class TenantAuthenticator(TokenStore tokens, UserTokenStore userTokens, EmulatorState state, TimeProvider time)
{
    /// <summary>The tenant-token check most endpoints make.</summary>
    public EmulatorApp Authenticate(HttpContext context) => Authenticate(context, AccessTokenTypes.Tenant).App;

    public Caller Authenticate(HttpContext context, AccessTokenTypes accepts)
    {
        var value = BearerOf(context);
        if (value.StartsWith("u-", StringComparison.Ordinal))
        {
            return AuthenticateUser(value, accepts);
        }

        if (!value.StartsWith("t-", StringComparison.Ordinal) && !value.StartsWith("a-", StringComparison.Ordinal))
        {
            throw Fail(ErrorCodes.TokenFormatInvalid, "Invalid token: must start with t-/u-");
        }

        var token = tokens.Find(value);
        var type = token?.Kind == TokenKind.App ? AccessTokenTypes.App : AccessTokenTypes.Tenant;
        if (token is null || (accepts & type) == 0 || state.FindApp(token.AppId) is not { Disabled: false } app)
        {
            // An app token on an endpoint that takes only app tokens is "invalid app_access_token"; any other miss is the
            // tenant-token code, as before (an app_access_token on a tenant endpoint included).
            throw accepts == AccessTokenTypes.App
                ? Fail(ErrorCodes.AppTokenInvalid, "Invalid access token for authorization. Please make a request with app_access_token attached.")
                : Fail(ErrorCodes.TenantTokenInvalid, "Invalid access token for authorization. Please make a request with token attached.");
        }

        return new Caller(app) { TokenType = type };
    }

    /// <summary>The bearer value, or 99991661 when there is none.</summary>
    public static string BearerOf(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            throw Fail(ErrorCodes.MissingToken, "Need a token, please check the Authorization header");
        }

        const string scheme = "Bearer ";
        var value = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : string.Empty;
        return value.Length > 0
            ? value
            : throw Fail(ErrorCodes.MissingToken, "Need a token, please check the Authorization header (expected 'Bearer <token>')");
    }

    private Caller AuthenticateUser(string value, AccessTokenTypes accepts)
    {
        if ((accepts & AccessTokenTypes.User) == 0)
        {
            throw Fail(ErrorCodes.UserTokenInvalid, "Invalid access token for authorization. This API does not support user_access_token.");
        }

        if (userTokens.FindAccess(value) is not { } found || state.FindApp(found.Grant.AppId) is not { Disabled: false } app)
        {
            throw Fail(ErrorCodes.UserTokenInvalid, "Invalid access token for authorization. Please make a request with a valid user_access_token.");
        }

        if (found.Token.ExpiresAt <= time.GetUtcNow())
        {
            throw Fail(ErrorCodes.UserTokenExpired, "The user_access_token has expired: refresh it, or sign the user in again.");
        }

        return new Caller(app) { TokenType = AccessTokenTypes.User, User = found.Grant };
    }

    private static ApiErrorException Fail(int code, string message) => new(400, code, message);
}
