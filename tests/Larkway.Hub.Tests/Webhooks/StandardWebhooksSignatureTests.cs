using System.Text;
using System.Text.Json;
using Larkway.Hub.Tests.TestSupport;
using Larkway.Hub.Webhooks;

namespace Larkway.Hub.Tests.Webhooks;

/// <summary>
/// Standard Webhooks signatures (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>) beside the older
/// <c>X-Larkway-Signature</c>, against tests/fixtures/vectors/standard-webhooks.json (the spec's vector and values
/// computed independently).
/// </summary>
public sealed class StandardWebhooksSignatureTests
{
    private static readonly JsonElement Vectors = Load();
    private static readonly JsonElement Hub = Vectors.GetProperty("hub");
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(Hub.GetProperty("body").GetString()!);
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(Hub.GetProperty("timestamp").GetInt64());
    private static readonly string OldSecret = Hub.GetProperty("old_secret").GetString()!;
    private static readonly string NewSecret = Hub.GetProperty("new_secret").GetString()!;

    [Fact]
    public void The_specs_signing_vector_is_reproduced()
    {
        var vector = Vectors.GetProperty("spec_vector");

        var signature = WebhookSignature.StandardSignatures(
            [vector.GetProperty("secret").GetString()!],
            vector.GetProperty("msg_id").GetString()!,
            vector.GetProperty("timestamp").GetInt64(),
            Encoding.UTF8.GetBytes(vector.GetProperty("payload").GetString()!));

        signature.ShouldBe(vector.GetProperty("signature").GetString());
    }

    [Fact]
    public void A_delivery_carries_the_standard_headers_and_the_older_form_unchanged_for_a_secret_made_before()
    {
        using var request = WebhookSender.CreateRequest(Delivery(), Subscription(OldSecret), At);

        Header(request, "webhook-id").ShouldBe(Hub.GetProperty("delivery_id").GetString());
        Header(request, "webhook-id").ShouldBe(Header(request, "X-Larkway-Delivery"));
        Header(request, "webhook-timestamp").ShouldBe("1700000000");
        Header(request, "webhook-signature").ShouldBe(Hub.GetProperty("old_secret_webhook_signature").GetString());

        // Byte for byte what versions before Standard Webhooks sent for this input.
        Header(request, "X-Larkway-Timestamp").ShouldBe("1700000000");
        Header(request, "X-Larkway-Signature").ShouldBe(Hub.GetProperty("old_secret_x_larkway_signature").GetString());
    }

    [Fact]
    public void During_the_rotation_window_webhook_signature_carries_both_secrets_newest_first_and_the_older_header_the_previous_secret()
    {
        var subscription = Subscription(NewSecret, previous: OldSecret, previousUntil: At.AddSeconds(1));

        using var request = WebhookSender.CreateRequest(Delivery(), subscription, At);

        Header(request, "webhook-signature").ShouldBe(Hub.GetProperty("rotation_webhook_signature").GetString());
        Header(request, "X-Larkway-Signature").ShouldBe(Hub.GetProperty("old_secret_x_larkway_signature").GetString());
    }

    [Fact]
    public void Once_the_window_has_ended_only_the_new_secret_signs_both_headers()
    {
        var subscription = Subscription(NewSecret, previous: OldSecret, previousUntil: At);

        using var request = WebhookSender.CreateRequest(Delivery(), subscription, At);

        var signature = Header(request, "webhook-signature");
        signature.ShouldNotContain(" ");
        signature.ShouldBe(Hub.GetProperty("rotation_webhook_signature").GetString()!.Split(' ')[0]);
        Header(request, "X-Larkway-Signature").ShouldBe(WebhookSignature.Compute(NewSecret, At.ToUnixTimeSeconds(), Body));
        Header(request, "X-Larkway-Signature").ShouldNotBe(Hub.GetProperty("old_secret_x_larkway_signature").GetString());
    }

    [Fact]
    public void New_secrets_are_whsec_and_32_random_bytes_in_padded_standard_base64()
    {
        var a = WebhookSignature.NewSecret();
        var b = WebhookSignature.NewSecret();

        a.ShouldMatch("^whsec_[A-Za-z0-9+/]{43}=$");
        Convert.FromBase64String(a["whsec_".Length..]).Length.ShouldBe(32);
        WebhookSignature.StandardKey(a).ShouldBe(Convert.FromBase64String(a["whsec_".Length..]));
        a.ShouldNotBe(b);
    }

    [Fact]
    public void The_key_of_a_secret_is_read_from_base64url_of_earlier_versions_and_from_standard_base64_padded_or_not()
    {
        Convert.ToHexStringLower(WebhookSignature.StandardKey(OldSecret)).ShouldBe(Hub.GetProperty("old_secret_key_hex").GetString());
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        WebhookSignature.StandardKey(NewSecret).ShouldBe(key);
        WebhookSignature.StandardKey(NewSecret.TrimEnd('=')).ShouldBe(key);
        Should.Throw<FormatException>(() => WebhookSignature.StandardKey("whsec_"));
        Should.Throw<FormatException>(() => WebhookSignature.StandardKey("whsec_not.base64!"));
    }

    private static WebhookDeliveryRow Delivery() => new() { Id = long.Parse(Hub.GetProperty("delivery_id").GetString()!, System.Globalization.CultureInfo.InvariantCulture), Payload = Body };

    private static WebhookSubscriptionRow Subscription(string secret, string? previous = null, DateTimeOffset? previousUntil = null) =>
        new() { Id = "whk_1", Url = "http://127.0.0.1:9/hook", Secret = secret, PreviousSecret = previous, PreviousSecretExpiresAt = previousUntil };

    private static string Header(HttpRequestMessage request, string name) => request.Headers.GetValues(name).Single();

    private static JsonElement Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "fixtures", "vectors", "standard-webhooks.json")));
        return document.RootElement.Clone();
    }
}
