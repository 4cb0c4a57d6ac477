using Larkway.Emulator.Platform;

namespace Larkway.Emulator.Authen;

/// <summary>Makes an endpoint family's error from a code and a sentence (OAuth's top-level body, or the envelope).</summary>
internal delegate ApiErrorException ErrorMaker(int code, string message);

/// <summary>
/// The checks a code or a refresh token goes through wherever it is exchanged (v2 token endpoint, the historical v1
/// endpoints); each family words its errors with its own <see cref="ErrorMaker"/>.
/// </summary>
internal static class Exchanges
{
    public static ApiErrorException CodeProblem(CodeProblem problem, ErrorMaker fail) => problem switch
    {
        Authen.CodeProblem.Used => fail(OAuthErrors.CodeUsed, "The code has been used already: a code can be exchanged once."),
        Authen.CodeProblem.Expired => fail(OAuthErrors.CodeExpired, "The code has expired: sign the user in again."),
        _ => fail(OAuthErrors.CodeNotFound, "The code is not one the Emulator issued."),
    };

    /// <summary>A web or in-client code of this app (mini program codes go to tokenLoginValidate).</summary>
    public static void CheckCodeOwner(AuthorizationCode code, string appId, ErrorMaker fail)
    {
        if (code.Kind == CodeKind.Mina)
        {
            throw fail(OAuthErrors.WrongCodeKind, "This is a mini program (tt.login) code: exchange it at mina/v2/tokenLoginValidate.");
        }

        if (code.AppId != appId)
        {
            throw fail(OAuthErrors.ClientMismatch, "The code was issued to another app.");
        }
    }

    /// <summary>
    /// A refresh token of <paramref name="generation"/> and this app that is unused and live — and, for v2, within 365
    /// days of the authorization.
    /// </summary>
    public static (UserGrant Grant, UserRefreshToken Token) CheckRefresh(UserTokenStore tokens, string value, string appId, TokenGeneration generation, DateTimeOffset now, ErrorMaker fail)
    {
        if (tokens.FindRefresh(value) is not { } found || found.Token.Generation != generation)
        {
            throw fail(OAuthErrors.RefreshTokenInvalid, generation == TokenGeneration.V2
                ? "The refresh_token is not one the v2 token endpoint issued."
                : "The refresh_token is not one the v1 endpoints issued (v2 refresh tokens go to authen/v2/oauth/token).");
        }

        var (grant, token) = found;
        if (grant.AppId != appId)
        {
            throw fail(OAuthErrors.ClientMismatch, "The refresh_token was issued to another app.");
        }

        if (token.Used)
        {
            throw fail(OAuthErrors.RefreshTokenRevoked, "The refresh_token has been used already: a refresh token can be used once.");
        }

        if (generation == TokenGeneration.V2 && now >= UserTokenStore.CapOf(grant))
        {
            throw fail(OAuthErrors.RefreshTokenExpired, "The authorization is 365 days old: the user must sign in again.");
        }

        return token.ExpiresAt > now ? found : throw fail(OAuthErrors.RefreshTokenExpired, "The refresh_token has expired: the user must sign in again.");
    }

    public static IssuedUserTokens Rotate(UserTokenStore tokens, UserRefreshToken old, IReadOnlyList<string> scopes, ErrorMaker fail) =>
        tokens.Rotate(old, scopes) ?? throw fail(OAuthErrors.RefreshTokenRevoked, "The refresh_token has been used already: a refresh token can be used once.");
}
