namespace Larkway.Hub.Identity.Provider;

/// <summary>
/// A protocol error as RFC 6749 §4.1.2.1/§5.2, RFC 6750 §3, RFC 7009 §2.2.1 and OpenID Connect Core §3.1.2.6 name them:
/// the code (<see cref="Error"/>) and a sentence that says what to fix (<see cref="Description"/>).
/// </summary>
internal sealed record OidcError(string Error, string Description, int Status = 400)
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidClient = "invalid_client";
    public const string InvalidGrant = "invalid_grant";
    public const string UnauthorizedClient = "unauthorized_client";
    public const string UnsupportedGrantType = "unsupported_grant_type";
    public const string UnsupportedResponseType = "unsupported_response_type";
    public const string UnsupportedTokenType = "unsupported_token_type";
    public const string InvalidScope = "invalid_scope";
    public const string AccessDenied = "access_denied";
    public const string LoginRequired = "login_required";
    public const string InvalidToken = "invalid_token";
    public const string InsufficientScope = "insufficient_scope";
    public const string RequestNotSupported = "request_not_supported";
    public const string RequestUriNotSupported = "request_uri_not_supported";
    public const string ServerError = "server_error";
    public const string TemporarilyUnavailable = "temporarily_unavailable";

    /// <summary>
    /// <see cref="Description"/> as the RFCs allow it on the wire (RFC 6749 §5.2: printable ASCII without '"' and '\\'):
    /// typographic dashes and ellipses become ASCII, anything else outside the set a '?'.
    /// </summary>
    public string WireDescription => Clean(Description);

    public static string Clean(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '\u2013' or '\u2014' => "-",
                '\u2026' => "...",
                '"' or '\\' => "'",
                >= ' ' and <= '~' => c.ToString(),
                _ => "?",
            });
        }

        return builder.ToString();
    }

    public static OidcError Request(string description) => new(InvalidRequest, description);

    public static OidcError Grant(string description) => new(InvalidGrant, description);

    public static OidcError Client(string description) => new(InvalidClient, description, 401);
}
