using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Larkway.Hub.AdminConsole.Auth;

/// <summary>
/// Console passwords as PBKDF2-HMAC-SHA256 with a random salt: <c>pbkdf2-sha256$iterations$salt$hash</c> (base64url).
/// The iteration count is stored with the hash, so a stored password keeps verifying whatever count made it.
/// </summary>
internal static class ConsolePasswordHash
{
    /// <summary>
    /// Iterations for new hashes: one. Every console password is generated (<see cref="NewPassword"/>, 192 random bits),
    /// never chosen by a person, so no guessing can find one from its hash and stretching (OWASP's 600k iterations are for
    /// memorable passwords) would only cost every sign-in and password reset CPU — 0.1–0.3 s on a small host, which an
    /// unauthenticated caller could spend at will. A person-chosen password would need the stretching back.
    /// </summary>
    public const int Iterations = 1;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Scheme, Iterations.ToString(CultureInfo.InvariantCulture), Base64Url.EncodeToString(salt), Base64Url.EncodeToString(hash));
    }

    /// <summary>True when <paramref name="password"/> matches <paramref name="stored"/>; compared in constant time.</summary>
    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            return false;
        }

        var salt = Base64Url.DecodeFromChars(parts[2]);
        var expected = Base64Url.DecodeFromChars(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>A new random password: 24 bytes, base64url (32 characters, 192 bits).</summary>
    public static string NewPassword() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
}
