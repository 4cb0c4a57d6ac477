namespace Larkway.Feishu;

/// <summary>
/// User sign-in codes: the OAuth token endpoint (<c>authen/v2/oauth/token</c>, top-level <c>code</c> with an OAuth
/// <c>error</c>), the legacy v1 endpoints and user info (the usual envelope), and mini-program code2session.
/// </summary>
public static partial class FeishuErrorCodes
{
    // --- Local. ---
    /// <summary>No usable token for the user: none stored, or it lapsed and cannot be refreshed. Sign the user in again.</summary>
    public const int UserNotSignedIn = -7;

    // --- OAuth token endpoint (authen/v2/oauth/token) and user sign-in. ---
    /// <summary>A required parameter is missing.</summary>
    public const int OAuthMissingParameter = 20001;
    /// <summary>client_id / client_secret do not authenticate the app.</summary>
    public const int OAuthInvalidClientSecret = 20002;
    /// <summary>No such authorization code, or it was already used (codes are single-use).</summary>
    public const int OAuthCodeNotFound = 20003;
    /// <summary>The authorization code is older than its five minutes.</summary>
    public const int OAuthCodeExpired = 20004;
    /// <summary>The user access token is invalid (user info, legacy endpoints).</summary>
    public const int OAuthUserAccessTokenInvalid = 20005;
    /// <summary>Legacy endpoints: the user access token could not be generated.</summary>
    public const int OAuthTokenGenerationFailed = 20007;
    /// <summary>The user does not exist.</summary>
    public const int OAuthUserNotFound = 20008;
    /// <summary>The tenant has not installed the app.</summary>
    public const int OAuthAppNotInstalled = 20009;
    /// <summary>The user may not use the app.</summary>
    public const int OAuthUserNoAppPermission = 20010;
    /// <summary>Legacy endpoints: the tenant access token is invalid.</summary>
    public const int OAuthTenantAccessTokenInvalid = 20013;
    /// <summary>Legacy endpoints: the app access token is invalid.</summary>
    public const int OAuthAppAccessTokenInvalid = 20014;
    /// <summary>The user has resigned.</summary>
    public const int OAuthUserResigned = 20021;
    /// <summary>The user is frozen.</summary>
    public const int OAuthUserFrozen = 20022;
    /// <summary>The user has not completed registration.</summary>
    public const int OAuthUserNotRegistered = 20023;
    /// <summary>The code or refresh token belongs to another app (client_id).</summary>
    public const int OAuthClientMismatch = 20024;
    /// <summary>The refresh token is invalid (also: a v1 refresh token sent to the v2 endpoint).</summary>
    public const int OAuthRefreshTokenInvalid = 20026;
    /// <summary>The grant_type is not supported.</summary>
    public const int OAuthUnsupportedGrantType = 20036;
    /// <summary>The refresh token has expired (or the 365-day authorization cap was reached): sign in again.</summary>
    public const int OAuthRefreshTokenExpired = 20037;
    /// <summary>The app does not exist.</summary>
    public const int OAuthAppNotFound = 20048;
    /// <summary>PKCE failed: the code_verifier is missing or does not match the challenge.</summary>
    public const int OAuthPkceFailed = 20049;
    /// <summary>Server error (HTTP 500): transient, but the exchange or refresh is not resent automatically.</summary>
    public const int OAuthServerError = 20050;
    /// <summary>The request is malformed.</summary>
    public const int OAuthMalformedRequest = 20063;
    /// <summary>The refresh token was revoked; refresh tokens are single-use.</summary>
    public const int OAuthRefreshTokenRevoked = 20064;
    /// <summary>The authorization code was already used.</summary>
    public const int OAuthCodeAlreadyUsed = 20065;
    /// <summary>The user's status does not allow sign-in.</summary>
    public const int OAuthInvalidUserStatus = 20066;
    /// <summary>The narrowing scope list repeats a scope.</summary>
    public const int OAuthDuplicateScopes = 20067;
    /// <summary>The narrowing scope list has a scope the user did not grant.</summary>
    public const int OAuthScopeNotPermitted = 20068;
    /// <summary>The app is not enabled.</summary>
    public const int OAuthAppNotEnabled = 20069;
    /// <summary>Both HTTP Basic authentication and client_secret were sent.</summary>
    public const int OAuthMultipleAuthenticationMethods = 20070;
    /// <summary>redirect_uri differs from the one of the authorize request.</summary>
    public const int OAuthRedirectUriMismatch = 20071;
    /// <summary>Temporarily unavailable (HTTP 503): transient, but the exchange or refresh is not resent automatically.</summary>
    public const int OAuthTemporarilyUnavailable = 20072;
    /// <summary>The refresh token was already used; refresh tokens are single-use.</summary>
    public const int OAuthRefreshTokenAlreadyUsed = 20073;
    /// <summary>Refreshing user access tokens is switched off in the app's security settings.</summary>
    public const int OAuthRefreshDisabled = 20074;

    // --- Mini programs (mina/v2/tokenLoginValidate, HTTP 200). ---
    /// <summary>Mini program: the app access token is invalid.</summary>
    public const int MiniProgramAccessTokenInvalid = 10202;
    /// <summary>Mini program: the code was issued to another app, or was already used, or expired.</summary>
    public const int MiniProgramCodeMismatch = 10213;
    /// <summary>Mini program: the code is invalid or expired.</summary>
    public const int MiniProgramInvalidCode = 10226;
    /// <summary>Mini program: the app is not visible to the user.</summary>
    public const int MiniProgramUserNotVisible = 10228;

    /// <summary>Refresh failures after which the refresh token is dead for good: the user must sign in again.</summary>
    public static bool IsRefreshTokenDead(int code) =>
        code is OAuthRefreshTokenInvalid or OAuthRefreshTokenExpired or OAuthRefreshTokenRevoked or OAuthRefreshTokenAlreadyUsed or OAuthClientMismatch;
}
