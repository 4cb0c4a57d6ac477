using System.Globalization;
using System.Text.Json;
using Larkway.WeCom.Callbacks;
using Larkway.WeCom.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Larkway.WeCom.Tests.Callbacks;

/// <summary>Every vector of tests/fixtures/vectors/wecom.json: the generated ones both ways, the passive reply, and each negative one.</summary>
public sealed class CallbackCryptoVectorTests
{
    public static TheoryData<string> Generated => WeComVectors.Ids("generated_vectors");

    public static TheoryData<string> Negative => WeComVectors.Ids("negative_vectors");

    [Theory]
    [MemberData(nameof(Generated))]
    public void Each_generated_vector_verifies_and_decrypts_to_its_message(string id)
    {
        var v = WeComVectors.ById("generated_vectors", id);
        var crypto = VectorCrypto(v, v.Str("receiveid"));
        var query = v.GetProperty("query");

        var plaintext = crypto.Decrypt(query.Str("msg_signature"), query.Str("timestamp"), query.Str("nonce"), v.Str("encrypt"));

        plaintext.ShouldBe(v.GetProperty("expected").Str("msg"));
        System.Text.Encoding.UTF8.GetByteCount(plaintext).ShouldBe(v.GetProperty("expected").GetProperty("msg_len").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Generated))]
    public void Each_generated_vector_encrypts_to_its_ciphertext_and_signature_with_its_random_bytes(string id)
    {
        var v = WeComVectors.ById("generated_vectors", id);
        var crypto = VectorCrypto(v, v.Str("receiveid"));
        var query = v.GetProperty("query");

        var encrypted = crypto.Encrypt(v.GetProperty("expected").Str("msg"), query.Str("timestamp"), query.Str("nonce"), Convert.FromHexString(v.Str("random16_hex")));

        encrypted.Encrypt.ShouldBe(v.Str("encrypt"));
        encrypted.MsgSignature.ShouldBe(query.Str("msg_signature"));
        // The pad byte the vector names is the last byte of the plaintext block.
        var padded = Convert.FromBase64String(encrypted.Encrypt).Length;
        var unpadded = 20 + System.Text.Encoding.UTF8.GetByteCount(v.GetProperty("expected").Str("msg")) + System.Text.Encoding.UTF8.GetByteCount(v.Str("receiveid"));
        (padded - unpadded).ShouldBe(v.GetProperty("expected").GetProperty("pkcs7_pad_byte").GetInt32());
    }

    [Fact]
    public void The_url_verification_vector_answers_the_echo_plaintext()
    {
        var v = WeComVectors.ById("generated_vectors", "gen-verify-url-echostr");
        var crypto = VectorCrypto(v, v.Str("receiveid"));
        var query = v.GetProperty("query");

        crypto.VerifyUrl(query.Str("msg_signature"), query.Str("timestamp"), query.Str("nonce"), v.Str("encrypt")).ShouldBe("8474939192758473322");
    }

    [Fact]
    public void The_passive_reply_vector_is_reproduced_byte_for_byte()
    {
        var v = WeComVectors.Root.GetProperty("passive_reply_vector");
        var crypto = VectorCrypto(v, v.Str("receiveid"));

        var reply = crypto.Encrypt(v.Str("reply_plaintext"), v.Str("timestamp"), v.Str("nonce"), Convert.FromHexString(v.Str("random16_hex")));

        reply.Encrypt.ShouldBe(v.Str("encrypt"));
        reply.MsgSignature.ShouldBe(v.Str("msg_signature"));
        reply.ToXml().ShouldBe(v.Str("expected_response_xml"));
    }

    [Fact]
    public void The_passive_reply_xml_decrypts_back_with_its_own_signature()
    {
        var v = WeComVectors.Root.GetProperty("passive_reply_vector");
        var crypto = VectorCrypto(v, v.Str("receiveid"));

        var xml = crypto.EncryptXmlReply(v.Str("reply_plaintext"), v.Str("timestamp"), v.Str("nonce"));
        var document = System.Xml.Linq.XDocument.Parse(xml).Root!;

        crypto.DecryptXml(document.Element("MsgSignature")!.Value, document.Element("TimeStamp")!.Value, document.Element("Nonce")!.Value, xml)
            .ShouldBe(v.Str("reply_plaintext"));
    }

    [Theory]
    [MemberData(nameof(Negative))]
    public void Each_negative_vector_fails_with_the_official_code(string id)
    {
        var v = WeComVectors.ById("negative_vectors", id);
        var expected = int.Parse(v.Str("expected_error").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

        var failure = Should.Throw<WeComCallbackException>(() =>
        {
            var crypto = VectorCrypto(v, v.Str("receiveid"));
            var query = v.GetProperty("query");
            crypto.Decrypt(query.Str("msg_signature"), query.Str("timestamp"), query.Str("nonce"), v.Str("encrypt"));
        });

        failure.Code.ShouldBe(expected);
        failure.Message.ShouldContain(expected.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_official_example_the_negatives_are_based_on_decrypts_with_the_right_receive_id()
    {
        // neg-receiveid-mismatch carries the documented example's signature and ciphertext unchanged.
        var v = WeComVectors.ById("negative_vectors", "neg-receiveid-mismatch");
        var crypto = VectorCrypto(v, "wx5823bf96d3bd56c7");
        var query = v.GetProperty("query");

        var xml = crypto.Decrypt(query.Str("msg_signature"), query.Str("timestamp"), query.Str("nonce"), v.Str("encrypt"));

        var message = WeComCallbackMessage.Parse(xml);
        message.ToUserName.ShouldBe("wx5823bf96d3bd56c7");
        message.ShouldBeOfType<WeComTextMessage>().Content.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void A_receive_id_mismatch_names_both_ids()
    {
        var v = WeComVectors.ById("negative_vectors", "neg-receiveid-mismatch");
        var crypto = VectorCrypto(v, v.Str("receiveid"));
        var query = v.GetProperty("query");

        var failure = Should.Throw<WeComCallbackException>(() => crypto.Decrypt(query.Str("msg_signature"), query.Str("timestamp"), query.Str("nonce"), v.Str("encrypt")));

        failure.Error.ShouldBe(WeComCallbackError.ValidateReceiveId);
        failure.Message.ShouldContain("wx5823bf96d3bd56c7");
        failure.Message.ShouldContain("ww0000000000000000");
    }

    [Fact]
    public void A_published_vector_is_refused_as_stale_on_todays_clock_by_the_default_constructor()
    {
        var v = WeComVectors.ById("generated_vectors", "gen-verify-url-echostr");
        var crypto = new WeComCallbackCrypto(v.Str("token"), v.Str("encoding_aes_key"), v.Str("receiveid"));
        var query = v.GetProperty("query");

        Should.Throw<WeComCallbackException>(() => crypto.VerifyUrl(query.Str("msg_signature"), query.Str("timestamp"), query.Str("nonce"), v.Str("encrypt")))
            .Error.ShouldBe(WeComCallbackError.StaleTimestamp);
    }

    /// <summary>
    /// The vector's crypto with the default window and the clock standing at the vector's timestamp: the vectors are
    /// years old, and the window is the receiver's rule, tested on its own in <see cref="CallbackWindowTests"/>.
    /// </summary>
    private static WeComCallbackCrypto VectorCrypto(JsonElement v, string receiveId)
    {
        var timestamp = v.TryGetProperty("query", out var query) ? query.Str("timestamp") : v.TryGetProperty("timestamp", out var own) ? own.GetString()! : "0";
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, CultureInfo.InvariantCulture)));
        return new WeComCallbackCrypto(v.Str("token"), v.Str("encoding_aes_key"), receiveId, new WeComCallbackOptions { TimeProvider = clock });
    }
}
