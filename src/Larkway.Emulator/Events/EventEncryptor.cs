using System.Security.Cryptography;
using System.Text;

namespace Larkway.Emulator.Events;

/// <summary>
/// Event body encryption (reference protocols §1): key = SHA-256(UTF-8(encrypt_key)), AES-256-CBC with
/// PKCS#7, a random 16-byte IV, <c>encrypt = base64(iv ‖ ciphertext)</c>.
/// </summary>
public static class EventEncryptor
{
    public static string Encrypt(string encryptKey, string plaintext) =>
        Encrypt(encryptKey, Encoding.UTF8.GetBytes(plaintext ?? throw new ArgumentNullException(nameof(plaintext))), RandomNumberGenerator.GetBytes(16));

    /// <summary>Encrypts with a given IV (tests reproduce the platforms' vectors with it).</summary>
    public static string Encrypt(string encryptKey, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> iv)
    {
        ArgumentNullException.ThrowIfNull(encryptKey);
        if (iv.Length != 16)
        {
            throw new ArgumentException("The IV must be 16 bytes.", nameof(iv));
        }

        using var aes = Aes.Create();
        aes.Key = SHA256.HashData(Encoding.UTF8.GetBytes(encryptKey));
        var ciphertext = aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);
        var blob = new byte[16 + ciphertext.Length];
        iv.CopyTo(blob);
        ciphertext.CopyTo(blob, 16);
        return Convert.ToBase64String(blob);
    }

    /// <summary>The encrypted body <c>{"encrypt":"…"}</c> as sent on the wire.</summary>
    public static string EncryptedBody(string encryptKey, string plaintext) =>
        "{\"encrypt\":\"" + Encrypt(encryptKey, plaintext) + "\"}";
}
