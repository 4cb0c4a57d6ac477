using System.Security.Cryptography;
using System.Text;

namespace Larkway.Feishu.Events.Crypto;

/// <summary>
/// Encrypts a plaintext body the way Feishu does (random 16-byte IV, AES-256-CBC, PKCS#7,
/// base64(IV ‖ ciphertext)) — for tests, the emulator-free path and the CLI's <c>event send</c>.
/// </summary>
public sealed class FeishuEventEncryptor
{
    private readonly byte[] _key;

    public FeishuEventEncryptor(string encryptKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(encryptKey);
        _key = FeishuEventDecryptor.DeriveKey(encryptKey);
    }

    /// <summary>Encrypts UTF-8 text with a random IV and returns the value for the <c>encrypt</c> field.</summary>
    public string Encrypt(string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        return Encrypt(Encoding.UTF8.GetBytes(plaintext));
    }

    /// <summary>Encrypts bytes with a random IV and returns the value for the <c>encrypt</c> field.</summary>
    public string Encrypt(ReadOnlySpan<byte> plaintext)
    {
        Span<byte> iv = stackalloc byte[FeishuEventDecryptor.BlockSize];
        RandomNumberGenerator.Fill(iv);
        return Encrypt(plaintext, iv);
    }

    /// <summary>Encrypts with a caller-chosen IV (reproducible output for test vectors). Never reuse an IV in production.</summary>
    public string Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> iv)
    {
        if (iv.Length != FeishuEventDecryptor.BlockSize)
        {
            throw new ArgumentException("The IV must be 16 bytes.", nameof(iv));
        }

        using var aes = Aes.Create();
        aes.Key = _key;
        var ciphertext = aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);
        var output = new byte[iv.Length + ciphertext.Length];
        iv.CopyTo(output);
        ciphertext.CopyTo(output.AsSpan(iv.Length));
        return Convert.ToBase64String(output);
    }

    /// <summary>Builds the compact HTTP body <c>{"encrypt":"…"}</c> for a plaintext JSON body.</summary>
    public string EncryptBody(string plaintextJson) => "{\"encrypt\":\"" + Encrypt(plaintextJson) + "\"}";
}
