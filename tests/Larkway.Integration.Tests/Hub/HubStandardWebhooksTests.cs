using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Larkway.Hub.Webhooks;
using Larkway.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Real deliveries verified by the Standard Webhooks reference libraries, unchanged, as a receiving system would: the
/// .NET package (<c>StandardWebhooks</c>) in process and the JavaScript one (<c>standardwebhooks</c>) run by Node
/// (tests/compat/standardwebhooks; scripts/install-test-deps.sh installs it). Each accepts a delivery and refuses a
/// changed body, an old timestamp and another secret; after a rotation, a delivery verifies with either secret.
/// </summary>
public sealed class HubStandardWebhooksTests
{
    private static readonly string CompatDirectory = Path.Combine(RepoPaths.Root, "tests", "compat", "standardwebhooks");

    [Fact]
    public async Task Deliveries_verify_with_the_Standard_Webhooks_libraries_for_dotnet_and_node_which_refuse_tampering_old_timestamps_and_other_secrets()
    {
        Assert.True(
            Directory.Exists(Path.Combine(CompatDirectory, "node_modules", "standardwebhooks")),
            "standardwebhooks is not installed: run scripts/install-test-deps.sh (scripts/test.sh does)");
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await HubSandbox.StartAsync();
        using var admin = HubWebhooksTests.Client(hub, HubSandbox.AdminKey);
        var (id, secret) = await HubWebhooksTests.SubscribeAsync(admin, receiver.Url("/standard"), "im.message.receive_v1");
        secret.ShouldMatch("^whsec_[A-Za-z0-9+/]{43}=$");

        await hub.SayToBotAsync("/echo standard");
        await HubSandbox.WaitUntilAsync(() => receiver.At("/standard").Count == 1, "the delivery");
        var delivery = receiver.At("/standard")[0];
        delivery.Header("webhook-id").ShouldBe(delivery.Header("X-Larkway-Delivery"));
        delivery.Header("webhook-timestamp").ShouldBe(delivery.Header("X-Larkway-Timestamp"));

        // An attacker's copies: the body changed; the body re-signed correctly but 10 minutes ago; the right request checked with another secret.
        var tampered = delivery with { Body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(delivery.Body).Replace("standard", "standarD", StringComparison.Ordinal)) };
        tampered.Body.ShouldNotBe(delivery.Body);
        var old = Resigned(delivery, secret, DateTimeOffset.UtcNow.AddMinutes(-10));
        var other = WebhookSignature.NewSecret();

        VerifyWithDotnet(secret, delivery).ShouldBeNull();
        VerifyWithDotnet(secret, tampered).ShouldBe("No matching signature found");
        VerifyWithDotnet(secret, old).ShouldBe("Message timestamp too old");
        VerifyWithDotnet(other, delivery).ShouldBe("No matching signature found");

        var node = await VerifyWithNodeAsync(
            ("delivered", secret, delivery), ("tampered", secret, tampered), ("old", secret, old), ("other secret", other, delivery));
        node["delivered"].ShouldBeNull();
        node["tampered"].ShouldBe("WebhookVerificationError: No matching signature found");
        node["old"].ShouldBe("WebhookVerificationError: Message timestamp too old");
        node["other secret"].ShouldBe("WebhookVerificationError: No matching signature found");

        // Rotated: the next delivery carries two signatures, and each secret alone verifies it.
        var rotate = await admin.PostAsync($"/api/v1/webhooks/{id}/secret/rotate", null);
        var answer = await rotate.Content.ReadFromJsonAsync<JsonElement>();
        rotate.StatusCode.ShouldBe(HttpStatusCode.OK, answer.ToString());
        var rotated = answer.GetProperty("secret").GetString()!;
        rotated.ShouldNotBe(secret);
        answer.GetProperty("previous_secret_expires_at").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddHours(23));

        await hub.SayToBotAsync("/echo rotated");
        await HubSandbox.WaitUntilAsync(() => receiver.At("/standard").Count == 2, "the delivery after the rotation");
        var after = receiver.At("/standard")[1];
        after.Header("webhook-signature").Split(' ').Length.ShouldBe(2);
        VerifyWithDotnet(rotated, after).ShouldBeNull();
        VerifyWithDotnet(other, after).ShouldBe("No matching signature found");

        // The .NET package 1.1.2 compares only the first of several signatures (its loop ends before the last one), so
        // it refuses the previous secret's: the new secret comes first for it, as docs/hub-webhooks.md tells its users.
        VerifyWithDotnet(secret, after).ShouldBe("No matching signature found");
        node = await VerifyWithNodeAsync(("new secret", rotated, after), ("previous secret", secret, after), ("other secret", other, after));
        node["new secret"].ShouldBeNull();
        node["previous secret"].ShouldBeNull();
        node["other secret"].ShouldBe("WebhookVerificationError: No matching signature found");

        // The older header keeps the previous secret through the window, so its receivers need not change at the rotation.
        WebhookSignature.Verify(secret, after.Header("X-Larkway-Timestamp"), after.Header("X-Larkway-Signature"), after.Body, DateTimeOffset.UtcNow).ShouldBeTrue();
    }

    [Fact]
    public async Task Rotating_an_unknown_webhook_is_a_404_problem_and_needs_the_admin_key()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var admin = HubWebhooksTests.Client(hub, HubSandbox.AdminKey);
        using var anonymous = HubWebhooksTests.Client(hub, null);

        var missing = await admin.PostAsync("/api/v1/webhooks/whk_nope/secret/rotate", null);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        missing.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await missing.Content.ReadAsStringAsync()).ShouldContain("whk_nope");
        (await anonymous.PostAsync("/api/v1/webhooks/whk_nope/secret/rotate", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    /// <summary>The .NET library's verdict: null when it accepts, else its exception's message.</summary>
    private static string? VerifyWithDotnet(string secret, ReceivedWebhook request)
    {
        var headers = new HeaderDictionary();
        foreach (var name in new[] { "webhook-id", "webhook-timestamp", "webhook-signature" })
        {
            headers[name] = request.Header(name);
        }

        try
        {
            new StandardWebhook(secret).Verify(Encoding.UTF8.GetString(request.Body), headers);
            return null;
        }
        catch (WebhookVerificationException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>The JavaScript library's verdicts by case name: null when it accepts, else its error.</summary>
    private static async Task<Dictionary<string, string?>> VerifyWithNodeAsync(params (string Name, string Secret, ReceivedWebhook Request)[] cases)
    {
        var file = Path.Combine(Path.GetTempPath(), $"larkway-swh-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(cases.Select(c => new Dictionary<string, object>
        {
            ["name"] = c.Name,
            ["secret"] = c.Secret,
            ["headers"] = new[] { "webhook-id", "webhook-timestamp", "webhook-signature" }.ToDictionary(h => h, c.Request.Header),
            ["body_base64"] = Convert.ToBase64String(c.Request.Body),
        })));
        try
        {
            var run = await ProcessRunner.RunAsync("node", ["verify.mjs", file], CompatDirectory, TimeSpan.FromMinutes(1));
            Assert.True(run.ExitCode == 0, $"standardwebhooks run failed ({run.ExitCode}): {run.Error}\n{run.Output}");
            using var results = JsonDocument.Parse(run.Output);
            return results.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("ok").GetBoolean() ? null : r.GetProperty("error").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The request as the Hub would have signed it at <paramref name="at"/> (the Hub's own signer; only the time differs).</summary>
    private static ReceivedWebhook Resigned(ReceivedWebhook request, string secret, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds();
        var headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase)
        {
            ["webhook-timestamp"] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["webhook-signature"] = WebhookSignature.StandardSignatures([secret], request.Header("webhook-id"), timestamp, request.Body),
        };
        return request with { Headers = headers };
    }
}
