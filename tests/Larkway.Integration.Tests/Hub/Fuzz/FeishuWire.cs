using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Larkway.Integration.Tests.Hub.Fuzz;

/// <summary>Feishu's request signing and encryption, written here independently of the libraries under test.</summary>
internal static class FeishuWire
{
    /// <summary>AES-256-CBC with key SHA-256(encrypt key), a random IV in front, base64.</summary>
    public static string Encrypt(byte[] plaintext, string encryptKey)
    {
        using var aes = Aes.Create();
        aes.Key = SHA256.HashData(Encoding.UTF8.GetBytes(encryptKey));
        aes.GenerateIV();
        return Convert.ToBase64String([.. aes.IV, .. aes.EncryptCbc(plaintext, aes.IV, PaddingMode.PKCS7)]);
    }

    /// <summary>Adds the timestamp, nonce and X-Lark-Signature headers for <paramref name="body"/>.</summary>
    /// <param name="legacyToken">Sign as an old-style card callback (SHA-1 with the verification token) instead.</param>
    public static void Sign(HttpRequestMessage request, byte[] body, string encryptKey, string? legacyToken = null)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Guid.NewGuid().ToString("N");
        byte[] signed = [.. Encoding.UTF8.GetBytes(timestamp + nonce + (legacyToken ?? encryptKey)), .. body];
#pragma warning disable CA5350 // Feishu's old-style card callbacks are signed with SHA-1.
        var signature = legacyToken is null ? SHA256.HashData(signed) : SHA1.HashData(signed);
#pragma warning restore CA5350
        request.Headers.Add("X-Lark-Request-Timestamp", timestamp);
        request.Headers.Add("X-Lark-Request-Nonce", nonce);
        request.Headers.Add("X-Lark-Signature", Convert.ToHexStringLower(signature));
    }
}
