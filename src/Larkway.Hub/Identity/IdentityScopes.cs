namespace Larkway.Hub.Identity;

/// <summary>The scopes the broker knows and the claims each one releases.</summary>
internal static class IdentityScopes
{
    public const string OpenId = "openid";
    public const string Profile = "profile";
    public const string Email = "email";
    public const string Groups = "groups";
    public const string OfflineAccess = "offline_access";

    /// <summary>Every scope, in the order discovery lists them.</summary>
    public static readonly IReadOnlyList<string> All = [OpenId, Profile, Email, Groups, OfflineAccess];

    /// <summary>What a new client may ask for unless the administrator says otherwise.</summary>
    public static readonly IReadOnlyList<string> Default = [OpenId, Profile, Email, Groups, OfflineAccess];

    /// <summary>Every claim the broker may put in an id_token or the userinfo answer.</summary>
    public static readonly IReadOnlyList<string> Claims =
    [
        "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "amr", "azp", "sid", "at_hash",
        "name", "preferred_username", "picture", "employee_no", "email", "email_verified", "groups",
    ];

    /// <summary>Space-separated scopes as a list: blanks dropped, order kept.</summary>
    public static string[] Split(string? scope) => (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);

    public static bool Has(string scope, string wanted) => Split(scope).Contains(wanted, StringComparer.Ordinal);
}
