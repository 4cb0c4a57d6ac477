using System.Globalization;
using System.Text.Json;
using Larkway.DingTalk.Callbacks;
using Microsoft.Extensions.Time.Testing;

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

        // The vectors are years old: the receiver's clock is set to each one's timestamp (the window stays the default).
        var result = Crypto(At(v.Str("timeStamp"))).Decrypt(v.Str("msg_signature"), v.Str("timeStamp"), v.Str("nonce"), v.Str("encrypt"));

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
        var sent = DateTimeOffset.UnixEpoch.AddYears(56);
        var crypto = Crypto(new FakeTimeProvider(sent));
        var reply = crypto.Encrypt("""{"EventType":"user_add_org","UserId":["u1"]}""", sent);

        crypto.Decrypt(reply.MsgSignature, reply.TimeStamp, reply.Nonce, reply.Encrypt).Plaintext.ShouldBe("""{"EventType":"user_add_org","UserId":["u1"]}""");
    }

    [Fact]
    public void Each_kind_of_failure_is_named()
    {
        var v = Vector("official-check-url");
        var clock = At(v.Str("timeStamp"));
        var crypto = Crypto(clock);

        crypto.Decrypt(null, v.Str("timeStamp"), v.Str("nonce"), v.Str("encrypt")).Status.ShouldBe(DingTalkCallbackCryptoStatus.Missing);
        crypto.Decrypt(v.Str("msg_signature"), "1608001896815", v.Str("nonce"), v.Str("encrypt")).Status.ShouldBe(DingTalkCallbackCryptoStatus.SignatureMismatch);

        var otherOwner = new DingTalkCallbackCrypto("mryue", Vectors.GetProperty("keys").Str("aes_key"), "dingsomeoneelse", new DingTalkCallbackOptions { TimeProvider = clock });
        otherOwner.Decrypt(v.Str("msg_signature"), v.Str("timeStamp"), v.Str("nonce"), v.Str("encrypt")).Status.ShouldBe(DingTalkCallbackCryptoStatus.OwnerMismatch);

        var otherKey = new DingTalkCallbackCrypto("mryue", "o1w0aum42yaptlz8alnhwikjd3jenzt9cb9wmzptgus", "ding6ccabc44d2c8d38b", new DingTalkCallbackOptions { TimeProvider = clock });
        otherKey.Decrypt(v.Str("msg_signature"), v.Str("timeStamp"), v.Str("nonce"), v.Str("encrypt")).Status.ShouldNotBe(DingTalkCallbackCryptoStatus.Ok);

        const string garbage = "not base64!";
        crypto.Decrypt(crypto.Sign(v.Str("timeStamp"), "n", garbage), v.Str("timeStamp"), "n", garbage).Status.ShouldBe(DingTalkCallbackCryptoStatus.Malformed);
    }

    [Fact]
    public void A_correctly_signed_push_two_days_old_is_refused_as_expired_by_default()
    {
        var now = DateTimeOffset.UnixEpoch.AddYears(56);
        var pushed = Crypto(new FakeTimeProvider(now)).Encrypt("""{"EventType":"user_add_org","UserId":["mallory"]}""", now - TimeSpan.FromDays(2));

        var result = Crypto(new FakeTimeProvider(now)).Decrypt(pushed.MsgSignature, pushed.TimeStamp, pushed.Nonce, pushed.Encrypt);

        result.Status.ShouldBe(DingTalkCallbackCryptoStatus.Expired);
        result.Plaintext.ShouldBeNull();
    }

    [Fact]
    public void The_window_is_five_minutes_either_way_by_default_configurable_and_null_turns_it_off()
    {
        var now = DateTimeOffset.UnixEpoch.AddYears(56);
        var clock = new FakeTimeProvider(now);
        var crypto = Crypto(clock);
        DingTalkCallbackCryptoStatus Pushed(TimeSpan offset, DingTalkCallbackCrypto receiver)
        {
            var pushed = receiver.Encrypt("{}", now + offset);
            return receiver.Decrypt(pushed.MsgSignature, pushed.TimeStamp, pushed.Nonce, pushed.Encrypt).Status;
        }

        crypto.TimestampWindow.ShouldBe(TimeSpan.FromMinutes(5));
        Pushed(TimeSpan.FromMinutes(-5), crypto).ShouldBe(DingTalkCallbackCryptoStatus.Ok);
        Pushed(TimeSpan.FromMinutes(5), crypto).ShouldBe(DingTalkCallbackCryptoStatus.Ok);
        Pushed(TimeSpan.FromMinutes(-5) - TimeSpan.FromMilliseconds(1), crypto).ShouldBe(DingTalkCallbackCryptoStatus.Expired);
        Pushed(TimeSpan.FromMinutes(5) + TimeSpan.FromMilliseconds(1), crypto).ShouldBe(DingTalkCallbackCryptoStatus.Expired);

        var keys = Vectors.GetProperty("keys");
        var wide = new DingTalkCallbackCrypto(keys.Str("token"), keys.Str("aes_key"), keys.Str("owner_key"), new DingTalkCallbackOptions { TimestampWindow = TimeSpan.FromHours(1), TimeProvider = clock });
        Pushed(TimeSpan.FromMinutes(-59), wide).ShouldBe(DingTalkCallbackCryptoStatus.Ok);
        var off = new DingTalkCallbackCrypto(keys.Str("token"), keys.Str("aes_key"), keys.Str("owner_key"), new DingTalkCallbackOptions { TimestampWindow = null, TimeProvider = clock });
        Pushed(-TimeSpan.FromDays(400), off).ShouldBe(DingTalkCallbackCryptoStatus.Ok);
        Should.Throw<ArgumentException>(() => new DingTalkCallbackCrypto("t", keys.Str("aes_key"), "o", new DingTalkCallbackOptions { TimestampWindow = TimeSpan.FromSeconds(-1) }));
    }

    [Fact]
    public void A_published_vector_is_refused_on_todays_clock_by_the_default_constructor()
    {
        var v = Vector("official-check-url");
        var keys = Vectors.GetProperty("keys");

        new DingTalkCallbackCrypto(keys.Str("token"), keys.Str("aes_key"), keys.Str("owner_key"))
            .Decrypt(v.Str("msg_signature"), v.Str("timeStamp"), v.Str("nonce"), v.Str("encrypt")).Status.ShouldBe(DingTalkCallbackCryptoStatus.Expired);
    }

    [Fact]
    public void An_aes_key_of_the_wrong_length_is_refused_saying_what_it_should_be() =>
        Should.Throw<ArgumentException>(() => new DingTalkCallbackCrypto("t", "short", "ding1")).Message.ShouldContain("43 characters");

    private static DingTalkCallbackCrypto Crypto(TimeProvider? clock = null)
    {
        var keys = Vectors.GetProperty("keys");
        return new DingTalkCallbackCrypto(keys.Str("token"), keys.Str("aes_key"), keys.Str("owner_key"), new DingTalkCallbackOptions { TimeProvider = clock ?? TimeProvider.System });
    }

    /// <summary>A clock standing at a vector's timestamp (milliseconds).</summary>
    private static FakeTimeProvider At(string milliseconds) =>
        new(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(milliseconds, CultureInfo.InvariantCulture)));

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
