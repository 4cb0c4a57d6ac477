using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Seed;
using Larkway.Hub.Webhooks;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// Issue 5 §4: an approval decided from its cards in the browser. A business system asks the Hub (sandbox mode, its
/// Emulator wired to it) for a payment approval; each approver opens their chat in the Emulator's web page as
/// themselves and clicks Approve on the approval card; the card updates, the API shows the approval approved and the
/// business system's receiver got the signed callback.
/// </summary>
public sealed class ApprovalCardsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Approvers_approve_from_their_cards_in_the_chat_page_and_the_business_system_gets_the_outcome()
    {
        await using var receiver = await CardReceiver.StartAsync();
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?>
        {
            ["Larkway:Webhooks:PollInterval"] = "00:00:00.100",
        });
        var emulator = hub.Host.Emulator!;
        var page = hub.Page;
        using var admin = hub.Api(ConsoleHub.AdminKey);
        string secret;
        using (var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url.ToString(), event_types = new[] { "larkway.approval.*" } }))
        {
            var text = await subscribed.Content.ReadAsStringAsync();
            subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, text);
            secret = JsonDocument.Parse(text).RootElement.GetProperty("secret").GetString()!;
        }

        string id;
        using (var created = await admin.PostAsJsonAsync("/api/v1/approvals", new
        {
            approval_code = DefaultApprovals.PaymentCode,
            applicant = new { email = "alice@example.com" },
            title = "Payment INV-501",
            reference = "INV-501",
            form = new { amount = new { value = 880, currency = "CNY" }, reason = "Keyboards", method = "bank" },
            idempotency_key = "inv-501",
        }))
        {
            var text = await created.Content.ReadAsStringAsync();
            created.StatusCode.ShouldBe(HttpStatusCode.Created, text);
            id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
        }

        // Bob (the manager node), then Carol and Dave (the finance node), each in their own chat with the bot.
        foreach (var email in new[] { "bob@example.com", "carol@example.com", "dave@example.com" })
        {
            var user = emulator.State.Users.Single(u => u.Email == email);
            var card = await Wait.ForApprovalCardAsync(emulator, user.OpenId, id);
            await page.GotoAsync(new Uri(emulator.BaseUrl, $"/chats/{Uri.EscapeDataString(card.ChatId)}?as={Uri.EscapeDataString(user.OpenId)}").ToString());
            var shown = page.Locator($"[id='{card.MessageId}']");
            await Assertions.Expect(shown).ToContainTextAsync("Waiting for your approval");
            await shown.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Approved.");
            await Assertions.Expect(page.Locator($"[id='{card.MessageId}']")).ToContainTextAsync("Approved by you");
        }

        JsonElement approval = default;
        await Wait.UntilAsync(async () => (approval = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/approvals/{id}")).GetProperty("status").GetString() == "approved", "the approval approved");
        approval.GetProperty("history").EnumerateArray().Where(h => h.GetProperty("type").GetString() == "larkway.approval.task_approved")
            .Select(h => h.GetProperty("source").GetString()).ShouldAllBe(s => s == "card" || s == "event");

        await Wait.UntilAsync(() => Task.FromResult(receiver.Requests.Any(r => Type(r) == "larkway.approval.approved")), "the approved callback");
        var callback = receiver.Requests.First(r => Type(r) == "larkway.approval.approved");
        WebhookSignature.Verify(secret, callback.Header("X-Larkway-Timestamp"), callback.Header("X-Larkway-Signature"), callback.Body, DateTimeOffset.UtcNow).ShouldBeTrue();
        using var body = JsonDocument.Parse(callback.Body);
        body.RootElement.GetProperty("approval").GetProperty("reference").GetString().ShouldBe("INV-501");

        // Everyone's card ends showing the outcome.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("The approval was approved.");
    }

    private static string? Type(CardReceiver.Received request)
    {
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.TryGetProperty("type", out var type) ? type.GetString() : null;
    }
}
