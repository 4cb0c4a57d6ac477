using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace Larkway.Feishu.Events.Crypto;

/// <summary>
/// Decrypts the <c>encrypt</c> field of an event or callback body: AES-256-CBC with
/// key = SHA-256(UTF-8(encrypt key)), IV = the first 16 bytes of the base64-decoded payload,
/// strict PKCS#7 padding. Thread-safe.
/// </summary>
public sealed class FeishuEventDecryptor
{
    internal const int BlockSize = 16;

    private readonly byte[] _key;

    public FeishuEventDecryptor(string encryptKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(encryptKey);
        _key = DeriveKey(encryptKey);
    }

    /// <summary>The AES key: SHA-256 of the UTF-8 bytes of the encrypt key.</summary>
    public static byte[] DeriveKey(string encryptKey)
    {
        ArgumentNullException.ThrowIfNull(encryptKey);
        return SHA256.HashData(Encoding.UTF8.GetBytes(encryptKey));
    }

    /// <summary>Decrypts a base64 (standard alphabet) payload and returns the UTF-8 plaintext bytes.</summary>
    /// <exception cref="FeishuEventException">Reason <see cref="FeishuEventErrorReason.BadEncryption"/>.</exception>
    public byte[] Decrypt(string encrypt) => RequireUtf8(DecryptBytes(encrypt));

    /// <summary>Decrypts IV ‖ ciphertext and returns the UTF-8 plaintext bytes.</summary>
    /// <exception cref="FeishuEventException">Reason <see cref="FeishuEventErrorReason.BadEncryption"/>.</exception>
    public byte[] Decrypt(ReadOnlySpan<byte> ivAndCiphertext) => RequireUtf8(DecryptBytes(ivAndCiphertext));

    /// <summary>
    /// Decrypts a base64 payload without judging the plaintext: for a caller that has already authenticated
    /// the ciphertext (signature) and so reports a non-UTF-8 plaintext as a malformed body, not a wrong key.
    /// </summary>
    /// <exception cref="FeishuEventException">Reason <see cref="FeishuEventErrorReason.BadEncryption"/>.</exception>
    internal byte[] DecryptBytes(string encrypt)
    {
        ArgumentNullException.ThrowIfNull(encrypt);
        var raw = new byte[(encrypt.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(encrypt, raw, out var length))
        {
            throw Fail("the encrypt field is not valid standard base64");
        }

        return DecryptBytes(raw.AsSpan(0, length));
    }

    /// <summary>
    /// Decrypts base64 read straight from a body's UTF-8 bytes; null when they are not plain standard base64 (the string
    /// overload then reads them, and says what is wrong).
    /// </summary>
    internal byte[]? TryDecryptBase64(ReadOnlySpan<byte> base64Utf8)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(base64Utf8.Length));
        try
        {
            return Base64.DecodeFromUtf8(base64Utf8, rented, out _, out var length) == OperationStatus.Done
                ? DecryptBytes(rented.AsSpan(0, length))
                : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private byte[] DecryptBytes(ReadOnlySpan<byte> ivAndCiphertext)
    {
        if (ivAndCiphertext.Length < BlockSize)
        {
            throw Fail("the payload is shorter than the 16-byte IV");
        }

        var ciphertext = ivAndCiphertext[BlockSize..];
        if (ciphertext.IsEmpty)
        {
            throw Fail("the payload holds an IV but no ciphertext");
        }

        if (ciphertext.Length % BlockSize != 0)
        {
            throw Fail("the ciphertext length is not a multiple of the 16-byte AES block");
        }

        // Decrypted into a pooled buffer (wiped before it goes back), then copied out at the plaintext's length.
        var rented = ArrayPool<byte>.Shared.Rent(ciphertext.Length);
        var padded = rented.AsSpan(0, ciphertext.Length);
        try
        {
            using (var aes = Aes.Create())
            {
                aes.Key = _key;
                aes.DecryptCbc(ciphertext, ivAndCiphertext[..BlockSize], padded, PaddingMode.None);
            }

            var plaintextLength = StrictPkcs7PlaintextLength(padded);
            return plaintextLength < 0
                ? throw Fail("the PKCS#7 padding is invalid (wrong encrypt key or corrupted payload)")
                : padded[..plaintextLength].ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(padded);
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static byte[] RequireUtf8(byte[] plaintext) =>
        Utf8.IsValid(plaintext)
            ? plaintext
            : throw Fail("the decrypted payload is not valid UTF-8 (wrong encrypt key or corrupted payload)");

    /// <summary>Returns the unpadded length, or -1 when the padding is not strict PKCS#7 (1..16 equal bytes).</summary>
    private static int StrictPkcs7PlaintextLength(ReadOnlySpan<byte> padded)
    {
        int pad = padded[^1];
        if (pad is < 1 or > BlockSize)
        {
            return -1;
        }

        // Examine every byte of the last block so the work does not depend on where the padding breaks.
        var bad = 0;
        var lastBlock = padded[^BlockSize..];
        for (var i = 0; i < BlockSize; i++)
        {
            var inPad = (BlockSize - i) <= pad ? 1 : 0;
            bad |= inPad * (lastBlock[i] ^ pad);
        }

        return bad == 0 ? padded.Length - pad : -1;
    }

    private static FeishuEventException Fail(string what) =>
        new(FeishuEventErrorReason.BadEncryption, $"Cannot decrypt the Feishu event: {what}.");
}
