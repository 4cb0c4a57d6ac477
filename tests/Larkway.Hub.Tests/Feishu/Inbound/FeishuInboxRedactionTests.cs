using System.Text;
using System.Text.Json;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Inbox;

namespace Larkway.Hub.Tests.Feishu.Inbound;

/// <summary>What the inbox stores of an event: everything but its credentials.</summary>
public sealed class FeishuInboxRedactionTests
{
    private static JsonElement Redacted(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        using var document = JsonDocument.Parse(FeishuInboxRedaction.Redact(body, FeishuEventEnvelope.Parse(body)));
        return document.RootElement.Clone();
    }

    [Fact]
    public void A_card_callback_loses_its_verification_token_and_keeps_a_fingerprint_of_its_card_update_token()
    {
        var stored = Redacted("""
            {"schema":"2.0","header":{"event_id":"e1","event_type":"card.action.trigger","token":"secret-vt","app_id":"cli_1"},
             "event":{"operator":{"open_id":"ou_1"},"token":"c-update-1","action":{"tag":"button","value":{"token":"business value"}}}}
            """);

        stored.GetProperty("header").GetProperty("token").GetString().ShouldBe("");
        stored.GetProperty("event").GetProperty("token").GetString().ShouldBe(FeishuInboxRedaction.Fingerprint("c-update-1"));
        stored.GetProperty("event").GetProperty("action").GetProperty("value").GetProperty("token").GetString().ShouldBe("business value");
        stored.GetProperty("header").GetProperty("event_id").GetString().ShouldBe("e1");
    }

    [Fact]
    public void A_v1_event_and_a_challenge_lose_their_verification_token()
    {
        Redacted("""{"uuid":"u1","token":"secret-vt","ts":"1.0","type":"event_callback","event":{"type":"approval_instance","token":"kept"}}""")
            .GetProperty("token").GetString().ShouldBe("");
        Redacted("""{"uuid":"u1","token":"secret-vt","ts":"1.0","type":"event_callback","event":{"type":"approval_instance","token":"kept"}}""")
            .GetProperty("event").GetProperty("token").GetString().ShouldBe("kept");
        Redacted("""{"type":"url_verification","challenge":"c","token":"secret-vt"}""").GetProperty("token").GetString().ShouldBe("");
    }

    [Fact]
    public void An_old_style_callback_keeps_a_fingerprint_of_its_card_update_token_escapes_and_all()
    {
        var stored = Redacted("""{"open_id":"ou_1","open_message_id":"om_1","token":"c-\u0041\"b","action":{"value":{"a":1}}}""");

        stored.GetProperty("token").GetString().ShouldBe(FeishuInboxRedaction.Fingerprint("c-A\"b"));
        stored.GetProperty("open_message_id").GetString().ShouldBe("om_1");
    }

    [Fact]
    public void A_fingerprint_is_stable_and_never_fingerprinted_twice()
    {
        var once = FeishuInboxRedaction.Fingerprint("c-update");

        once.ShouldStartWith("sha256:");
        once.Length.ShouldBe("sha256:".Length + 40);
        FeishuInboxRedaction.Fingerprint(once).ShouldBe(once);
        FeishuInboxRedaction.Fingerprint("c-other").ShouldNotBe(once);
    }

    [Fact]
    public void An_event_without_credentials_is_stored_byte_for_byte()
    {
        var body = Encoding.UTF8.GetBytes("""{"schema":"2.0","header":{"event_id":"e2","event_type":"im.chat.disbanded_v1"},"event":{"chat_id":"oc_1"}}""");

        FeishuInboxRedaction.Redact(body, FeishuEventEnvelope.Parse(body)).ShouldBe(body);
    }
}
