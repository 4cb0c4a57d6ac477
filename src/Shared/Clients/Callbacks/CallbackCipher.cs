using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Larkway.Shared.Clients;

/// <summary>Why a callback ciphertext did not open.</summary>
internal enum CallbackCipherFailure
{
    None,

    /// <summary>Not Base64.</summary>
    NotBase64,

    /// <summary>Not a whole number of 32-byte blocks.</summary>
    NotBlocks,

    /// <summary>Decrypted to invalid PKCS#7 padding: another key, or damage.</summary>
    BadPadding,

    /// <summary>The length field is longer than what follows it.</summary>
    BadLength,
}

/// <summary>
/// The callback crypto DingTalk's HTTP event subscription and WeCom's callbacks share (the WXBizMsgCrypt scheme): the
/// ciphertext is Base64 of AES-256-CBC (key = Base64 of the 43-character key plus "=", IV = the key's first 16 bytes,
/// PKCS#7 to 32-byte blocks) over random(16) ‖ length(4, big-endian) ‖ message ‖ receiver id; the signature is the
/// lower-case hex SHA-1 of token, timestamp, nonce and ciphertext sorted and joined. Each library names the parts its
/// platform's way and turns failures into its own results or exceptions.
/// </summary>
internal static class CallbackCipher
{
    /// <summary>The 32-byte AES key of a 43-character key setting; null when it is not 43 Base64 characters.</summary>
    public static byte[]? TryReadKey(string aesKey)
    {
        Span<byte> key = stackalloc byte[33];
        return aesKey.Length == 43 && Convert.TryFromBase64String(aesKey + "=", key, out var written) && written == 32 ? key[..32].ToArray() : null;
    }

    /// <summary>The signature of <paramref name="encrypt"/> at <paramref name="timestamp"/> with <paramref name="nonce"/>.</summary>
    public static string Sign(string token, string timestamp, string nonce, string encrypt)
    {
        string[] parts = [token, timestamp, nonce, encrypt];
        Array.Sort(parts, StringComparer.Ordinal);

        // CA5350: SHA-1 is weak, but both platforms' callback protocols mandate it; the AES key is what protects the content.
#pragma warning disable CA5350
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
#pragma warning restore CA5350
    }

    /// <summary>True when <paramref name="presented"/> is <paramref name="expected"/> (any case), compared in constant time.</summary>
    public static bool SignatureMatches(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented.ToLowerInvariant()));

    /// <summary>Encrypts <paramref name="plaintext"/> for <paramref name="receiverId"/> with the given randomness; returns the Base64 ciphertext.</summary>
    public static string Seal(byte[] key, string plaintext, string receiverId, ReadOnlySpan<byte> random16)
    {
        var message = Encoding.UTF8.GetBytes(plaintext);
        var receiver = Encoding.UTF8.GetBytes(receiverId);
        var length = 16 + 4 + message.Length + receiver.Length;
        var pad = 32 - (length % 32);
        var plain = new byte[length + pad];
        random16[..16].CopyTo(plain);
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(16, 4), message.Length);
        message.CopyTo(plain, 20);
        receiver.CopyTo(plain, 20 + message.Length);
        plain.AsSpan(length).Fill((byte)pad);
        using var aes = Aes.Create();
        aes.Key = key;
        var encrypt = Convert.ToBase64String(aes.EncryptCbc(plain, key.AsSpan(0, 16), PaddingMode.None));
        CryptographicOperations.ZeroMemory(plain);
        return encrypt;
    }

    /// <summary>
    /// Decrypts <paramref name="encrypt"/>: the message and the receiver id it ends with, or why it did not open (the
    /// failure's <paramref name="detail"/> says what was found). The caller checks the receiver id.
    /// </summary>
    public static CallbackCipherFailure Open(byte[] key, string encrypt, out string message, out string receiverId, out string detail)
    {
        message = receiverId = detail = string.Empty;
        byte[] cipher;
        try
        {
            cipher = Convert.FromBase64String(encrypt);
        }
        catch (FormatException ex)
        {
            detail = ex.Message;
            return CallbackCipherFailure.NotBase64;
        }

        if (cipher.Length == 0 || cipher.Length % 32 != 0)
        {
            detail = $"The ciphertext is {cipher.Length} bytes, not a whole number of 32-byte blocks.";
            return CallbackCipherFailure.NotBlocks;
        }

        using var aes = Aes.Create();
        aes.Key = key;
        var plain = aes.DecryptCbc(cipher, key.AsSpan(0, 16), PaddingMode.None);
        try
        {
            // PKCS#7 to 32 bytes: the pad is 1..32, which .NET's PKCS7 mode (block-sized, 16) would refuse above 16.
            var pad = plain[^1];
            var padOk = pad is >= 1 and <= 32 && pad <= plain.Length - 20;
            for (var i = plain.Length - pad; padOk && i < plain.Length; i++)
            {
                padOk = plain[i] == pad;
            }

            if (!padOk)
            {
                return CallbackCipherFailure.BadPadding;
            }

            var body = plain.AsSpan(0, plain.Length - pad);
            var length = BinaryPrimitives.ReadUInt32BigEndian(body.Slice(16, 4));
            if (length > (uint)(body.Length - 20))
            {
                detail = $"The decrypted length field ({length}) is longer than the {body.Length - 20} bytes that follow it.";
                return CallbackCipherFailure.BadLength;
            }

            message = Encoding.UTF8.GetString(body.Slice(20, (int)length));
            receiverId = Encoding.UTF8.GetString(body[(20 + (int)length)..]);
            return CallbackCipherFailure.None;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}
