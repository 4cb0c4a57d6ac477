using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// Issue 30 §4 in the browser: a Hub in sandbox mode (its Emulator's WeCom corp stored as <c>wecom-sandbox</c>, the
/// Emulator's callback pointed at the Hub) sends the procurement notification to a WeCom member; the member opens the
/// Emulator's <c>/wecom-chat</c> page as themselves, sees the template card, presses Approve; the click reaches the Hub
/// once (the business webhook hears <c>wecom.notification.action</c> once) and the card on the page changes in place to
/// the decision (update_template_card). The member also writes to the app and sees the bot's answer. Screenshots:
/// artifacts/screenshots/wecom-*.png.
/// </summary>
public sealed class WeComChatBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string App = "wecom-sandbox";

    [Fact]
    public async Task A_member_presses_Approve_on_the_notifications_template_card_the_Hub_hears_it_once_and_the_card_shows_the_decision()
    {
        await using var receiver = await CardReceiver.StartAsync("/wecom-actions");
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?> { ["Larkway:Webhooks:PollInterval"] = "00:00:00.100" });
        hub.Host.SandboxProblems.ShouldBeEmpty();
        var emulator = hub.Host.Emulator!;
        var page = hub.Page;
        await page.SetViewportSizeAsync(1280, 900);
        using var admin = hub.Api(ConsoleHub.AdminKey);
        using (var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url.ToString(), event_types = new[] { "wecom.notification.action" } }))
        {
            subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
        }

        // The business system sends the requisition to Alice on WeCom.
        var data = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/notification-types/requisition.submitted")).GetProperty("sample_data");
        string id;
        using (var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "requisition.submitted",
            idempotency_key = "req-wecom-browser-1",
            app = App,
            data,
            recipients = new object[] { new { wecom_userid = "alice" } },
        }))
        {
            queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync());
            id = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }

        await Wait.UntilAsync(async () => (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}")).GetProperty("status").GetString() == "sent", "the notification sent");
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        var sent = (await control.GetFromJsonAsync<JsonElement>("/_emulator/wecom/users/alice/messages")).GetProperty("items").EnumerateArray()
            .Single(m => m.GetProperty("msgtype").GetString() == "template_card");
        var msgId = sent.GetProperty("msgid").GetString()!;
        var title = sent.GetProperty("content").GetProperty("main_title").GetProperty("title").GetString()!;
        var description = sent.GetProperty("content").GetProperty("sub_title_text").GetString()!.Split('\n')[0];

        // Alice opens WeCom, picks her chat with the app in the conversation list, and sees the card.
        await page.GotoAsync(new Uri(emulator.BaseUrl, "/wecom-chat").AbsoluteUri);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Conversations" }).GetByRole(AriaRole.Link, new() { Name = "Alice Chen chat with the app" }).ClickAsync();
        await Assertions.Expect(page.Locator(".wc-head .wc-sub")).ToContainTextAsync("Alice Chen's chat with the app");
        var card = page.Locator($"[id='{msgId}'] .wc-card");
        await Assertions.Expect(card.Locator(".wc-card-title")).ToHaveTextAsync(title);
        await Assertions.Expect(card.Locator(".wc-card-body")).ToContainTextAsync(description);
        await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToBeEnabledAsync();
        await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "Reject" })).ToBeEnabledAsync();
        await Assertions.Expect(card.GetByRole(AriaRole.Link, new() { Name = "Open in ERP" })).ToHaveAttributeAsync("target", "_blank");
        await Screenshots.SaveAsync(page, "wecom-chat-card");

        // She presses Approve: the click goes to the Hub, which updates her card (the buttons become the decision).
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(page.Locator(".wc-system").Last).ToContainTextAsync("Alice Chen pressed “Approve” on a card");
        await Assertions.Expect(page.Locator($"[id='{msgId}'] .wc-card-actions .done")).ToHaveTextAsync("Approved");
        await Assertions.Expect(page.Locator($"[id='{msgId}'] .wc-card-actions button")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator($"[id='{msgId}'] .wc-card-title")).ToHaveTextAsync(title);
        await Screenshots.SaveAsync(page, "wecom-chat-card-approved");

        // The Hub recorded the decision once and the business webhook heard it once.
        var notification = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}");
        var action = notification.GetProperty("actions").EnumerateArray().ShouldHaveSingleItem();
        action.GetProperty("decision").GetString().ShouldBe("approved");
        action.GetProperty("operator").GetProperty("user_id").GetString().ShouldBe("alice");
        await Wait.UntilAsync(() => Task.FromResult(!receiver.Requests.IsEmpty), "the decision at the webhook");
        var envelope = JsonDocument.Parse(receiver.Requests.ShouldHaveSingleItem().Body).RootElement;
        envelope.GetProperty("type").GetString().ShouldBe("wecom.notification.action");
        var forwarded = envelope.GetProperty("event");
        forwarded.GetProperty("notification_type").GetString().ShouldBe("requisition.submitted");
        forwarded.GetProperty("action").GetString().ShouldBe("approve");
        forwarded.GetProperty("notification_id").GetString().ShouldBe(id);
        forwarded.GetProperty("decision").GetString().ShouldBe("approved");
        forwarded.GetProperty("operator").GetProperty("user_id").GetString().ShouldBe("alice");

        // She writes to the app on the same page; the sandbox bot's answer shows up below her message.
        await page.GetByLabel("Message").FillAsync("/echo the laptop is approved");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Assertions.Expect(page.Locator(".wc-row.mine").Last).ToContainTextAsync("/echo the laptop is approved");
        await Assertions.Expect(page.Locator(".wc-row:not(.mine) .wc-bubble").Last).ToHaveTextAsync("the laptop is approved");
        await Screenshots.SaveAsync(page, "wecom-chat-echo");

        // Nothing more reached the webhook: the click was forwarded once.
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}")).GetProperty("actions").GetArrayLength().ShouldBe(1);
        receiver.Requests.Count.ShouldBe(1);
        hub.CspViolations.ShouldBeEmpty();
    }
}
