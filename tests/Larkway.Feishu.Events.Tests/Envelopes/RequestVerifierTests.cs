using System.Text;
using System.Text.Json;
using Larkway.Feishu.Events.Crypto;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Tests.TestSupport;

namespace Larkway.Feishu.Events.Tests.Envelopes;

public sealed class RequestVerifierTests
{
    private const string EncryptKey = "kT9y7XvQ2mN4pL6s";
    private const string Token = "vt_8dJk2LmNpQr";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_718_000_000);

    private static FeishuEventRequestVerifier Verifier(string? encryptKey = EncryptKey, string? token = Token, DateTimeOffset? now = null, TimeSpan? window = null, bool noWindow = false, bool legacy = true) =>
        new(new FeishuEventReceiverOptions
        {
            EncryptKey = encryptKey,
            VerificationToken = token,
            AcceptLegacyCardCallbacks = legacy,
            TimeProvider = new FixedTimeProvider(now ?? Now),
            TimestampWindow = noWindow ? null : window ?? FeishuRequestTimestamp.DefaultWindow,
        });

    private static (byte[] Body, FeishuRequestHeaders Headers) Vector(string array, string id)
    {
        var v = SharedVectors.ById(SharedVectors.Signature, array, id);
        var h = v.GetProperty("headers");
        return (Encoding.UTF8.GetBytes(v.Str("raw_body")),
            new FeishuRequestHeaders(h.Str("X-Lark-Request-Timestamp"), h.Str("X-Lark-Request-Nonce"), h.Str("X-Lark-Signature")));
    }

    private static FeishuRequestHeaders Sign(byte[] body, string key = EncryptKey, string timestamp = "1718000000", string nonce = "n-1") =>
        new(timestamp, nonce, FeishuEventSignature.ComputeEventSignature(timestamp, nonce, key, body));

    private static FeishuEventErrorReason Reason(Action action) => Assert.Throws<FeishuEventException>(action).Reason;

    [Fact]
    public void Signed_encrypted_event_is_verified_decrypted_and_parsed()
    {
        var (body, headers) = Vector("event_signature_vectors", "gen-encrypted-chinese-event");
        var result = Verifier().Verify(body, headers);

        Assert.True(result.WasEncrypted);
        Assert.True(result.SignatureVerified);
        Assert.Equal(FeishuEnvelopeKind.V2, result.Envelope.Kind);
        Assert.Equal("im.message.receive_v1", result.Envelope.EventType);
        Assert.Equal("0d1f7c2a9b3e4f5a6b7c8d9e0f1a2b3c", result.Envelope.DedupKey);
        Assert.Equal("cli_a1b2c3d4e5f6a7b8", result.Envelope.AppId);
        Assert.Null(result.ChallengeResponseJson);
    }

    [Theory]
    [InlineData("{{\"encrypt\":\"{0}\"}}")]
    [InlineData(" {{ \"encrypt\" : \"{0}\" }}\n")]
    [InlineData("{{\"encrypt\":\"{1}\"}}")]
    [InlineData("{{\"\\u0065ncrypt\":\"{0}\"}}")]
    [InlineData("{{\"encrypt\":\"{0}\",\"note\":1}}")]
    public void An_encrypted_event_reads_the_same_in_every_json_spelling_of_its_body(string shape)
    {
        // Feishu sends {"encrypt":"…"} alone, which is read straight from the bytes; any other spelling takes the full parse.
        var (vector, _) = Vector("event_signature_vectors", "gen-encrypted-chinese-event");
        var encrypt = System.Text.Json.JsonDocument.Parse(vector).RootElement.GetProperty("encrypt").GetString()!;
        var body = Encoding.UTF8.GetBytes(string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, encrypt, encrypt.Replace("/", "\\/", StringComparison.Ordinal)));

        var result = Verifier().Verify(body, Sign(body));

        Assert.True(result.WasEncrypted);
        Assert.Equal("0d1f7c2a9b3e4f5a6b7c8d9e0f1a2b3c", result.Envelope.DedupKey);
    }

    [Theory]
    [InlineData("{{\"encrypt\":\"{0}\",\"encrypt\":\"{0}\"}}", FeishuEventErrorReason.Malformed)]
    [InlineData("{{\"encrypt\":\"{0}\"}} {{}}", FeishuEventErrorReason.Malformed)]
    [InlineData("{{\"encrypt\":\"{0}!\"}}", FeishuEventErrorReason.BadEncryption)]
    [InlineData("{{\"encrypt\":\"{0}\"", FeishuEventErrorReason.Malformed)]
    public void A_signed_body_that_is_not_one_encrypt_string_is_refused(string shape, FeishuEventErrorReason reason)
    {
        var (vector, _) = Vector("event_signature_vectors", "gen-encrypted-chinese-event");
        var encrypt = System.Text.Json.JsonDocument.Parse(vector).RootElement.GetProperty("encrypt").GetString()!;
        var body = Encoding.UTF8.GetBytes(string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, encrypt));

        Assert.Equal(reason, Reason(() => Verifier().Verify(body, Sign(body))));
    }

    [Fact]
    public void Tampered_body_is_bad_signature()
    {
        var (_, headers) = Vector("event_signature_vectors", "gen-encrypted-chinese-event");
        var (tampered, _) = Vector("event_signature_negative_vectors", "neg-body-one-byte-changed");
        Assert.Equal(FeishuEventErrorReason.BadSignature, Reason(() => Verifier().Verify(tampered, headers)));
    }

    [Fact]
    public void Wrong_nonce_is_bad_signature()
    {
        var (body, headers) = Vector("event_signature_vectors", "gen-encrypted-chinese-event");
        Assert.Equal(FeishuEventErrorReason.BadSignature, Reason(() => Verifier().Verify(body, headers with { Nonce = headers.Nonce + "x" })));
    }

    [Fact]
    public void Wrong_encrypt_key_is_bad_signature()
    {
        var (body, headers) = Vector("event_signature_vectors", "gen-encrypted-chinese-event");
        var ex = Assert.Throws<FeishuEventException>(() => Verifier(encryptKey: "kT9y7XvQ2mN4pL6sx").Verify(body, headers));

        Assert.Equal(FeishuEventErrorReason.BadSignature, ex.Reason);
        Assert.DoesNotContain("kT9y7XvQ2mN4pL6s", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(headers.Signature!, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Uppercase_signature_is_bad_signature()
    {
        var (body, headers) = Vector("event_signature_vectors", "gen-encrypted-chinese-event");
        Assert.Equal(FeishuEventErrorReason.BadSignature, Reason(() => Verifier().Verify(body, headers with { Signature = headers.Signature!.ToUpperInvariant() })));
    }

    [Fact]
    public void Stale_timestamp_is_rejected_after_a_valid_signature()
    {
        var (body, headers) = Vector("event_signature_vectors", "gen-encrypted-chinese-event");

        Assert.Equal(FeishuEventErrorReason.StaleTimestamp, Reason(() => Verifier(now: Now.AddMinutes(6)).Verify(body, headers)));
        Assert.Equal(FeishuEventErrorReason.StaleTimestamp, Reason(() => Verifier(now: Now.AddMinutes(-6)).Verify(body, headers)));
        Assert.True(Verifier(now: Now.AddMinutes(6), window: TimeSpan.FromMinutes(10)).Verify(body, headers).SignatureVerified);
        Assert.True(Verifier(now: Now.AddDays(900), noWindow: true).Verify(body, headers).SignatureVerified);
    }

    [Fact]
    public void Wrong_token_is_rejected()
    {
        var (body, headers) = Vector("event_signature_vectors", "gen-encrypted-chinese-event");
        var ex = Assert.Throws<FeishuEventException>(() => Verifier(token: "vt_other").Verify(body, headers));

        Assert.Equal(FeishuEventErrorReason.WrongToken, ex.Reason);
        Assert.DoesNotContain(Token, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("vt_other", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signed_body_with_bad_padding_is_bad_encryption()
    {
        var encrypt = SharedVectors.ById(SharedVectors.Crypto, "negative_vectors", "neg-bitflip-last-block").Str("encrypt");
        var body = Encoding.UTF8.GetBytes("{\"encrypt\":\"" + encrypt + "\"}");

        Assert.Equal(FeishuEventErrorReason.BadEncryption, Reason(() => Verifier().Verify(body, Sign(body))));
    }

    [Fact]
    public void Encrypted_event_without_signature_is_rejected()
    {
        var (body, headers) = Vector("event_signature_vectors", "gen-encrypted-chinese-event");
        Assert.Equal(FeishuEventErrorReason.BadSignature, Reason(() => Verifier().Verify(body, headers with { Signature = null })));
        Assert.Equal(FeishuEventErrorReason.BadSignature, Reason(() => Verifier().Verify(body, headers with { Signature = "" })));
    }

    [Theory]
    [InlineData("neg-iv-only")]
    [InlineData("neg-shorter-than-block")]
    [InlineData("neg-bitflip-last-block")]
    [InlineData("neg-iv-bitflip-malleable")]
    [InlineData("neg-truncated-not-block-multiple")]
    [InlineData("neg-invalid-base64")]
    public void Unsigned_encrypted_garbage_always_fails_the_same_way(string id)
    {
        // No padding/parse oracle for unauthenticated callers: every failure is BadSignature.
        var encrypt = SharedVectors.ById(SharedVectors.Crypto, "negative_vectors", id).Str("encrypt");
        var body = Encoding.UTF8.GetBytes("{\"encrypt\":\"" + encrypt + "\"}");

        var ex = Assert.Throws<FeishuEventException>(() => Verifier().Verify(body, default));
        Assert.Equal(FeishuEventErrorReason.BadSignature, ex.Reason);
        Assert.Equal("The encrypted Feishu request has no X-Lark-Signature header and is not a url_verification challenge decryptable with the configured encrypt key.", ex.Message);
    }

    [Fact]
    public void Encrypted_body_without_configured_key_is_a_configuration_error()
    {
        var (body, headers) = Vector("event_signature_vectors", "gen-encrypted-chinese-event");
        Assert.Equal(FeishuEventErrorReason.Configuration, Reason(() => Verifier(encryptKey: null).Verify(body, headers)));
    }

    [Fact]
    public void Plain_url_verification_needs_no_signature_but_checks_the_token()
    {
        var body = Samples.PayloadBytes("url_verification.plain.json");

        var result = Verifier(token: "xxxxxx").Verify(body, default);
        Assert.True(result.Envelope.IsUrlVerification);
        Assert.False(result.SignatureVerified);
        Assert.False(result.WasEncrypted);
        Assert.Equal("{\"challenge\":\"ajls384kdjxxxx\"}", result.ChallengeResponseJson);

        Assert.Equal(FeishuEventErrorReason.WrongToken, Reason(() => Verifier(token: "yyyyyy").Verify(body, default)));
    }

    [Fact]
    public void Encrypted_url_verification_vector_is_answered()
    {
        var v = SharedVectors.ById(SharedVectors.Crypto, "generated_vectors", "gen-ascii-url-verification");
        var body = Encoding.UTF8.GetBytes("{\"encrypt\":\"" + v.Str("encrypt") + "\"}");

        var result = Verifier().Verify(body, default);

        Assert.True(result.WasEncrypted);
        Assert.Equal("c5b0e2b8-6e4c-4d2f-9a1e-3f2a7b9c0d11", result.Envelope.Challenge);
        Assert.Equal("{\"challenge\":\"c5b0e2b8-6e4c-4d2f-9a1e-3f2a7b9c0d11\"}", result.ChallengeResponseJson);
        Assert.Equal(FeishuEventErrorReason.WrongToken, Reason(() => Verifier(token: "vt_other").Verify(body, default)));
    }

    [Fact]
    public void Signed_encrypted_url_verification_is_checked_like_an_event()
    {
        var v = SharedVectors.ById(SharedVectors.Crypto, "generated_vectors", "gen-ascii-url-verification");
        var body = Encoding.UTF8.GetBytes("{\"encrypt\":\"" + v.Str("encrypt") + "\"}");

        var result = Verifier().Verify(body, Sign(body));
        Assert.True(result.SignatureVerified);
        Assert.True(result.Envelope.IsUrlVerification);

        Assert.Equal(FeishuEventErrorReason.BadSignature, Reason(() => Verifier().Verify(body, Sign(body, key: "not-the-key"))));
    }

    [Fact]
    public void Options_are_snapshotted_at_construction()
    {
        var options = new FeishuEventReceiverOptions { EncryptKey = EncryptKey, VerificationToken = Token, TimeProvider = new FixedTimeProvider(Now) };
        var verifier = new FeishuEventRequestVerifier(options);
        options.VerificationToken = "changed";
        options.EncryptKey = "changed";

        var (body, headers) = Vector("event_signature_vectors", "gen-encrypted-chinese-event");
        Assert.True(verifier.Verify(body, headers).SignatureVerified);
    }

    [Fact]
    public void Url_verification_encrypted_with_our_encryptor_round_trips()
    {
        var plain = Samples.Payload("url_verification.plain.json").GetRawText();
        var body = Encoding.UTF8.GetBytes(new FeishuEventEncryptor(EncryptKey).EncryptBody(plain));

        var result = Verifier(token: "xxxxxx").Verify(body, default);

        Assert.True(result.WasEncrypted);
        Assert.Equal("ajls384kdjxxxx", result.Envelope.Challenge);
        Assert.Equal(FeishuEventErrorReason.BadSignature, Reason(() => Verifier(encryptKey: "another-key", token: "xxxxxx").Verify(body, default)));
    }

    [Fact]
    public void Plain_event_with_encrypt_key_configured_must_be_signed()
    {
        var (body, headers) = Vector("event_signature_vectors", "gen-plaintext-utf8-pretty-body");

        var result = Verifier(now: DateTimeOffset.FromUnixTimeSeconds(1_718_000_123)).Verify(body, headers);
        Assert.True(result.SignatureVerified);
        Assert.False(result.WasEncrypted);
        Assert.Equal("im.message.receive_v1", result.Envelope.EventType);

        Assert.Equal(FeishuEventErrorReason.BadSignature, Reason(() => Verifier().Verify(body, default)));
    }

    [Fact]
    public void Plain_event_without_encrypt_key_relies_on_the_token()
    {
        var body = Samples.PayloadBytes("im.message.receive_v1.p2p_text.json");

        var result = Verifier(encryptKey: null, token: "rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV").Verify(body, default);
        Assert.False(result.SignatureVerified);
        Assert.Equal("b092b2a7e25b5fa20a641edf8426767a", result.Envelope.DedupKey);

        Assert.Equal(FeishuEventErrorReason.WrongToken, Reason(() => Verifier(encryptKey: null, token: Token).Verify(body, default)));
    }

    [Fact]
    public void New_card_callback_is_signed_like_an_event()
    {
        var (body, headers) = Vector("event_signature_vectors", "gen-card-action-trigger-new");
        var verifier = Verifier(token: "066zT6pS4QCbgj5Do145GfDbbag*****", now: DateTimeOffset.FromUnixTimeSeconds(1_718_000_456));

        var result = verifier.Verify(body, headers);

        Assert.True(result.SignatureVerified);
        Assert.Equal("card.action.trigger", result.Envelope.EventType);
    }

    [Fact]
    public void Legacy_card_callback_uses_sha1_with_the_verification_token()
    {
        var (body, headers) = Vector("card_v1_signature_vectors", "gen-old-card-doc-payload");
        var clock = DateTimeOffset.FromUnixTimeSeconds(1_718_000_789);

        var result = Verifier(now: clock).Verify(body, headers);
        Assert.Equal(FeishuEnvelopeKind.LegacyCardCallback, result.Envelope.Kind);
        Assert.True(result.SignatureVerified);

        Assert.Equal(FeishuEventErrorReason.BadSignature, Reason(() => Verifier(now: clock).Verify(body, headers with { Nonce = "other" })));
        Assert.Equal(FeishuEventErrorReason.BadSignature, Reason(() => Verifier(now: clock, token: "vt_other").Verify(body, headers)));
        Assert.Equal(FeishuEventErrorReason.StaleTimestamp, Reason(() => Verifier(now: clock.AddHours(1)).Verify(body, headers)));

        // Without a token the SHA-1 rule cannot match, and the body is not read: a bad signature that says why.
        var ex = Assert.Throws<FeishuEventException>(() => Verifier(now: clock, token: null).Verify(body, headers));
        Assert.Equal(FeishuEventErrorReason.BadSignature, ex.Reason);
        Assert.Contains("no verification token is configured", ex.Message, StringComparison.Ordinal);
        Assert.Equal(FeishuEventErrorReason.Configuration, Reason(() => Verifier(now: clock, token: null).Verify(body, default)));
    }

    [Fact]
    public void The_old_card_signature_authenticates_only_a_plain_old_style_callback()
    {
        // SHA-1 with the verification token proves knowledge of the token alone: it must not pass an event or an encrypted body.
        var card = Encoding.UTF8.GetBytes(SharedVectors.ById(SharedVectors.Signature, "card_v1_signature_vectors", "gen-old-card-doc-payload").Str("raw_body"));
        var plainEvent = Samples.PayloadBytes("im.message.receive_v1.p2p_text.json");
        var encrypted = Encoding.UTF8.GetBytes(new FeishuEventEncryptor(EncryptKey).EncryptBody(Encoding.UTF8.GetString(card)));
        FeishuRequestHeaders Sha1(byte[] body) => new("1718000000", "n-1", FeishuEventSignature.ComputeLegacyCardSignature("1718000000", "n-1", Token, body));

        Assert.Equal(FeishuEnvelopeKind.LegacyCardCallback, Verifier().Verify(card, Sha1(card)).Envelope.Kind);
        Assert.Equal(FeishuEventErrorReason.BadSignature, Reason(() => Verifier().Verify(plainEvent, Sha1(plainEvent))));
        Assert.Equal(FeishuEventErrorReason.BadSignature, Reason(() => Verifier().Verify(encrypted, Sha1(encrypted))));
        Assert.Equal(FeishuEventErrorReason.BadSignature, Reason(() => Verifier().Verify(card, Sign(card))));
    }

    [Fact]
    public void An_app_that_refuses_old_style_callbacks_refuses_them_signed_or_not_and_says_what_to_configure()
    {
        var (body, headers) = Vector("card_v1_signature_vectors", "gen-old-card-doc-payload");
        var clock = DateTimeOffset.FromUnixTimeSeconds(1_718_000_789);

        var signed = Assert.Throws<FeishuEventException>(() => Verifier(now: clock, legacy: false).Verify(body, headers));
        var unsigned = Assert.Throws<FeishuEventException>(() => Verifier(now: clock, legacy: false, encryptKey: null).Verify(body, default));

        Assert.Equal(FeishuEventErrorReason.BadSignature, signed.Reason);
        Assert.Contains("refuses old-style card callbacks", signed.Message, StringComparison.Ordinal);
        Assert.Contains("card.action.trigger", signed.Message, StringComparison.Ordinal);
        Assert.Equal(FeishuEventErrorReason.BadSignature, unsigned.Reason);
        Assert.Contains("refuses old-style card callbacks", unsigned.Message, StringComparison.Ordinal);

        // New-style callbacks and events go on as before.
        var (trigger, triggerHeaders) = Vector("event_signature_vectors", "gen-card-action-trigger-new");
        var verifier = Verifier(token: "066zT6pS4QCbgj5Do145GfDbbag*****", now: DateTimeOffset.FromUnixTimeSeconds(1_718_000_456), legacy: false);
        Assert.Equal("card.action.trigger", verifier.Verify(trigger, triggerHeaders).Envelope.EventType);
    }

    [Fact]
    public void A_signed_body_is_not_read_until_its_signature_matched()
    {
        var garbage = "{\"schema\":\"2.0\""u8.ToArray();

        Assert.Equal(FeishuEventErrorReason.BadSignature, Reason(() => Verifier().Verify(garbage, Sign(garbage, key: "other"))));
        Assert.Equal(FeishuEventErrorReason.Malformed, Reason(() => Verifier().Verify(garbage, Sign(garbage))));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"foo\":1}")]
    public void Unrecognized_bodies_are_malformed(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        Assert.Equal(FeishuEventErrorReason.Malformed, Reason(() => Verifier(encryptKey: null).Verify(bytes, default)));
    }

    [Fact]
    public void Non_string_encrypt_field_is_bad_encryption()
    {
        var bytes = "{\"encrypt\":42}"u8.ToArray();
        Assert.Equal(FeishuEventErrorReason.BadEncryption, Reason(() => Verifier().Verify(bytes, Sign(bytes))));
    }

    [Fact]
    public void Options_need_a_key_or_a_token() =>
        Assert.Throws<ArgumentException>(() => new FeishuEventRequestVerifier(new FeishuEventReceiverOptions()));

    [Fact]
    public void Challenge_response_escapes_json()
    {
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["challenge"] = "a\"b",
            ["token"] = Token,
            ["type"] = "url_verification",
        }));

        Assert.Equal("{\"challenge\":\"a\\u0022b\"}", Verifier().Verify(body, default).ChallengeResponseJson);
    }
}
