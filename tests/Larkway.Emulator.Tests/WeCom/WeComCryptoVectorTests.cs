using System.Text.Json;
using System.Xml.Linq;
using Larkway.Emulator.Tests.Infrastructure;
using Larkway.Emulator.WeCom.Callbacks;

namespace Larkway.Emulator.Tests.WeCom;

/// <summary>The emulator's WXBizMsgCrypt against tests/fixtures/vectors/wecom.json (generated, passive-reply and negative vectors).</summary>
public sealed class WeComCryptoVectorTests
{
    private static readonly JsonElement Vectors = SharedVectors.Load("wecom.json");

    public static TheoryData<string> Generated() => [.. Vectors.GetProperty("generated_vectors").EnumerateArray().Select(v => v.GetProperty("id").GetString()!)];

    public static TheoryData<string> Negative() => [.. Vectors.GetProperty("negative_vectors").EnumerateArray().Select(v => v.GetProperty("id").GetString()!)];

    [Theory]
    [MemberData(nameof(Generated))]
    public void Generated_vector_verifies_and_decrypts(string id)
    {
        var v = Vector("generated_vectors", id);
        var crypto = new WeComCrypto(v.GetProperty("token").GetString()!, v.GetProperty("encoding_aes_key").GetString()!, v.GetProperty("receiveid").GetString()!);
        var query = v.GetProperty("query");

        var message = crypto.Decrypt(query.GetProperty("msg_signature").GetString()!, query.GetProperty("timestamp").GetString()!, query.GetProperty("nonce").GetString()!, v.GetProperty("encrypt").GetString()!);

        Assert.Equal(v.GetProperty("expected").GetProperty("msg").GetString(), message);
    }

    [Theory]
    [MemberData(nameof(Generated))]
    public void Generated_vector_encrypts_to_the_same_ciphertext_with_its_random_bytes(string id)
    {
        var v = Vector("generated_vectors", id);
        var crypto = new WeComCrypto(v.GetProperty("token").GetString()!, v.GetProperty("encoding_aes_key").GetString()!, v.GetProperty("receiveid").GetString()!);

        var encrypted = crypto.Encrypt(v.GetProperty("expected").GetProperty("msg").GetString()!, Convert.FromHexString(v.GetProperty("random16_hex").GetString()!));

        Assert.Equal(v.GetProperty("encrypt").GetString(), encrypted);
        var query = v.GetProperty("query");
        Assert.Equal(query.GetProperty("msg_signature").GetString(), crypto.Sign(query.GetProperty("timestamp").GetString()!, query.GetProperty("nonce").GetString()!, encrypted));
    }

    [Fact]
    public void Passive_reply_vector_encrypts_signs_and_reads_back()
    {
        var v = Vectors.GetProperty("passive_reply_vector");
        var crypto = new WeComCrypto(v.GetProperty("token").GetString()!, v.GetProperty("encoding_aes_key").GetString()!, v.GetProperty("receiveid").GetString()!);
        var plaintext = v.GetProperty("reply_plaintext").GetString()!;

        var encrypted = crypto.Encrypt(plaintext, Convert.FromHexString(v.GetProperty("random16_hex").GetString()!));
        var signature = crypto.Sign(v.GetProperty("timestamp").GetString()!, v.GetProperty("nonce").GetString()!, encrypted);
        var (reply, error) = WeComCallbackSender.PassiveReply(crypto, v.GetProperty("expected_response_xml").GetString()!);

        Assert.Equal(v.GetProperty("encrypt").GetString(), encrypted);
        Assert.Equal(v.GetProperty("msg_signature").GetString(), signature);
        Assert.Null(error);
        Assert.Equal(plaintext, reply);
        Assert.Equal(encrypted, XElement.Parse(v.GetProperty("expected_response_xml").GetString()!).Element("Encrypt")!.Value);
    }

    [Theory]
    [MemberData(nameof(Negative))]
    public void Negative_vector_is_refused_with_its_code(string id)
    {
        var v = Vector("negative_vectors", id);
        var expected = int.Parse(v.GetProperty("expected_error").GetString()!.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

        var error = Assert.Throws<WeComCryptoException>(() =>
        {
            var crypto = new WeComCrypto(v.GetProperty("token").GetString()!, v.GetProperty("encoding_aes_key").GetString()!, v.GetProperty("receiveid").GetString()!);
            var query = v.GetProperty("query");
            crypto.Decrypt(query.GetProperty("msg_signature").GetString()!, query.GetProperty("timestamp").GetString()!, query.GetProperty("nonce").GetString()!, v.GetProperty("encrypt").GetString()!);
        });

        Assert.Equal(expected, error.Code);
    }

    [Fact]
    public void Fresh_encryptions_differ_and_both_decrypt()
    {
        var crypto = new WeComCrypto("tok", "LarkwayEmulatorWeComDevEncodingAesKey000000", "wwa1b2c3d4e5f60718");

        var first = crypto.Encrypt("<xml>你好</xml>");
        var second = crypto.Encrypt("<xml>你好</xml>");

        Assert.NotEqual(first, second);
        Assert.Equal("<xml>你好</xml>", crypto.Decrypt(first));
        Assert.Equal("<xml>你好</xml>", crypto.Decrypt(second));
    }

    private static JsonElement Vector(string list, string id) => Vectors.GetProperty(list).EnumerateArray().Single(v => v.GetProperty("id").GetString() == id);
}
