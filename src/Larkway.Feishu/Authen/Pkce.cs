using System.Security.Cryptography;
using System.Text;

namespace Larkway.Feishu.Authen;

/// <summary>A PKCE pair (RFC 7636): the verifier the client keeps, the S256 challenge it sends with the authorize request.</summary>
/// <param name="Verifier">43–128 characters of <c>[A-Za-z0-9-._~]</c>; sent with the code to the token endpoint.</param>
/// <param name="Challenge">BASE64URL(SHA-256(verifier)), sent as <c>code_challenge</c> with <c>code_challenge_method=S256</c>.</param>
public sealed record Pkce(string Verifier, string Challenge)
{
    /// <summary>The only method Larkway sends: Feishu's default is <c>plain</c>, which protects nothing if the request is seen.</summary>
    public const string Method = "S256";

    /// <summary>A new pair from 32 random bytes (a 43-character verifier, the RFC's recommendation).</summary>
    public static Pkce Create()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return new Pkce(verifier, ChallengeOf(verifier));
    }

    /// <summary>The S256 challenge of <paramref name="verifier"/>; throws when it is not a valid verifier.</summary>
    public static string ChallengeOf(string verifier)
    {
        if (!IsValidVerifier(verifier))
        {
            throw new ArgumentException("A PKCE code_verifier is 43–128 characters of A–Z, a–z, 0–9, '-', '.', '_' and '~'.", nameof(verifier));
        }

        return Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
    }

    /// <summary>Whether <paramref name="verifier"/> has a verifier's length and characters.</summary>
    public static bool IsValidVerifier(string? verifier) =>
        verifier is { Length: >= 43 and <= 128 } && verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
