namespace Larkway.Hub.Identity.Provider;

/// <summary>
/// The provider's side of PKCE (RFC 7636 §4.6): a verifier's shape, and the S256 challenge it must hash to. The Hub's own
/// check as a provider, not a platform library's client helper.
/// </summary>
internal static class PkceCheck
{
    /// <summary>Whether <paramref name="verifier"/> is 43–128 characters of <c>[A-Za-z0-9-._~]</c>.</summary>
    public static bool IsValidVerifier(string? verifier) =>
        verifier is { Length: >= 43 and <= 128 } && verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    /// <summary>
    /// BASE64URL(SHA-256(verifier)), without padding: the hash the provider keeps of every opaque token
    /// (<see cref="OpaqueToken.Hash"/>; a valid verifier is ASCII, so its UTF-8 is its ASCII).
    /// </summary>
    public static string ChallengeOf(string verifier) => OpaqueToken.Hash(verifier);
}
