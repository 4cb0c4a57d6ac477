using System.Security.Cryptography;
using System.Text;

namespace Larkway.Feishu.Events.Crypto;

/// <summary>
/// <c>X-Lark-Signature</c> rules, computed over the exact raw body bytes and compared in constant time.
/// </summary>
public static class FeishuEventSignature
{
    /// <summary>Header carrying the request timestamp (unix seconds).</summary>
    public const string TimestampHeader = "X-Lark-Request-Timestamp";

    /// <summary>Header carrying the request nonce.</summary>
    public const string NonceHeader = "X-Lark-Request-Nonce";

    /// <summary>Header carrying the signature.</summary>
    public const string SignatureHeader = "X-Lark-Signature";

    /// <summary>Events and new-style callbacks: lowercase_hex(SHA-256(timestamp + nonce + encrypt_key + raw_body)).</summary>
    public static string ComputeEventSignature(string timestamp, string nonce, string encryptKey, ReadOnlySpan<byte> rawBody)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        return Compute(hash, timestamp, nonce, encryptKey, rawBody);
    }

    /// <summary>Old card callbacks: lowercase_hex(SHA-1(timestamp + nonce + verification_token + raw_body)).</summary>
    public static string ComputeLegacyCardSignature(string timestamp, string nonce, string verificationToken, ReadOnlySpan<byte> rawBody)
    {
        // CA5350: SHA-1 is weak, but the Feishu old card-callback protocol mandates it; we only verify
        // what the platform sends and never use SHA-1 for anything we choose ourselves.
#pragma warning disable CA5350
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
#pragma warning restore CA5350
        return Compute(hash, timestamp, nonce, verificationToken, rawBody);
    }

    /// <summary>Verifies an event / new-callback signature. Missing values fail. Exact (lowercase) comparison in constant time.</summary>
    public static bool VerifyEventSignature(string? timestamp, string? nonce, string encryptKey, ReadOnlySpan<byte> rawBody, string? signature)
    {
        ArgumentNullException.ThrowIfNull(encryptKey);
        if (timestamp is null || nonce is null || string.IsNullOrEmpty(signature))
        {
            return false;
        }

        return FixedTimeEquals(ComputeEventSignature(timestamp, nonce, encryptKey, rawBody), signature);
    }

    /// <summary>Verifies an old card-callback signature. Missing values fail. Exact (lowercase) comparison in constant time.</summary>
    public static bool VerifyLegacyCardSignature(string? timestamp, string? nonce, string verificationToken, ReadOnlySpan<byte> rawBody, string? signature)
    {
        ArgumentNullException.ThrowIfNull(verificationToken);
        if (timestamp is null || nonce is null || string.IsNullOrEmpty(signature))
        {
            return false;
        }

        return FixedTimeEquals(ComputeLegacyCardSignature(timestamp, nonce, verificationToken, rawBody), signature);
    }

    /// <summary>Constant-time comparison of two strings as UTF-8 bytes.</summary>
    internal static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));

    private static string Compute(IncrementalHash hash, string timestamp, string nonce, string secret, ReadOnlySpan<byte> rawBody)
    {
        ArgumentNullException.ThrowIfNull(timestamp);
        ArgumentNullException.ThrowIfNull(nonce);
        ArgumentNullException.ThrowIfNull(secret);
        hash.AppendData(Encoding.UTF8.GetBytes(timestamp + nonce + secret));
        hash.AppendData(rawBody);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
