using System.Text;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.Tests.TestSupport;

namespace Larkway.Feishu.Events.Tests.Envelopes;

public sealed class EnvelopeParseTests
{
    [Fact]
    public void Plain_url_verification_sample()
    {
        var env = FeishuEventEnvelope.Parse(Samples.PayloadBytes("url_verification.plain.json"));

        Assert.Equal(FeishuEnvelopeKind.UrlVerification, env.Kind);
        Assert.True(env.IsUrlVerification);
        Assert.Equal("url_verification", env.EventType);
        Assert.Equal("ajls384kdjxxxx", env.Challenge);
        Assert.Equal("xxxxxx", env.Token);
        Assert.Null(env.DedupKey);
    }

    [Fact]
    public void V1_envelope_sample()
    {
        var env = FeishuEventEnvelope.Parse(Samples.Bytes(Samples.Payload("_envelopes_v1_v2.json").GetProperty("v1")));

        Assert.Equal(FeishuEnvelopeKind.V1, env.Kind);
        Assert.Equal("p2p_chat_create", env.EventType);
        Assert.Equal("bc447199585340d1f3728d26b1c0297a", env.DedupKey);
        Assert.Equal("41a9425ea7df4536a7623e38fa321bae", env.Token);
        Assert.Equal("cli_9c8609450f78d102", env.AppId);
        Assert.Equal("736588c9260f175c", env.TenantKey);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_502_199_207_717), env.CreateTime);
        Assert.Equal("oc_26b66a5eb603162b849f91bcd8815b20", env.Event.GetProperty("chat_id").GetString());
    }

    [Fact]
    public void V2_envelope_sample_with_microsecond_create_time()
    {
        var env = FeishuEventEnvelope.Parse(Samples.Bytes(Samples.Payload("_envelopes_v1_v2.json").GetProperty("v2")));

        Assert.Equal(FeishuEnvelopeKind.V2, env.Kind);
        Assert.Equal("contact.user_group.created_v3", env.EventType);
        Assert.Equal("f7984f25108f8137722bb63cee927e66", env.DedupKey);
        Assert.Equal("066zT6pS4QCbgj5Do145GfDbbagCHGgF", env.Token);
        Assert.Equal("cli_xxxxxxxx", env.AppId);
        Assert.Equal("xxxxxxx", env.TenantKey);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_603_977_298_000), env.CreateTime);
    }

    [Fact]
    public void A_message_is_indexed_under_its_message_key_alone_and_other_events_under_their_event_key()
    {
        var message = FeishuEventEnvelope.Parse(Samples.PayloadBytes("im.message.receive_v1.p2p_text.json"));
        var other = FeishuEventEnvelope.Parse(Samples.Bytes(Samples.Payload("_envelopes_v1_v2.json").GetProperty("v2")));

        var messageKeys = FeishuDedupKeys.For(message);
        var otherKeys = FeishuDedupKeys.For(other);

        // Both keys identify the message; a store needs only the message's, which every redelivery of it carries.
        Assert.Equal(2, messageKeys.Count);
        Assert.Equal([messageKeys[1]], FeishuDedupKeys.ToIndex(message, messageKeys));
        Assert.Equal(["cli_xxxxxxxx/event/f7984f25108f8137722bb63cee927e66"], FeishuDedupKeys.ToIndex(other, otherKeys));
    }

    [Fact]
    public void A_received_message_has_a_time_ordered_key_that_every_delivery_of_it_shares()
    {
        var message = FeishuEventEnvelope.Parse(Samples.PayloadBytes("im.message.receive_v1.p2p_text.json"));
        var other = FeishuEventEnvelope.Parse(Samples.Bytes(Samples.Payload("_envelopes_v1_v2.json").GetProperty("v2")));
        var plain = FeishuDedupKeys.For(message)[^1];

        var ordered = FeishuDedupKeys.TimeOrderedMessageKey(message);

        // The message's own create_time (not the header's) before its id: the same message under a new event id maps here too.
        Assert.NotNull(ordered);
        Assert.Equal("cli_9f5343c580712544/im.message@1609073151345/om_5ce6d572455d361153b7cb51da133945", ordered.Value.Key);
        Assert.Equal(plain, ordered.Value.PlainKey);
        Assert.StartsWith(ordered.Value.PlainPrefix, plain, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1609073151345), ordered.Value.CreatedAt);
        Assert.Null(FeishuDedupKeys.TimeOrderedMessageKey(other));
    }

    [Theory]
    [InlineData("\"160907315134\"")]
    [InlineData("\"16090731513450\"")]
    [InlineData("\"1609073151e45\"")]
    [InlineData("1609073151345")]
    [InlineData("null")]
    public void A_message_without_a_millisecond_create_time_keeps_its_plain_key_only(string createTime)
    {
        var body = """{"schema":"2.0","header":{"event_id":"ev_1","event_type":"im.message.receive_v1","create_time":"1","token":"t","app_id":"cli_a"},"event":{"message":{"message_id":"om_1","create_time":"""
            + createTime + "}}}";
        var envelope = FeishuEventEnvelope.Parse(System.Text.Encoding.UTF8.GetBytes(body));

        Assert.Null(FeishuDedupKeys.TimeOrderedMessageKey(envelope));
        Assert.Equal(["cli_a/im.message/om_1"], FeishuDedupKeys.ToIndex(envelope, FeishuDedupKeys.For(envelope)));
    }

    [Fact]
    public void V2_message_sample_header()
    {
        var env = FeishuEventEnvelope.Parse(Samples.PayloadBytes("im.message.receive_v1.p2p_text.json"));

        Assert.Equal(FeishuEnvelopeKind.V2, env.Kind);
        Assert.Equal("im.message.receive_v1", env.EventType);
        Assert.Equal("b092b2a7e25b5fa20a641edf8426767a", env.DedupKey);
        Assert.Equal("rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV", env.Token);
        Assert.Equal("cli_9f5343c580712544", env.AppId);
        Assert.Equal("2ca1d211f64f6438", env.TenantKey);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_608_725_989_000), env.CreateTime);
    }

    [Fact]
    public void Legacy_card_callback_from_signature_vector()
    {
        var body = SharedVectors.ById(SharedVectors.Signature, "card_v1_signature_vectors", "gen-old-card-doc-payload").Str("raw_body");
        var env = FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(body));

        Assert.Equal(FeishuEnvelopeKind.LegacyCardCallback, env.Kind);
        Assert.Equal(FeishuEventEnvelope.LegacyCardActionType, env.EventType);
        Assert.Null(env.Token);
        Assert.Equal("d32004232", env.TenantKey);
    }

    [Fact]
    public void New_card_callback_is_v2()
    {
        var body = SharedVectors.ById(SharedVectors.Signature, "event_signature_vectors", "gen-card-action-trigger-new").Str("raw_body");
        var env = FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(body));

        Assert.Equal(FeishuEnvelopeKind.V2, env.Kind);
        Assert.Equal("card.action.trigger", env.EventType);
        Assert.Equal("066zT6pS4QCbgj5Do145GfDbbag*****", env.Token);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{}")]
    [InlineData("{\"encrypt\":\"abc\"}")]
    [InlineData("{\"type\":\"url_verification\",\"token\":\"t\"}")]
    [InlineData("{\"schema\":\"2.0\",\"event\":{}}")]
    [InlineData("{\"schema\":\"2.0\",\"header\":{\"event_id\":\"x\"},\"event\":{}}")]
    [InlineData("{\"schema\":\"3.0\",\"header\":{\"event_type\":\"x\"},\"event\":{}}")]
    [InlineData("{\"uuid\":\"u\",\"type\":\"event_callback\",\"event\":{}}")]
    [InlineData("{\"uuid\":\"u\",\"type\":\"event_callback\"}")]
    public void Malformed_bodies_are_rejected(string body)
    {
        var ex = Assert.Throws<FeishuEventException>(() => FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(body)));
        Assert.Equal(FeishuEventErrorReason.Malformed, ex.Reason);
    }

    [Fact]
    public void Envelope_survives_its_input_buffer()
    {
        var bytes = Samples.PayloadBytes("im.message.receive_v1.post.json");
        var env = FeishuEventEnvelope.Parse(bytes);
        Array.Clear(bytes);

        Assert.Equal("om_5ce6d572455d361153b7cb51da133945", env.Event.GetProperty("message").GetProperty("message_id").GetString());
    }
}
