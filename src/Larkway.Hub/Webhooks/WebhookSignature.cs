using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Larkway.Hub.Webhooks;

/// <summary>
/// The signature of a webhook delivery: <c>X-Larkway-Signature: sha256=&lt;hex HMAC-SHA256&gt;</c> over
/// <c>"{X-Larkway-Timestamp}.{body}"</c>, keyed with the UTF-8 bytes of the subscription's secret. The timestamp
/// (Unix seconds) is signed so that a captured request cannot be replayed later; receivers reject old ones.
/// </summary>
public static class WebhookSignature
{
    /// <summary>Header with the Unix time (seconds) the request was signed at.</summary>
    public const string TimestampHeader = "X-Larkway-Timestamp";

    /// <summary>Header with the signature, <c>sha256=&lt;hex&gt;</c>.</summary>
    public const string SignatureHeader = "X-Larkway-Signature";

    /// <summary>Header with the delivery id (the same on every retry of one delivery).</summary>
    public const string DeliveryHeader = "X-Larkway-Delivery";

    /// <summary>Prefix of the signature value.</summary>
    public const string Scheme = "sha256=";

    /// <summary>Prefix of generated secrets.</summary>
    public const string SecretPrefix = "whsec_";

    /// <summary>Default age beyond which <see cref="Verify"/> rejects a timestamp.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The header value for <paramref name="body"/> signed at <paramref name="timestamp"/> (Unix seconds).</summary>
    public static string Compute(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return Scheme + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>
    /// What a receiver does: true when <paramref name="signature"/> is the signature of the raw
    /// <paramref name="body"/> at <paramref name="timestamp"/> (compared in constant time) and the timestamp is
    /// within <paramref name="tolerance"/> (default 5 min) of <paramref name="now"/>, either way.
    /// </summary>
    public static bool Verify(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || string.IsNullOrEmpty(signature))
        {
            return false;
        }

        var age = now.ToUnixTimeSeconds() - seconds;
        if (Math.Abs(age) > (tolerance ?? DefaultTolerance).TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, seconds, body));
        var actual = Encoding.ASCII.GetBytes(signature.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>A new secret: <c>whsec_</c> and 32 random bytes, base64url.</summary>
    public static string NewSecret() => SecretPrefix + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
