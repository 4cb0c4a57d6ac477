using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Larkway.Feishu.CustomBot;

/// <summary>
/// The custom-bot signature: <c>Base64(HMAC-SHA256(key = UTF8(timestamp + "\n" + secret), message = empty))</c>.
/// Note the key/message roles: DingTalk's robot signs the same string as the message with the secret as key,
/// which Feishu rejects (19021).
/// </summary>
public static class CustomBotSigner
{
    /// <summary>Computes <c>sign</c> for a request sent at <paramref name="timestampSeconds"/> (Unix seconds, not milliseconds).</summary>
    /// <param name="secret">The bot's signing secret, used as is (not decoded).</param>
    /// <param name="timestampSeconds">The <c>timestamp</c> field sent with the request; Feishu accepts ±1 hour.</param>
    public static string Sign(string secret, long timestampSeconds)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var key = Encoding.UTF8.GetBytes(timestampSeconds.ToString(CultureInfo.InvariantCulture) + "\n" + secret);
        return Convert.ToBase64String(HMACSHA256.HashData(key, ReadOnlySpan<byte>.Empty));
    }

    /// <summary>
    /// Checks a presented signature in constant time (e.g. in a fake webhook endpoint). The comparison is on the
    /// exact Base64 text: a URL-encoded or millisecond-timestamp signature does not match.
    /// </summary>
    public static bool Verify(string secret, long timestampSeconds, string? sign)
    {
        if (string.IsNullOrEmpty(sign))
        {
            return false;
        }

        var expected = Encoding.UTF8.GetBytes(Sign(secret, timestampSeconds));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(sign));
    }
}
