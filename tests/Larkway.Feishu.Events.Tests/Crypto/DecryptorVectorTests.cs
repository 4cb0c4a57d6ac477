using System.Text;
using Larkway.Feishu.Events.Crypto;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Tests.TestSupport;

namespace Larkway.Feishu.Events.Tests.Crypto;

public sealed class DecryptorVectorTests
{
    public static TheoryData<string> GeneratedIds => SharedVectors.Ids(SharedVectors.Crypto, "generated_vectors");

    public static TheoryData<string> NegativeIds => SharedVectors.Ids(SharedVectors.Crypto, "negative_vectors");

    [Fact]
    public void Vector_files_are_not_empty()
    {
        Assert.True(GeneratedIds.Count >= 9);
        Assert.True(NegativeIds.Count >= 9);
    }

    [Theory]
    [MemberData(nameof(GeneratedIds))]
    public void Generated_vector_decrypts_to_expected_plaintext(string id)
    {
        var v = SharedVectors.ById(SharedVectors.Crypto, "generated_vectors", id);
        var plaintext = new FeishuEventDecryptor(v.Str("encrypt_key")).Decrypt(v.Str("encrypt"));

        Assert.Equal(v.Str("expected_plaintext"), Encoding.UTF8.GetString(plaintext));
        Assert.Equal(v.GetProperty("expected_plaintext_utf8_len").GetInt32(), plaintext.Length);
    }

    [Theory]
    [MemberData(nameof(GeneratedIds))]
    public void Generated_vector_key_derivation_matches(string id)
    {
        var v = SharedVectors.ById(SharedVectors.Crypto, "generated_vectors", id);
        Assert.Equal(v.Str("aes_key_hex_sha256_of_encrypt_key"), Convert.ToHexStringLower(FeishuEventDecryptor.DeriveKey(v.Str("encrypt_key"))));
    }

    [Theory]
    [MemberData(nameof(GeneratedIds))]
    public void Encryptor_with_the_vector_iv_reproduces_the_vector(string id)
    {
        var v = SharedVectors.ById(SharedVectors.Crypto, "generated_vectors", id);
        var encrypted = new FeishuEventEncryptor(v.Str("encrypt_key"))
            .Encrypt(Encoding.UTF8.GetBytes(v.Str("expected_plaintext")), Convert.FromHexString(v.Str("iv_hex")));

        Assert.Equal(v.Str("encrypt"), encrypted);
    }

    [Theory]
    [MemberData(nameof(GeneratedIds))]
    public void Random_iv_round_trip(string id)
    {
        var v = SharedVectors.ById(SharedVectors.Crypto, "generated_vectors", id);
        var key = v.Str("encrypt_key");
        var encryptor = new FeishuEventEncryptor(key);
        var first = encryptor.Encrypt(v.Str("expected_plaintext"));
        var second = encryptor.Encrypt(v.Str("expected_plaintext"));

        Assert.NotEqual(first, second);
        Assert.Equal(v.Str("expected_plaintext"), Encoding.UTF8.GetString(new FeishuEventDecryptor(key).Decrypt(first)));
        Assert.Equal(v.Str("expected_plaintext"), Encoding.UTF8.GetString(new FeishuEventDecryptor(key).Decrypt(second)));
    }

    [Theory]
    [InlineData("neg-wrong-key", FeishuEventErrorReason.BadEncryption)]
    [InlineData("neg-wrong-key-valid-padding", FeishuEventErrorReason.BadEncryption)]
    [InlineData("neg-truncated-not-block-multiple", FeishuEventErrorReason.BadEncryption)]
    [InlineData("neg-iv-only", FeishuEventErrorReason.BadEncryption)]
    [InlineData("neg-shorter-than-block", FeishuEventErrorReason.BadEncryption)]
    [InlineData("neg-bitflip-last-block", FeishuEventErrorReason.BadEncryption)]
    [InlineData("neg-iv-bitflip-malleable", FeishuEventErrorReason.Malformed)]
    [InlineData("neg-invalid-base64", FeishuEventErrorReason.BadEncryption)]
    [InlineData("neg-base64url-alphabet", FeishuEventErrorReason.BadEncryption)]
    public void Negative_vector_is_rejected_with_reason(string id, FeishuEventErrorReason reason)
    {
        var v = SharedVectors.ById(SharedVectors.Crypto, "negative_vectors", id);
        var key = v.Str("encrypt_key");

        var ex = Assert.Throws<FeishuEventException>(() =>
            FeishuEventEnvelope.Parse(new FeishuEventDecryptor(key).Decrypt(v.Str("encrypt"))));

        Assert.Equal(reason, ex.Reason);
        Assert.DoesNotContain(key, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("challenge", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(NegativeIds))]
    public void Every_negative_vector_fails_decrypt_or_parse(string id)
    {
        var v = SharedVectors.ById(SharedVectors.Crypto, "negative_vectors", id);
        Assert.Equal("error", v.Str("expect"));

        Assert.Throws<FeishuEventException>(() =>
            FeishuEventEnvelope.Parse(new FeishuEventDecryptor(v.Str("encrypt_key")).Decrypt(v.Str("encrypt"))));
    }

    [Fact]
    public void Empty_plaintext_decrypts_but_is_not_an_envelope()
    {
        var v = SharedVectors.ById(SharedVectors.Crypto, "generated_vectors", "gen-empty-plaintext");
        var plaintext = new FeishuEventDecryptor(v.Str("encrypt_key")).Decrypt(v.Str("encrypt"));

        Assert.Empty(plaintext);
        Assert.Equal(FeishuEventErrorReason.Malformed, Assert.Throws<FeishuEventException>(() => FeishuEventEnvelope.Parse(plaintext)).Reason);
    }

    [Fact]
    public void Padding_with_unequal_bytes_is_rejected()
    {
        // Encrypt a block whose last byte claims 3 bytes of padding but whose pad bytes differ; strict PKCS#7 must reject it.
        const string key = "kT9y7XvQ2mN4pL6s";
        var block = "{\"a\":\"12345\"}\u0001\u0002\u0003"u8.ToArray();
        Assert.Equal(16, block.Length);
        var iv = new byte[16];
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = FeishuEventDecryptor.DeriveKey(key);
        var ct = aes.EncryptCbc(block, iv, System.Security.Cryptography.PaddingMode.None);
        var payload = Convert.ToBase64String([.. iv, .. ct]);

        var ex = Assert.Throws<FeishuEventException>(() => new FeishuEventDecryptor(key).Decrypt(payload));
        Assert.Equal(FeishuEventErrorReason.BadEncryption, ex.Reason);
        Assert.Contains("padding", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_pad_byte_is_rejected()
    {
        const string key = "kT9y7XvQ2mN4pL6s";
        var block = "{\"a\":\"12345678\"}"u8.ToArray()[..15].Concat(new byte[] { 0 }).ToArray();
        var iv = new byte[16];
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = FeishuEventDecryptor.DeriveKey(key);
        var payload = Convert.ToBase64String([.. iv, .. aes.EncryptCbc(block, iv, System.Security.Cryptography.PaddingMode.None)]);

        Assert.Equal(FeishuEventErrorReason.BadEncryption, Assert.Throws<FeishuEventException>(() => new FeishuEventDecryptor(key).Decrypt(payload)).Reason);
    }

    [Fact]
    public void Encryptor_rejects_wrong_iv_length() =>
        Assert.Throws<ArgumentException>(() => new FeishuEventEncryptor("k").Encrypt("{}"u8, new byte[8]));
}
