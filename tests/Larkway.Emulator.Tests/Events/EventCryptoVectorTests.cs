using System.Text;
using Larkway.Emulator.Events;
using Larkway.Emulator.Tests.Infrastructure;

namespace Larkway.Emulator.Tests.Events;

/// <summary>The emulator's encryptor and signer reproduce the platforms' vectors (tests/fixtures/vectors) exactly.</summary>
public sealed class EventCryptoVectorTests
{
    [Fact]
    public void Encryptor_reproduces_every_generated_crypto_vector()
    {
        var vectors = SharedVectors.Load("feishu-crypto.json").GetProperty("generated_vectors").EnumerateArray().ToList();
        Assert.NotEmpty(vectors);
        foreach (var vector in vectors)
        {
            var encrypted = EventEncryptor.Encrypt(
                vector.GetProperty("encrypt_key").GetString()!,
                Encoding.UTF8.GetBytes(vector.GetProperty("expected_plaintext").GetString()!),
                Convert.FromHexString(vector.GetProperty("iv_hex").GetString()!));
            Assert.Equal(vector.GetProperty("encrypt").GetString(), encrypted);
        }
    }

    [Fact]
    public void Random_iv_encryption_decrypts_with_independent_code()
    {
        const string key = "kT9y7XvQ2mN4pL6s";
        const string plaintext = "{\"text\":\"🚀 上线 ok ✅\"}";
        var first = EventEncryptor.Encrypt(key, plaintext);
        Assert.NotEqual(first, EventEncryptor.Encrypt(key, plaintext));
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var blob = Convert.FromBase64String(first);
        Assert.Equal(plaintext, Encoding.UTF8.GetString(aes.DecryptCbc(blob.AsSpan(16), blob.AsSpan(0, 16))));
    }

    [Fact]
    public void Signer_reproduces_the_valid_signature_vectors_and_not_the_invalid_ones()
    {
        var root = SharedVectors.Load("feishu-signature.json");
        var valid = root.GetProperty("event_signature_vectors").EnumerateArray().Where(v => v.GetProperty("expect").GetString() == "valid").ToList();
        Assert.NotEmpty(valid);
        foreach (var vector in valid)
        {
            var headers = vector.GetProperty("headers");
            var signature = EventSigner.Sign(
                headers.GetProperty("X-Lark-Request-Timestamp").GetString()!,
                headers.GetProperty("X-Lark-Request-Nonce").GetString()!,
                vector.GetProperty("encrypt_key").GetString()!,
                Encoding.UTF8.GetBytes(vector.GetProperty("raw_body").GetString()!));
            Assert.Equal(headers.GetProperty("X-Lark-Signature").GetString(), signature);
        }

        foreach (var vector in root.GetProperty("event_signature_negative_vectors").EnumerateArray())
        {
            var headers = vector.GetProperty("headers");
            if (!vector.TryGetProperty("encrypt_key", out var key) || !vector.TryGetProperty("raw_body", out var body))
            {
                continue;
            }

            var signature = EventSigner.Sign(
                headers.GetProperty("X-Lark-Request-Timestamp").GetString()!,
                headers.GetProperty("X-Lark-Request-Nonce").GetString()!,
                key.GetString()!,
                Encoding.UTF8.GetBytes(body.GetString()!));
            Assert.NotEqual(headers.GetProperty("X-Lark-Signature").GetString(), signature);
        }
    }
}
