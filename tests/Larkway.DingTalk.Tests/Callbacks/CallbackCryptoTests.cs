using System.Text.Json;
using Larkway.DingTalk.Callbacks;

namespace Larkway.DingTalk.Tests.Callbacks;

public sealed class CallbackCryptoTests
{
    private static readonly JsonElement Vectors = Load();

    public static TheoryData<string> DecryptIds()
    {
        var data = new TheoryData<string>();
        foreach (var v in Vectors.GetProperty("decrypt_vectors").EnumerateArray())
        {
            data.Add(v.GetProperty("id").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DecryptIds))]
    public void Each_vector_verifies_and_decrypts(string id)
    {
        var v = Vector(id);

        var result = Crypto().Decrypt(v.Str("msg_signature"), v.Str("timeStamp"), v.Str("nonce"), v.Str("encrypt"));

        result.Status.ShouldBe(DingTalkCallbackCryptoStatus.Ok);
        result.Plaintext.ShouldBe(v.Str("expected_plaintext"));
    }

    [Fact]
    public void The_success_reply_encrypts_exactly_as_the_shared_vector()
    {
        var v = Vector("shared-success-response");

        var reply = Crypto().Encrypt("success", v.Str("timeStamp"), v.Str("nonce"), Convert.FromHexString(v.Str("random16_hex")));

        reply.Encrypt.ShouldBe(v.Str("encrypt"));
        reply.MsgSignature.ShouldBe(v.Str("msg_signature"));
        JsonSerializer.Serialize(reply).ShouldContain("\"timeStamp\":\"1608001896900\"");
    }

    [Fact]
    public void What_it_encrypts_it_decrypts()
    {
        var crypto = Crypto();
        var reply = crypto.Encrypt("""{"EventType":"user_add_org","UserId":["u1"]}""", DateTimeOffset.UnixEpoch.AddYears(56));

        crypto.Decrypt(reply.MsgSignature, reply.TimeStamp, reply.Nonce, reply.Encrypt).Plaintext.ShouldBe("""{"EventType":"user_add_org","UserId":["u1"]}""");
    }

    [Fact]
    public void Each_kind_of_failure_is_named()
    {
        var v = Vector("official-check-url");
        var crypto = Crypto();

        crypto.Decrypt(null, v.Str("timeStamp"), v.Str("nonce"), v.Str("encrypt")).Status.ShouldBe(DingTalkCallbackCryptoStatus.Missing);
        crypto.Decrypt(v.Str("msg_signature"), "1608001896815", v.Str("nonce"), v.Str("encrypt")).Status.ShouldBe(DingTalkCallbackCryptoStatus.SignatureMismatch);

        var otherOwner = new DingTalkCallbackCrypto("mryue", Vectors.GetProperty("keys").Str("aes_key"), "dingsomeoneelse");
        otherOwner.Decrypt(v.Str("msg_signature"), v.Str("timeStamp"), v.Str("nonce"), v.Str("encrypt")).Status.ShouldBe(DingTalkCallbackCryptoStatus.OwnerMismatch);

        var otherKey = new DingTalkCallbackCrypto("mryue", "o1w0aum42yaptlz8alnhwikjd3jenzt9cb9wmzptgus", "ding6ccabc44d2c8d38b");
        otherKey.Decrypt(v.Str("msg_signature"), v.Str("timeStamp"), v.Str("nonce"), v.Str("encrypt")).Status.ShouldNotBe(DingTalkCallbackCryptoStatus.Ok);

        const string garbage = "not base64!";
        crypto.Decrypt(crypto.Sign("1", "n", garbage), "1", "n", garbage).Status.ShouldBe(DingTalkCallbackCryptoStatus.Malformed);
    }

    [Fact]
    public void An_aes_key_of_the_wrong_length_is_refused_saying_what_it_should_be() =>
        Should.Throw<ArgumentException>(() => new DingTalkCallbackCrypto("t", "short", "ding1")).Message.ShouldContain("43 characters");

    private static DingTalkCallbackCrypto Crypto()
    {
        var keys = Vectors.GetProperty("keys");
        return new DingTalkCallbackCrypto(keys.Str("token"), keys.Str("aes_key"), keys.Str("owner_key"));
    }

    private static JsonElement Vector(string id) => Vectors.GetProperty("decrypt_vectors").EnumerateArray().Single(v => v.Str("id") == id);

    private static JsonElement Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "legacy-callback-crypto.json")));
        return document.RootElement.Clone();
    }
}

internal static class JsonElementText
{
    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString()!;
}
