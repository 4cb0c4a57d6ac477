using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// The console's dashboard and alerts in a real browser: Open Platform errors injected by the sandbox's Emulator show as
/// a breached success metric with the error-rate chart over its threshold, and the alert the Hub raised for them is
/// listed on the Alerts page. Screenshots go to artifacts/screenshots.
/// </summary>
public sealed class DashboardBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Api_errors_show_as_a_breach_on_the_dashboard_and_as_an_open_alert()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?>
        {
            ["Larkway:Alerts:Interval"] = "00:00:01",
            ["Larkway:Alerts:Recipient:Email"] = "alice@example.com",
            ["Larkway:Alerts:Rules:ApiErrorRate:MinSamples"] = "1",
            ["Larkway:Monitoring:Targets:MinSamples"] = "1",
            ["Larkway:Notifications:RetryDelays:0"] = "00:00:00.200",
            ["Larkway:Notifications:MaxAttempts"] = "50",
            ["Larkway:Notifications:PollInterval"] = "00:00:00.100",
        });
        await hub.SignInAsync();
        var page = hub.Page;
        using var control = new HttpClient { BaseAddress = hub.Host.Emulator!.BaseUrl };
        using var admin = hub.Api(ConsoleHub.AdminKey);

        // Some traffic that works: a notification to the general chat.
        var general = hub.Host.Emulator.State.Chats.Single(c => c.Name == Larkway.Emulator.Seed.DefaultSeed.GeneralChatName).ChatId;
        using (var ok = await admin.PostAsJsonAsync("/api/v1/notifications", Notification("ok-1", general)))
        {
            var id = (await ok.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();
            for (var i = 0; i < 300 && (await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/notifications/{id}")).GetProperty("status").GetString() != "sent"; i++)
            {
                await Task.Delay(100); // a hang guard: it is sent within moments
            }
        }

        // Then Feishu answers 500 to message sends: the next notification's calls fail.
        (await control.PostAsJsonAsync("/_emulator/faults", new { endpoint = "POST /open-apis/im/v1/messages", kind = "server_error", count = 1000 })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/notifications", Notification("failing-1", general))).EnsureSuccessStatusCode();

        var apiHour = page.Locator("tr[data-metric='api-success'] td[data-window='hour']");
        await ReloadUntilAsync(page, "/console", apiHour, "data-status", "breached", hub);
        await Assertions.Expect(page.Locator("#breach-summary")).ToBeVisibleAsync();
        await Assertions.Expect(apiHour.Locator(".metric-badge")).ToHaveTextAsync("Breached");
        await Assertions.Expect(page.Locator("tr[data-metric='sync-loss'] td[data-window='day']")).ToContainTextAsync("no directory sync ended");

        var chart = page.Locator("svg#chart-api-errors");
        await Assertions.Expect(chart).ToBeVisibleAsync();
        (await chart.Locator("title").First.TextContentAsync()).ShouldBe("Open Platform API error rate");
        (await chart.Locator("desc").TextContentAsync()).ShouldNotBeNull().ShouldContain("point(s) over it");
        (await chart.Locator("circle.chart-breach").CountAsync()).ShouldBeGreaterThan(0);
        (await page.Locator("svg.chart").CountAsync()).ShouldBe(4);
        await Screenshots.SaveAsync(page, "dashboard-breach");

        // Feishu recovers; the alert raised meanwhile is listed, its card delivered through the outbox.
        (await control.DeleteAsync("/_emulator/faults")).EnsureSuccessStatusCode();
        var alert = page.Locator("tr[data-rule='api_error_rate'][data-state='open']");
        await ReloadUntilAsync(page, "/console/alerts", alert.Locator(".notice-opened .status"), "class", "status status-sent", hub);
        (await alert.TextContentAsync()).ShouldNotBeNull().ShouldContain("Open Platform calls failed in the last 5 min");
        await Screenshots.SaveAsync(page, "alerts-open");

        await page.GotoAsync(hub.Url("/console?range=day"));
        await Assertions.Expect(page.Locator("#charts-title")).ToHaveTextAsync("Last 24 hours, per 15 minutes");
        await Screenshots.SaveAsync(page, "dashboard-day");
        hub.CspViolations.ShouldBeEmpty();
    }

    private static object Notification(string key, string chatId) => new
    {
        type = "ops.test",
        idempotency_key = key,
        card = new
        {
            header = new { title = new { tag = "plain_text", content = "Nightly report" } },
            elements = new[] { new { tag = "div", text = new { tag = "plain_text", content = "All jobs ran." } } },
        },
        recipients = new[] { new { chat_id = chatId } },
    };

    /// <summary>Reloads <paramref name="path"/> until the element's attribute has the value (a hang guard of 60 s, not a timing assertion).</summary>
    private static async Task ReloadUntilAsync(IPage page, string path, ILocator element, string attribute, string value, ConsoleHub hub)
    {
        for (var i = 0; i < 120; i++)
        {
            await page.GotoAsync(hub.Url(path));
            if (await element.CountAsync() > 0 && await element.First.GetAttributeAsync(attribute) == value)
            {
                return;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"{path}: {attribute} never became '{value}'.");
    }
}
