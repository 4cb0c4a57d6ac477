using Larkway.Emulator.Platform;

namespace Larkway.Emulator.Authen;

/// <summary>
/// The token endpoint's failures (get/refresh user_access_token pages): top level <c>{code, error, error_description}</c>,
/// HTTP 400 — 500 for 20050, 503 for 20072. <c>error</c> is RFC 6749's name for the case, so OAuth client libraries
/// report it as they would any server's.
/// </summary>
internal static class OAuthErrors
{
    public const int MissingParameter = 20001;
    public const int BadClientSecret = 20002;
    public const int CodeNotFound = 20003;
    public const int CodeExpired = 20004;
    public const int WrongCodeKind = 20007;
    public const int UserNotFound = 20008;
    public const int UserNoPermission = 20010;
    public const int ClientMismatch = 20024;
    public const int RefreshTokenInvalid = 20026;
    public const int ScopeNotApplied = 20027;
    public const int RedirectUriNotAllowed = 20029;
    public const int UnsupportedGrantType = 20036;
    public const int RefreshTokenExpired = 20037;
    public const int AppNotFound = 20048;
    public const int PkceFailed = 20049;
    public const int ServerError = 20050;
    public const int MalformedRequest = 20063;
    public const int RefreshTokenRevoked = 20064;
    public const int CodeUsed = 20065;
    public const int UserStatusInvalid = 20066;
    public const int DuplicateScopes = 20067;
    public const int ScopeNotGranted = 20068;
    public const int AppDisabled = 20069;
    public const int MultipleClientAuth = 20070;
    public const int RedirectUriMismatch = 20071;
    public const int TemporarilyUnavailable = 20072;

    public static ApiErrorException Fail(int code, string description)
    {
        var status = code switch
        {
            ServerError => 500,
            TemporarilyUnavailable => 503,
            _ => 400,
        };
        return new ApiErrorException(status, code, description) { Body = new OAuthErrorBody(code, ErrorName(code), description) };
    }

    /// <summary>The endpoint's answer to an injected 500 or 503.</summary>
    public static readonly FaultAnswer Faults = new(status => status == 503
        ? Fail(TemporarilyUnavailable, "The service is temporarily unavailable. Please retry your request.")
        : Fail(ServerError, "An unexpected server error occurred. Please retry your request."));

    private static string ErrorName(int code) => code switch
    {
        BadClientSecret or AppNotFound or AppDisabled => "invalid_client",
        UnsupportedGrantType => "unsupported_grant_type",
        ScopeNotGranted or ScopeNotApplied => "invalid_scope",
        ServerError => "server_error",
        TemporarilyUnavailable => "temporarily_unavailable",
        MissingParameter or MalformedRequest or MultipleClientAuth or DuplicateScopes => "invalid_request",
        _ => "invalid_grant",
    };

    private sealed record OAuthErrorBody(int Code, string Error, string ErrorDescription);
}
