using Larkway.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace Larkway.Emulator.Platform;

/// <summary>
/// Checks <c>Authorization: Bearer</c> for endpoints that take a tenant_access_token. Failures are
/// HTTP 400 — live Feishu answers token errors with 400, not 401, and SDKs decode the code.
/// </summary>
internal sealed class TenantAuthenticator(TokenStore tokens, EmulatorState state)
{
    public EmulatorApp Authenticate(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            throw Fail(ErrorCodes.MissingToken, "Need a token, please check the Authorization header");
        }

        const string scheme = "Bearer ";
        var value = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : string.Empty;
        if (value.Length == 0)
        {
            throw Fail(ErrorCodes.MissingToken, "Need a token, please check the Authorization header (expected 'Bearer <token>')");
        }

        if (value.StartsWith("u-", StringComparison.Ordinal))
        {
            throw Fail(ErrorCodes.UserTokenInvalid, "Invalid access token for authorization. user_access_token is not supported by the emulator");
        }

        if (!value.StartsWith("t-", StringComparison.Ordinal) && !value.StartsWith("a-", StringComparison.Ordinal))
        {
            throw Fail(ErrorCodes.TokenFormatInvalid, "Invalid token: must start with t-/u-");
        }

        // An app_access_token is well-formed but these endpoints take tenant tokens only → 99991663.
        var token = tokens.Find(value);
        if (token is null || token.Kind != TokenKind.Tenant || state.FindApp(token.AppId) is not { Disabled: false } app)
        {
            throw Fail(ErrorCodes.TenantTokenInvalid, "Invalid access token for authorization. Please make a request with token attached.");
        }

        return app;
    }

    private static ApiErrorException Fail(int code, string message) => new(400, code, message);
}
