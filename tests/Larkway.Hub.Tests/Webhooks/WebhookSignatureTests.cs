using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Inbox;
using Larkway.Hub.Webhooks;

namespace Larkway.Hub.Tests.Webhooks;

public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_test-secret";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"ev_1","type":"im.message.receive_v1"}""");

    [Fact]
    public void The_signature_is_the_hex_HMAC_SHA256_of_timestamp_dot_body_keyed_with_the_secret()
    {
        var expected = "sha256=" + Convert.ToHexStringLower(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes("1700000000." + Encoding.UTF8.GetString(Body))));

        WebhookSignature.Compute(Secret, 1_700_000_000, Body).ShouldBe(expected);
    }

    [Fact]
    public void Verify_accepts_the_signature_within_the_window_and_rejects_tampering_other_secrets_and_old_timestamps()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var signature = WebhookSignature.Compute(Secret, 1_700_000_000, Body);

        WebhookSignature.Verify(Secret, "1700000000", signature, Body, now).ShouldBeTrue();
        WebhookSignature.Verify(Secret, "1700000000", signature.ToUpperInvariant().Replace("SHA256=", "sha256=", StringComparison.Ordinal), Body, now).ShouldBeTrue();
        WebhookSignature.Verify(Secret, "1700000000", signature, Body, now.AddMinutes(4)).ShouldBeTrue();

        WebhookSignature.Verify(Secret, "1700000000", signature, Body, now.AddMinutes(6)).ShouldBeFalse();
        WebhookSignature.Verify(Secret, "1700000000", signature, Body, now.AddMinutes(-6)).ShouldBeFalse();
        WebhookSignature.Verify(Secret, "1700000001", signature, Body, now).ShouldBeFalse();
        WebhookSignature.Verify("whsec_other", "1700000000", signature, Body, now).ShouldBeFalse();
        WebhookSignature.Verify(Secret, "1700000000", signature, [.. Body, (byte)' '], now).ShouldBeFalse();
        WebhookSignature.Verify(Secret, null, signature, Body, now).ShouldBeFalse();
        WebhookSignature.Verify(Secret, "1700000000", null, Body, now).ShouldBeFalse();
        WebhookSignature.Verify(Secret, "soon", signature, Body, now).ShouldBeFalse();
    }

    [Fact]
    public void Secrets_are_random_and_prefixed()
    {
        var a = WebhookSignature.NewSecret();
        var b = WebhookSignature.NewSecret();
        a.ShouldStartWith("whsec_");
        a.Length.ShouldBeGreaterThan(40);
        a.ShouldNotBe(b);
    }

    [Fact]
    public void The_request_carries_the_stored_payload_signed_with_timestamp_and_delivery_headers()
    {
        var delivery = new WebhookDeliveryRow { Id = 42, Payload = Body };
        var subscription = new WebhookSubscriptionRow { Id = "whk_1", Url = "http://127.0.0.1:9/hook", Secret = Secret };
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_123);

        using var request = WebhookSender.CreateRequest(delivery, subscription, now);

        request.Method.ShouldBe(HttpMethod.Post);
        request.RequestUri.ShouldBe(new Uri("http://127.0.0.1:9/hook"));
        request.Headers.GetValues("X-Larkway-Timestamp").Single().ShouldBe("1700000123");
        request.Headers.GetValues("X-Larkway-Delivery").Single().ShouldBe("42");
        var signature = request.Headers.GetValues("X-Larkway-Signature").Single();
        WebhookSignature.Verify(Secret, "1700000123", signature, Body, now).ShouldBeTrue();
        request.Content!.Headers.ContentType!.MediaType.ShouldBe("application/json");
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.Found, false)]
    public void Only_408_429_and_5xx_are_retried(HttpStatusCode status, bool transient) =>
        WebhookSender.IsTransient(status).ShouldBe(transient);

    [Fact]
    public void The_payload_is_the_documented_envelope_around_the_Feishu_event()
    {
        var body = """{"schema":"2.0","header":{"event_id":"ev_9","event_type":"im.message.receive_v1","create_time":"1700000000000","app_id":"cli_x","tenant_key":"t"},"event":{"message":{"message_id":"om_1"}}}""";
        var envelope = FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(body));

        var payload = WebhookStore.Payload(FeishuEventContexts.Of(7, "ops", DateTimeOffset.FromUnixTimeSeconds(1), envelope));

        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        root.GetProperty("id").GetString().ShouldBe("ev_9");
        root.GetProperty("type").GetString().ShouldBe("im.message.receive_v1");
        root.GetProperty("created_at").GetDateTimeOffset().ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        root.GetProperty("app").GetString().ShouldBe("ops");
        root.GetProperty("event").GetProperty("message").GetProperty("message_id").GetString().ShouldBe("om_1");
    }
}

public sealed class WebhookEventFilterTests
{
    [Theory]
    [InlineData("*", "im.message.receive_v1", true)]
    [InlineData("*", "some.unknown_type", true)]
    [InlineData("im.message.receive_v1", "im.message.receive_v1", true)]
    [InlineData("im.message.receive_v1", "im.message.receive_v2", false)]
    [InlineData("im.message.*", "im.message.receive_v1", true)]
    [InlineData("im.message.*", "im.message.reaction.created_v1", true)]
    [InlineData("im.message.*", "im.messages.x", false)]
    [InlineData("im.message.*", "im.message", false)]
    [InlineData("im.*", "im.chat.member.user.added_v1", true)]
    [InlineData("card.action.trigger", "card.action.trigger", true)]
    [InlineData("card.*", "card.action.trigger", true)]
    [InlineData("card.action.trigger", "im.message.receive_v1", false)]
    [InlineData("IM.message.receive_v1", "im.message.receive_v1", false)]
    public void Patterns_match_exact_names_families_and_everything(string pattern, string type, bool matches) =>
        WebhookEventFilter.Matches([pattern], type).ShouldBe(matches);

    [Fact]
    public void Any_pattern_of_the_list_matching_is_enough()
    {
        var patterns = WebhookEventFilter.Split("approval.*, card.action.trigger");
        patterns.ShouldBe(["approval.*", "card.action.trigger"]);
        WebhookEventFilter.Matches(patterns, "card.action.trigger").ShouldBeTrue();
        WebhookEventFilter.Matches(patterns, "approval.instance.status_changed").ShouldBeTrue();
        WebhookEventFilter.Matches(patterns, "im.message.receive_v1").ShouldBeFalse();
        WebhookEventFilter.Matches([], "im.message.receive_v1").ShouldBeFalse();
    }

    [Theory]
    [InlineData("*", true)]
    [InlineData("im.message.receive_v1", true)]
    [InlineData("im.message.*", true)]
    [InlineData("card.action.trigger", true)]
    [InlineData("", false)]
    [InlineData(".*", false)]
    [InlineData("im.*.receive", false)]
    [InlineData("im*", false)]
    [InlineData("im.message.receive_v1,x", false)]
    [InlineData("im message", false)]
    [InlineData("im.", false)]
    public void Patterns_are_validated(string pattern, bool valid) =>
        WebhookEventFilter.IsValidPattern(pattern).ShouldBe(valid);
}
