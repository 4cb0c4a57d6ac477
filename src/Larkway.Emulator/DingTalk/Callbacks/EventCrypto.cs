using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Larkway.Emulator.DingTalk.Callbacks;

/// <summary>
/// The legacy HTTP event subscription's crypto (DingCallbackCrypto), written for the emulator: AES-256-CBC with the key
/// Base64("aes_key" + "="), IV = the key's first 16 bytes, plaintext random16 ‖ length (4 bytes, big-endian) ‖ message ‖
/// owner key (an internal app's AppKey for its event subscription; the corpId for the old per-corp registration), PKCS#7 padded to 32 bytes; signature = SHA-1 hex of the sorted
/// (token, timestamp, nonce, encrypt) joined.
/// </summary>
internal static class EventCrypto
{
    private const int Block = 32;

    /// <summary>43 Base64 characters that decode (with "=") to 32 bytes.</summary>
    public static bool IsValidAesKey(string? aesKey)
    {
        if (aesKey is not { Length: 43 })
        {
            return false;
        }

        var bytes = new byte[33];
        return Convert.TryFromBase64String(aesKey + "=", bytes, out var written) && written == 32;
    }

    public static string Encrypt(string message, string aesKey, string ownerKey, byte[]? random16 = null)
    {
        var key = Key(aesKey);
        var body = Encoding.UTF8.GetBytes(message);
        var owner = Encoding.UTF8.GetBytes(ownerKey);
        var plain = new byte[16 + 4 + body.Length + owner.Length];
        (random16 ?? RandomNumberGenerator.GetBytes(16)).CopyTo(plain, 0);
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(16), body.Length);
        body.CopyTo(plain, 20);
        owner.CopyTo(plain, 20 + body.Length);

        var pad = Block - (plain.Length % Block);
        var padded = new byte[plain.Length + pad];
        plain.CopyTo(padded, 0);
        padded.AsSpan(plain.Length).Fill((byte)pad);
        using var aes = Aes.Create();
        aes.Key = key;
        return Convert.ToBase64String(aes.EncryptCbc(padded, key.AsSpan(0, 16), PaddingMode.None));
    }

    /// <summary>The message and owner key, or null when the text is not something this aes_key encrypted.</summary>
    public static (string Message, string OwnerKey)? Decrypt(string encrypt, string aesKey)
    {
        try
        {
            var key = Key(aesKey);
            using var aes = Aes.Create();
            aes.Key = key;
            var plain = aes.DecryptCbc(Convert.FromBase64String(encrypt), key.AsSpan(0, 16), PaddingMode.None);
            var pad = plain.Length == 0 ? 0 : plain[^1];
            if (pad is < 1 or > Block || plain.Length < 20 + pad)
            {
                return null;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(plain.AsSpan(16));
            var end = plain.Length - pad;
            if (length < 0 || 20 + length > end)
            {
                return null;
            }

            return (Encoding.UTF8.GetString(plain, 20, length), Encoding.UTF8.GetString(plain, 20 + length, end - 20 - length));
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return null;
        }
    }

    public static string Signature(string token, string timestamp, string nonce, string encrypt)
    {
        string[] parts = [token, timestamp, nonce, encrypt];
        Array.Sort(parts, StringComparer.Ordinal);
        // CA5350: DingTalk's callback protocol mandates SHA-1; the emulator reproduces it, nothing more.
#pragma warning disable CA5350
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
#pragma warning restore CA5350
    }

    private static byte[] Key(string aesKey) => Convert.FromBase64String(aesKey + "=");
}
