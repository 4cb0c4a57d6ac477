using System.Security.Cryptography;

namespace Larkway.Emulator.Authen;

/// <summary>The shapes of sign-in credentials: codes of [A-Za-z0-9-_] (64 characters), u- access and ur- refresh tokens.</summary>
internal static class AuthenIds
{
    /// <summary>64 characters of [A-Za-z0-9-_] (the authorize page reserves at least 64).</summary>
    public static string Code() => Base64Url(48);

    public static string AccessToken() => "u-" + Base64Url(48);

    public static string RefreshToken() => "ur-" + Base64Url(48);

    public static string Opaque() => Base64Url(24);

    /// <summary>Base64url without padding (RFC 4648 §5), as codes and S256 challenges are written.</summary>
    public static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Base64Url(int bytes) => Base64Url(RandomNumberGenerator.GetBytes(bytes));
}

/// <summary>Space-separated scope lists as the authorize page and the token endpoint read them.</summary>
internal static class ScopeList
{
    /// <summary>The authorize page takes at most 50 scopes.</summary>
    public const int MaxScopes = 50;

    /// <summary>Asked for at authorize time, it makes the token endpoint hand out a refresh_token.</summary>
    public const string OfflineAccess = "offline_access";

    public static IReadOnlyList<string> Parse(string? value) =>
        value is null ? [] : value.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static string? FirstRepeated(IReadOnlyList<string> scopes) =>
        scopes.GroupBy(s => s, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;

    /// <summary>Scope names are letters, digits and <c>: . _ -</c> (contact:user.email:readonly, offline_access).</summary>
    public static bool IsWellFormed(string scope) => scope.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '.' or '_' or '-');

    public static string Join(IReadOnlyList<string> scopes) => string.Join(' ', scopes);
}

/// <summary>RFC 7636 checks: the verifier's form and its match with the challenge (S256 or plain).</summary>
internal static class PkceCheck
{
    public const string S256 = "S256";
    public const string Plain = "plain";

    /// <summary>43–128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1); challenges have the same form.</summary>
    public static bool IsWellFormed(string value) =>
        value.Length is >= 43 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    public static bool Matches(string verifier, string challenge, string method)
    {
        var expected = method == S256
            ? AuthenIds.Base64Url(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)))
            : verifier;
        return CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(expected), System.Text.Encoding.ASCII.GetBytes(challenge));
    }
}
