using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Larkway.Hub.Webhooks;

/// <summary>
/// The signatures of a webhook delivery. The Standard Webhooks form (<see cref="StandardSignatures"/>):
/// <c>webhook-signature: v1,&lt;base64 HMAC-SHA256&gt;</c> over <c>"{webhook-id}.{webhook-timestamp}.{body}"</c>, keyed
/// with the bytes the secret's base64 after <c>whsec_</c> decodes to, one signature per valid secret. The older form
/// (<see cref="Compute"/>): <c>X-Larkway-Signature: sha256=&lt;hex HMAC-SHA256&gt;</c> over
/// <c>"{X-Larkway-Timestamp}.{body}"</c>, keyed with the UTF-8 bytes of the whole secret string. Both sign the timestamp
/// (Unix seconds) so that a captured request cannot be replayed later; receivers reject old ones.
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

    /// <summary>Standard Webhooks: the message id, the same on every attempt of one delivery (the delivery id).</summary>
    public const string StandardIdHeader = "webhook-id";

    /// <summary>Standard Webhooks: the attempt's Unix time in seconds.</summary>
    public const string StandardTimestampHeader = "webhook-timestamp";

    /// <summary>Standard Webhooks: space-separated <c>v1,&lt;base64&gt;</c> signatures, one per valid secret (newest first).</summary>
    public const string StandardSignatureHeader = "webhook-signature";

    /// <summary>Standard Webhooks' identifier of a symmetric (HMAC-SHA256) signature.</summary>
    public const string StandardVersion = "v1";

    /// <summary>Prefix of generated secrets.</summary>
    public const string SecretPrefix = "whsec_";

    /// <summary>Default age beyond which <see cref="Verify"/> rejects a timestamp.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The older <c>X-Larkway-Signature</c> value for <paramref name="body"/> signed at <paramref name="timestamp"/> (Unix seconds).</summary>
    public static string Compute(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Signed(timestamp.ToString(CultureInfo.InvariantCulture) + ".", body));
        return Scheme + Convert.ToHexStringLower(mac);
    }

    /// <summary>
    /// The <c>webhook-signature</c> value: one <c>v1,&lt;base64&gt;</c> per secret, in the order given (the newest first),
    /// space-separated, each the HMAC-SHA256 of <c>"{id}.{timestamp}.{body}"</c> keyed with <see cref="StandardKey"/>.
    /// </summary>
    public static string StandardSignatures(IEnumerable<string> secrets, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentException.ThrowIfNullOrEmpty(id);
        var message = Signed($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}.", body);
        var signatures = new List<string>();
        foreach (var secret in secrets)
        {
            signatures.Add(StandardVersion + "," + Convert.ToBase64String(HMACSHA256.HashData(StandardKey(secret), message)));
        }

        return string.Join(' ', signatures);
    }

    /// <summary>
    /// The Standard Webhooks signing key of <paramref name="secret"/>: the bytes of the base64 after <c>whsec_</c>.
    /// Decoded tolerantly: standard base64 with or without padding (the spec's form, which secrets made now have) and
    /// base64url (the form earlier versions generated), so a subscription made before keeps one secret for both headers.
    /// </summary>
    public static byte[] StandardKey(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var encoded = (secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret)
            .TrimEnd('=').Replace('-', '+').Replace('_', '/');
        var padded = encoded.PadRight(encoded.Length + ((4 - (encoded.Length % 4)) % 4), '=');
        var key = new byte[padded.Length / 4 * 3];
        if (encoded.Length == 0 || !Convert.TryFromBase64String(padded, key, out var written))
        {
            throw new FormatException("A webhook secret is 'whsec_' followed by base64.");
        }

        return key[..written];
    }

    private static byte[] Signed(string prefix, ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetBytes(prefix);
        var message = new byte[head.Length + body.Length];
        head.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(head.Length));
        return message;
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

    /// <summary>
    /// A new secret in the Standard Webhooks form, which its libraries read as given: <c>whsec_</c> and 32 random bytes in
    /// standard base64, padded. (Versions before made base64url: <see cref="StandardKey"/> reads both.)
    /// </summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
