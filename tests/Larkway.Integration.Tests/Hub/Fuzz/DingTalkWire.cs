using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Larkway.Integration.Tests.Hub.Fuzz;

/// <summary>DingTalk's outgoing-robot signature and event-subscription encryption, written here independently of the libraries under test.</summary>
internal static class DingTalkWire
{
    /// <summary>The headers <c>timestamp</c> (ms) and <c>sign</c> = Base64(HMAC-SHA256(appSecret, timestamp + "\n" + appSecret)).</summary>
    public static void SignRobot(HttpRequestMessage request, string appSecret, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.TryAddWithoutValidation("timestamp", timestamp);
        request.Headers.TryAddWithoutValidation("sign", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes(timestamp + "\n" + appSecret))));
    }

    /// <summary>
    /// AES-256-CBC, key = Base64(aesKey + "="), IV = the key's first 16 bytes, over random(16) + length (big-endian) +
    /// message + owner key, padded PKCS#7 to 32 bytes.
    /// </summary>
    public static string Encrypt(byte[] message, string aesKey, string ownerKey)
    {
        var key = Convert.FromBase64String(aesKey + "=");
        var owner = Encoding.UTF8.GetBytes(ownerKey);
        var length = 20 + message.Length + owner.Length;
        var pad = 32 - (length % 32);
        var plain = new byte[length + pad];
        RandomNumberGenerator.Fill(plain.AsSpan(0, 16));
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(16, 4), message.Length);
        message.CopyTo(plain, 20);
        owner.CopyTo(plain, 20 + message.Length);
        plain.AsSpan(length).Fill((byte)pad);
        using var aes = Aes.Create();
        aes.Key = key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, key.AsSpan(0, 16), PaddingMode.None));
    }

    /// <summary>The query's signature: hex SHA-1 of token, timestamp, nonce and encrypt, sorted and joined.</summary>
    public static string Signature(string token, string timestamp, string nonce, string encrypt)
    {
        string[] parts = [token, timestamp, nonce, encrypt];
        Array.Sort(parts, StringComparer.Ordinal);
#pragma warning disable CA5350 // DingTalk's event subscription signs with SHA-1.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
#pragma warning restore CA5350
    }
}
