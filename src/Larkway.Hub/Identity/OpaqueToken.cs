using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Larkway.Hub.Identity;

/// <summary>
/// The broker's random credentials (codes, refresh tokens, client secrets, session ids) and how they are stored: 32
/// random bytes, base64url, behind a prefix that says what it is; stored as SHA-256. A fast hash is enough for 256-bit
/// random values: nothing can be guessed from it, and a lookup by hash needs no per-row salt.
/// </summary>
internal static class OpaqueToken
{
    public const string CodePrefix = "lkac_";
    public const string RefreshPrefix = "lkrt_";
    public const string SecretPrefix = "lkcs_";

    /// <summary>A new value: <paramref name="prefix"/> and 32 random bytes in base64url.</summary>
    public static string New(string prefix) => prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>An id: <paramref name="prefix"/> and 16 random bytes as hex (not a secret, but not guessable either).</summary>
    public static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The stored form of a value: SHA-256, base64url.</summary>
    public static string Hash(string value) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>Whether <paramref name="presented"/> hashes to <paramref name="storedHash"/>, compared in constant time.</summary>
    public static bool Matches(string presented, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(presented)), Encoding.ASCII.GetBytes(storedHash));

    /// <summary>Constant-time comparison of two strings (state values, challenges).</summary>
    public static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
