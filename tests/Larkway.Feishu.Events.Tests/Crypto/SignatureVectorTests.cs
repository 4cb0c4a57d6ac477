using System.Text;
using Larkway.Feishu.Events.Crypto;
using Larkway.Feishu.Events.Tests.TestSupport;

namespace Larkway.Feishu.Events.Tests.Crypto;

public sealed class SignatureVectorTests
{
    public static TheoryData<string> EventValidIds => SharedVectors.Ids(SharedVectors.Signature, "event_signature_vectors");

    public static TheoryData<string> EventInvalidIds => SharedVectors.Ids(SharedVectors.Signature, "event_signature_negative_vectors");

    public static TheoryData<string> CardValidIds => SharedVectors.Ids(SharedVectors.Signature, "card_v1_signature_vectors");

    public static TheoryData<string> CardInvalidIds => SharedVectors.Ids(SharedVectors.Signature, "card_v1_signature_negative_vectors");

    [Theory]
    [MemberData(nameof(EventValidIds))]
    public void Event_signature_vector_is_valid(string id)
    {
        var v = SharedVectors.ById(SharedVectors.Signature, "event_signature_vectors", id);
        var (ts, nonce, sig) = Headers(v);
        var body = Encoding.UTF8.GetBytes(v.Str("raw_body"));

        Assert.Equal(v.GetProperty("raw_body_utf8_len").GetInt32(), body.Length);
        Assert.Equal(sig, FeishuEventSignature.ComputeEventSignature(ts, nonce, v.Str("encrypt_key"), body));
        Assert.True(FeishuEventSignature.VerifyEventSignature(ts, nonce, v.Str("encrypt_key"), body, sig));
        Assert.False(FeishuEventSignature.VerifyLegacyCardSignature(ts, nonce, v.Str("encrypt_key"), body, sig));
    }

    [Theory]
    [MemberData(nameof(EventInvalidIds))]
    public void Event_signature_negative_vector_is_invalid(string id)
    {
        var v = SharedVectors.ById(SharedVectors.Signature, "event_signature_negative_vectors", id);
        var (ts, nonce, sig) = Headers(v);

        Assert.False(FeishuEventSignature.VerifyEventSignature(ts, nonce, v.Str("encrypt_key"), Encoding.UTF8.GetBytes(v.Str("raw_body")), sig));
    }

    [Theory]
    [MemberData(nameof(CardValidIds))]
    public void Legacy_card_signature_vector_is_valid(string id)
    {
        var v = SharedVectors.ById(SharedVectors.Signature, "card_v1_signature_vectors", id);
        var (ts, nonce, sig) = Headers(v);
        var body = Encoding.UTF8.GetBytes(v.Str("raw_body"));

        Assert.Equal(sig, FeishuEventSignature.ComputeLegacyCardSignature(ts, nonce, v.Str("verification_token"), body));
        Assert.True(FeishuEventSignature.VerifyLegacyCardSignature(ts, nonce, v.Str("verification_token"), body, sig));
        Assert.False(FeishuEventSignature.VerifyEventSignature(ts, nonce, v.Str("verification_token"), body, sig));
    }

    [Theory]
    [MemberData(nameof(CardInvalidIds))]
    public void Legacy_card_signature_negative_vector_is_invalid(string id)
    {
        var v = SharedVectors.ById(SharedVectors.Signature, "card_v1_signature_negative_vectors", id);
        var (ts, nonce, sig) = Headers(v);

        Assert.False(FeishuEventSignature.VerifyLegacyCardSignature(ts, nonce, v.Str("verification_token"), Encoding.UTF8.GetBytes(v.Str("raw_body")), sig));
    }

    [Fact]
    public void Missing_timestamp_or_nonce_fails()
    {
        var v = SharedVectors.ById(SharedVectors.Signature, "event_signature_vectors", "gen-encrypted-chinese-event");
        var (ts, nonce, sig) = Headers(v);
        var body = Encoding.UTF8.GetBytes(v.Str("raw_body"));

        Assert.False(FeishuEventSignature.VerifyEventSignature(null, nonce, v.Str("encrypt_key"), body, sig));
        Assert.False(FeishuEventSignature.VerifyEventSignature(ts, null, v.Str("encrypt_key"), body, sig));
        Assert.False(FeishuEventSignature.VerifyEventSignature(ts, nonce, v.Str("encrypt_key"), body, null));
    }

    private static (string Timestamp, string Nonce, string Signature) Headers(System.Text.Json.JsonElement v)
    {
        var h = v.GetProperty("headers");
        return (h.Str(FeishuEventSignature.TimestampHeader), h.Str(FeishuEventSignature.NonceHeader), h.Str(FeishuEventSignature.SignatureHeader));
    }
}
