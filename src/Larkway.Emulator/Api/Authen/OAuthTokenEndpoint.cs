using System.Security.Cryptography;
using System.Text;
using Larkway.Emulator.Authen;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Larkway.Emulator.Api.Authen;

/// <summary>
/// <c>POST /open-apis/authen/v2/oauth/token</c> (get / refresh user_access_token pages): RFC 6749 token endpoint with
/// Feishu's codes. Success and failure are both top level (no <c>data</c>).
/// </summary>
internal static class OAuthTokenEndpoint
{
    public static void MapOAuthTokenEndpoint(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/open-apis/authen/v2/oauth/token", ExchangeAsync)
            .AsOpenApi(AccessTokenTypes.None, apiRateLimited: false)
            .WithMetadata(OAuthErrors.Faults);

    private static readonly ErrorMaker Fail = OAuthErrors.Fail;

    private static async Task<IResult> ExchangeAsync(HttpContext context, EmulatorState state, AuthorizationCodes codes, UserTokenStore tokens, AuthorizeFlow flow, TimeProvider time)
    {
        var request = await TokenRequest.ReadAsync(context.Request);
        var grantType = request.Required("grant_type");
        var app = AuthenticateClient(request, state);
        var issued = grantType switch
        {
            "authorization_code" => ExchangeCode(request, app, state, codes, tokens, flow),
            "refresh_token" => Refresh(request, app, tokens, time),
            _ => throw OAuthErrors.Fail(OAuthErrors.UnsupportedGrantType, $"grant_type '{grantType}' is not supported: use authorization_code or refresh_token."),
        };

        // RFC 6749 §5.1: token responses are never cached.
        context.Response.Headers.CacheControl = "no-store";
        return Envelope.Raw(new TokenBody(
            0,
            issued.Access.Value,
            tokens.SecondsLeft(issued.Access.ExpiresAt),
            issued.Refresh?.Value,
            issued.Refresh is { } refresh ? tokens.SecondsLeft(refresh.ExpiresAt) : null,
            "Bearer",
            ScopeList.Join(issued.Access.Scopes)));
    }

    /// <summary>client_secret in the body or HTTP Basic, never both (20070); then the app and its secret.</summary>
    private static EmulatorApp AuthenticateClient(TokenRequest request, EmulatorState state)
    {
        if (request.BasicId is not null && request["client_secret"] is not null)
        {
            throw OAuthErrors.Fail(OAuthErrors.MultipleClientAuth, "Authenticate the client one way: client_secret in the body or an HTTP Basic header, not both.");
        }

        if (request.BasicId is not null && request["client_id"] is { } bodyId && bodyId != request.BasicId)
        {
            throw OAuthErrors.Fail(OAuthErrors.MalformedRequest, "client_id in the body differs from the one in the Basic header.");
        }

        var clientId = request.BasicId ?? request.Required("client_id");
        var secret = request.BasicSecret ?? request.Required("client_secret");
        var app = state.FindApp(clientId) ?? throw OAuthErrors.Fail(OAuthErrors.AppNotFound, $"There is no app with client_id '{clientId}'.");
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(app.AppSecret)))
        {
            throw OAuthErrors.Fail(OAuthErrors.BadClientSecret, "The client_secret is wrong.");
        }

        return app.Disabled ? throw OAuthErrors.Fail(OAuthErrors.AppDisabled, $"App {app.AppId} is disabled.") : app;
    }

    private static IssuedUserTokens ExchangeCode(TokenRequest request, EmulatorApp app, EmulatorState state, AuthorizationCodes codes, UserTokenStore tokens, AuthorizeFlow flow)
    {
        var value = request.Required("code");
        var verifier = request["code_verifier"];
        if (verifier is not null && !PkceCheck.IsWellFormed(verifier))
        {
            throw OAuthErrors.Fail(OAuthErrors.PkceFailed, "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.");
        }

        var narrowed = NarrowedScopes(request);
        var code = codes.Redeem(value, problem => Exchanges.CodeProblem(problem, Fail), code =>
        {
            Exchanges.CheckCodeOwner(code, app.AppId, Fail);

            // In-client codes (tt.requestAccess) had no redirect: there is nothing to compare.
            if (request["redirect_uri"] is { } redirect && code.RedirectUri is not null && redirect != code.RedirectUri)
            {
                throw OAuthErrors.Fail(OAuthErrors.RedirectUriMismatch, "redirect_uri differs from the one the code was issued for.");
            }

            CheckPkce(code, verifier);
            CheckNarrowing(narrowed, code.Scopes);
        });

        var user = state.FindUser("open_id", code.UserKey);
        try
        {
            flow.CheckUser(app, user);
        }
        catch (ApiErrorException e)
        {
            throw OAuthErrors.Fail(e.Code, e.Message);
        }

        var scopes = narrowed ?? code.Scopes;
        return tokens.Authorize(app.AppId, code.UserKey, scopes, TokenGeneration.V2, scopes.Contains(ScopeList.OfflineAccess, StringComparer.Ordinal));
    }

    private static IssuedUserTokens Refresh(TokenRequest request, EmulatorApp app, UserTokenStore tokens, TimeProvider time)
    {
        var (_, old) = Exchanges.CheckRefresh(tokens, request.Required("refresh_token"), app.AppId, TokenGeneration.V2, time.GetUtcNow(), Fail);
        var narrowed = NarrowedScopes(request);
        CheckNarrowing(narrowed, old.Scopes);
        return Exchanges.Rotate(tokens, old, narrowed ?? old.Scopes, Fail);
    }

    /// <summary>A PKCE code needs its verifier; a code without a challenge takes none (a stray verifier hints at a client bug).</summary>
    private static void CheckPkce(AuthorizationCode code, string? verifier)
    {
        if (code.Challenge is null)
        {
            if (verifier is not null)
            {
                throw OAuthErrors.Fail(OAuthErrors.PkceFailed, "code_verifier was sent, but the authorize request had no code_challenge.");
            }

            return;
        }

        if (verifier is null)
        {
            throw OAuthErrors.Fail(OAuthErrors.PkceFailed, "code_verifier is missing: the authorize request had a code_challenge.");
        }

        if (!PkceCheck.Matches(verifier, code.Challenge, code.ChallengeMethod ?? PkceCheck.Plain))
        {
            throw OAuthErrors.Fail(OAuthErrors.PkceFailed, $"code_verifier does not match the code_challenge ({code.ChallengeMethod}).");
        }
    }

    /// <summary>The scope parameter, which may only narrow what was granted; null when absent.</summary>
    private static IReadOnlyList<string>? NarrowedScopes(TokenRequest request)
    {
        if (request["scope"] is not { } scope)
        {
            return null;
        }

        var scopes = ScopeList.Parse(scope);
        return ScopeList.FirstRepeated(scopes) is { } repeated
            ? throw OAuthErrors.Fail(OAuthErrors.DuplicateScopes, $"scope names '{repeated}' twice.")
            : scopes;
    }

    private static void CheckNarrowing(IReadOnlyList<string>? narrowed, IReadOnlyList<string> granted)
    {
        if (narrowed?.FirstOrDefault(s => !granted.Contains(s, StringComparer.Ordinal)) is { } extra)
        {
            throw OAuthErrors.Fail(OAuthErrors.ScopeNotGranted, $"scope '{extra}' was not granted: the scope parameter can only narrow the granted scopes.");
        }
    }

    private sealed record TokenBody(int Code, string AccessToken, int ExpiresIn, string? RefreshToken, int? RefreshTokenExpiresIn, string TokenType, string Scope);
}
