using System.Security.Cryptography;
using System.Text;

namespace Larkway.Emulator.Events;

/// <summary>
/// The event request signature (reference protocols §1):
/// <c>X-Lark-Signature = lowercase_hex(SHA-256(timestamp + nonce + encrypt_key + raw_body))</c>, over the exact body bytes.
/// </summary>
public static class EventSigner
{
    public static string Sign(string timestamp, string nonce, string encryptKey, ReadOnlySpan<byte> rawBody)
    {
        ArgumentNullException.ThrowIfNull(timestamp);
        ArgumentNullException.ThrowIfNull(nonce);
        ArgumentNullException.ThrowIfNull(encryptKey);
        var prefix = Encoding.UTF8.GetBytes(timestamp + nonce + encryptKey);
        var buffer = new byte[prefix.Length + rawBody.Length];
        prefix.CopyTo(buffer, 0);
        rawBody.CopyTo(buffer.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(SHA256.HashData(buffer));
    }
}
