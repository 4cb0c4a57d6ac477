using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Larkway.Bench.WeComIngest;

/// <summary>
/// The driver's own WeCom callback encryption (WXBizMsgCrypt), written from WeCom's description of 加解密方案, not taken
/// from the client library or the Emulator, so the Hub meets an independent sender: the AES key is the EncodingAESKey
/// with "=" appended, Base64-decoded (32 bytes), its first 16 bytes the IV; the plaintext is 16 random bytes, the
/// message's length (4 bytes, network order), the message and the receiver id (the corp id), padded PKCS#7-style to a
/// multiple of 32 bytes and encrypted with AES-256-CBC; <c>msg_signature</c> is the SHA-1 (hex) of the token, the
/// timestamp, the nonce and the ciphertext sorted and joined.
/// </summary>
internal sealed class WeComEnvelope
{
    private const int Block = 32;

    private readonly string _token;
    private readonly string _receiveId;
    private readonly byte[] _key;

    public WeComEnvelope(string token, string encodingAesKey, string receiveId)
    {
        if (encodingAesKey.Length != 43)
        {
            throw new ArgumentException("an EncodingAESKey is 43 characters", nameof(encodingAesKey));
        }

        _token = token;
        _receiveId = receiveId;
        _key = Convert.FromBase64String(encodingAesKey + "=");
    }

    /// <summary>The <c>Encrypt</c> field of <paramref name="message"/>.</summary>
    public string Encrypt(string message)
    {
        var text = Encoding.UTF8.GetBytes(message);
        var receiver = Encoding.UTF8.GetBytes(_receiveId);
        var length = 16 + 4 + text.Length + receiver.Length;
        var pad = Block - (length % Block);
        var plain = new byte[length + pad];
        RandomNumberGenerator.Fill(plain.AsSpan(0, 16));
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(16, 4), text.Length);
        text.CopyTo(plain, 20);
        receiver.CopyTo(plain, 20 + text.Length);
        plain.AsSpan(length).Fill((byte)pad);

        using var aes = Aes.Create();
        aes.Key = _key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, _key.AsSpan(0, 16), PaddingMode.None));
    }

    /// <summary>The <c>msg_signature</c> of a request.</summary>
    public string Sign(string timestamp, string nonce, string encrypt)
    {
        string[] parts = [_token, timestamp, nonce, encrypt];
        Array.Sort(parts, StringComparer.Ordinal);
#pragma warning disable CA5350 // WeCom's msg_signature is SHA-1 by protocol.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
#pragma warning restore CA5350
    }
}
