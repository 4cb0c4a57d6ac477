using System.Security.Cryptography;
using System.Text;

namespace Larkway.Emulator.Api.Webhooks;

/// <summary>
/// Custom bot signing (reference §6): Base64(HMAC-SHA256(key = UTF8(timestamp + "\n" + secret),
/// message = empty)). Note the unusual shape: the secret is in the KEY and the message is empty.
/// </summary>
public static class WebhookSignature
{
    public static string Compute(string timestamp, string secret)
    {
        var key = Encoding.UTF8.GetBytes(timestamp + "\n" + secret);
        return Convert.ToBase64String(HMACSHA256.HashData(key, Array.Empty<byte>()));
    }

    /// <summary>Constant-time comparison of the presented sign with the expected one.</summary>
    public static bool Verify(string timestamp, string secret, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Compute(timestamp, secret)), Encoding.UTF8.GetBytes(presented));
}
