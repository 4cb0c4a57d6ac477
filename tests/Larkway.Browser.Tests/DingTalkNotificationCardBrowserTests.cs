using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Shouldly;

namespace Larkway.Browser.Tests;

/// <summary>
/// A notification of the sandbox's DingTalk app (which has a card template) reaches Alice as an interactive card on the
/// Emulator's DingTalk chat page; she presses Approve there, the callback goes to the Hub over Stream, and the card shows
/// who decided what. Screenshot: artifacts/screenshots/dingtalk-notification-card.png.
/// </summary>
public sealed class DingTalkNotificationCardBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Alice_approves_a_requisition_on_its_DingTalk_card_and_the_card_shows_her_decision()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        var emulator = hub.Host.Emulator!;
        using var admin = hub.Api(ConsoleHub.AdminKey);
        var definition = await admin.GetFromJsonAsync<JsonElement>("/api/v1/notification-types/requisition.submitted");
        using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "requisition.submitted",
            idempotency_key = "req-dingtalk-card-browser",
            app = "dingtalk-sandbox",
            data = definition.GetProperty("sample_data"),
            recipients = new[] { new { dingtalk_userid = "alice" } },
        });
        queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync());
        var id = (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        await using var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(emulator.BaseUrl, "/dingtalk-chat/robot/alice").AbsoluteUri);
        var card = page.Locator($"[id^='lwn_{id}_']");
        await Wait.UntilAsync(async () => await ShownAsync(page, card.GetByRole(AriaRole.Button, new() { Name = "Approve" })), "the card on Alice's chat page");

        // DingTalk drops a card callback for an app with no Stream connection ("nothing happened" on the page); the Hub
        // connects in the background, so Alice presses Approve once it listens for card callbacks, as she would retry.
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        await Wait.UntilAsync(() => ListensForCardCallbacksAsync(control), "the Hub's Stream connection for card callbacks");
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        // The Hub records the decision from the Stream callback and updates the card in place, after DingTalk's ack.
        var decision = page.Locator($"[id^='lwn_{id}_'] dd[data-key=decision]");
        await Wait.UntilAsync(async () => await ShownAsync(page, decision), "the decision on the card");
        await Assertions.Expect(decision).ToHaveTextAsync("Approved by Alice Chen");
        await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(page, "dingtalk-notification-card");
    }

    /// <summary>Whether an open Stream connection subscribes to DingTalk's card callback topic.</summary>
    private static async Task<bool> ListensForCardCallbacksAsync(HttpClient control)
    {
        var connections = await control.GetFromJsonAsync<JsonElement>("/_emulator/dingtalk/stream/connections");
        return connections.GetProperty("items").EnumerateArray().Any(c =>
            c.GetProperty("state").GetString() == "open"
            && c.GetProperty("subscriptions").EnumerateArray().Any(s => s.GetProperty("topic").GetString() == "/v1.0/card/instances/callback"));
    }

    /// <summary>Whether <paramref name="locator"/> is on the page, reloaded first (the card changes after the click's redirect).</summary>
    private static async Task<bool> ShownAsync(IPage page, ILocator locator)
    {
        await page.ReloadAsync();
        return await locator.CountAsync() > 0;
    }
}
