using System.Security.Cryptography;
using System.Text;

namespace Larkway.Emulator.DingTalk.Robots;

/// <summary>
/// The custom robot's 加签: Base64(HMAC-SHA256(key = UTF8(secret), message = UTF8(timestamp + "\n" + secret))), sent
/// URL-encoded in the query. Unlike Feishu's custom bot, the secret is the key and the timestamp is in milliseconds.
/// </summary>
internal static class RobotSignature
{
    public static string Compute(string timestampMs, string secret)
    {
        var key = Encoding.UTF8.GetBytes(secret);
        return Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(timestampMs + "\n" + secret)));
    }

    /// <summary>Constant-time comparison of the (already URL-decoded) presented sign with the expected one.</summary>
    public static bool Verify(string timestampMs, string secret, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Compute(timestampMs, secret)), Encoding.UTF8.GetBytes(presented));
}
