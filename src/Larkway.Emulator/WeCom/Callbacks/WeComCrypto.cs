using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Larkway.Emulator.WeCom.Callbacks;

/// <summary>Why a ciphertext was refused (the official libraries' codes, negative).</summary>
internal sealed class WeComCryptoException(int code, string message) : Exception(message)
{
    public const int ValidateSignature = -40001;
    public const int ParseXml = -40002;
    public const int IllegalAesKey = -40004;
    public const int ValidateReceiveId = -40005;
    public const int DecryptAes = -40007;
    public const int IllegalBuffer = -40008;
    public const int DecodeBase64 = -40010;

    public int Code { get; } = code;
}

/// <summary>
/// WeCom's callback crypto (加解密方案, document 90968), written from the documentation: AES-256-CBC with the key
/// Base64(EncodingAESKey + "=") and IV = its first 16 bytes; the plaintext is random(16) ‖ length(4, big-endian) ‖ message ‖
/// receiveid, padded PKCS#7 to a multiple of 32; <c>msg_signature</c> = hex SHA-1 of the sorted token, timestamp, nonce and
/// ciphertext joined.
/// </summary>
internal sealed class WeComCrypto
{
    private const int Block = 32;

    private readonly string _token;
    private readonly byte[] _key;
    private readonly string _receiveId;

    public WeComCrypto(string token, string encodingAesKey, string receiveId)
    {
        if (encodingAesKey is not { Length: 43 } || !encodingAesKey.All(char.IsAsciiLetterOrDigit))
        {
            throw new WeComCryptoException(WeComCryptoException.IllegalAesKey, "the EncodingAESKey must be 43 letters or digits");
        }

        _token = token;
        _key = Convert.FromBase64String(encodingAesKey + "=");
        _receiveId = receiveId;
    }

    public static string Signature(string token, string timestamp, string nonce, string encrypted)
    {
        string[] parts = [token, timestamp, nonce, encrypted];
        Array.Sort(parts, StringComparer.Ordinal);

        // CA5350: WeCom's protocol mandates SHA-1 for msg_signature; the emulator reproduces it, nothing more.
#pragma warning disable CA5350
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
#pragma warning restore CA5350
    }

    public string Sign(string timestamp, string nonce, string encrypted) => Signature(_token, timestamp, nonce, encrypted);

    public bool Verify(string signature, string timestamp, string nonce, string encrypted) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(timestamp, nonce, encrypted)), Encoding.ASCII.GetBytes(signature.ToLowerInvariant()));

    /// <summary>Encrypts with fresh random bytes (<paramref name="random"/> only for the vectors' fixed ones).</summary>
    public string Encrypt(string message, byte[]? random = null)
    {
        var body = Encoding.UTF8.GetBytes(message);
        var receiver = Encoding.UTF8.GetBytes(_receiveId);
        var length = 16 + 4 + body.Length + receiver.Length;
        var pad = Block - (length % Block);
        var plain = new byte[length + pad];
        (random ?? RandomNumberGenerator.GetBytes(16)).AsSpan(0, 16).CopyTo(plain);
        BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(16), (uint)body.Length);
        body.CopyTo(plain, 20);
        receiver.CopyTo(plain, 20 + body.Length);
        plain.AsSpan(length).Fill((byte)pad);
        using var aes = Aes.Create();
        aes.Key = _key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, _key.AsSpan(0, 16), PaddingMode.None));
    }

    /// <summary>Checks the signature, decrypts, and checks the receiveid; returns the message.</summary>
    public string Decrypt(string signature, string timestamp, string nonce, string encrypted)
    {
        if (!Verify(signature, timestamp, nonce, encrypted))
        {
            throw new WeComCryptoException(WeComCryptoException.ValidateSignature, "msg_signature does not match the token, timestamp, nonce and ciphertext");
        }

        return Decrypt(encrypted);
    }

    /// <summary>Decrypts without a signature check (the caller checked it) and checks the receiveid.</summary>
    public string Decrypt(string encrypted)
    {
        byte[] cipher;
        try
        {
            cipher = Convert.FromBase64String(encrypted);
        }
        catch (FormatException)
        {
            throw new WeComCryptoException(WeComCryptoException.DecodeBase64, "the ciphertext is not Base64");
        }

        if (cipher.Length == 0 || cipher.Length % 16 != 0)
        {
            throw new WeComCryptoException(WeComCryptoException.DecryptAes, "the ciphertext is not a whole number of AES blocks");
        }

        using var aes = Aes.Create();
        aes.Key = _key;
        var plain = aes.DecryptCbc(cipher, _key.AsSpan(0, 16), PaddingMode.None);
        int pad = plain[^1];
        if (pad is < 1 or > Block || pad > plain.Length - 20)
        {
            throw new WeComCryptoException(WeComCryptoException.IllegalBuffer, "the padding is not PKCS#7 to 32 bytes");
        }

        var content = plain.AsSpan(0, plain.Length - pad);
        var length = BinaryPrimitives.ReadUInt32BigEndian(content[16..]);
        if (length > content.Length - 20)
        {
            throw new WeComCryptoException(WeComCryptoException.IllegalBuffer, "the message length is longer than the plaintext");
        }

        var message = Encoding.UTF8.GetString(content.Slice(20, (int)length));
        var receiver = Encoding.UTF8.GetString(content[(20 + (int)length)..]);
        if (!string.Equals(receiver, _receiveId, StringComparison.Ordinal))
        {
            throw new WeComCryptoException(WeComCryptoException.ValidateReceiveId, "the message was encrypted for another receiveid (corp id)");
        }

        return message;
    }
}
