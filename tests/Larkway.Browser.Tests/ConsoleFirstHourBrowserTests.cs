using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// Issue 44, the console's first hour at 1280 px: the grouped menu (one short row, current page marked, usable by keyboard),
/// one name for notifications (<c>/console/deliveries</c> leads there), the notifications list naming each one's platform,
/// app and decision, URLs shown whole on one line with a Copy button, and the dashboard's assistant figures and honest
/// queue backlog. Screenshots: artifacts/screenshots/nav-*.png.
/// </summary>
public sealed class ConsoleFirstHourBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_menu_is_one_row_of_groups_at_1280_px_marks_the_current_page_and_works_by_keyboard()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        await hub.SignInAsync();
        var page = hub.Page;
        await page.SetViewportSizeAsync(1280, 900);
        var groups = Menu.Groups(page);
        (await groups.Locator("summary").AllTextContentsAsync()).Select(t => System.Text.RegularExpressions.Regex.Replace(t, @"\s+", " ").Trim()).ShouldBe(["Messaging", "People", "Integrations", "Operations · Dashboard"]);

        // One row: the brand, every group and the sign-out share a line, with room to spare for more groups.
        var brand = (await page.Locator(".nav .brand").BoundingBoxAsync())!;
        var signOut = (await page.Locator(".nav-signout").BoundingBoxAsync())!;
        var last = (await groups.Last.BoundingBoxAsync())!;
        foreach (var box in new[] { signOut, last, (await groups.First.BoundingBoxAsync())! })
        {
            (box.Y + box.Height).ShouldBeLessThan(brand.Y + brand.Height + 8);
        }

        (signOut.X - (last.X + last.Width)).ShouldBeGreaterThan(300, "room left in the bar for more groups");

        // Every page is in exactly one group; opening one group closes the other (one menu open at a time).
        var links = new List<string>();
        foreach (var summary in await groups.Locator("summary").AllAsync())
        {
            await summary.ClickAsync();
            var open = groups.Filter(new() { Has = page.Locator("summary", new() { HasText = (await summary.TextContentAsync())!.Split('·')[0].Trim() }) });
            await Assertions.Expect(open.Locator(".nav-menu")).ToBeVisibleAsync();
            (await page.Locator("details.nav-group[open]").CountAsync()).ShouldBe(1);
            links.AddRange((await open.GetByRole(AriaRole.Link).AllTextContentsAsync()).Select(t => t.Trim()));
        }

        links.ShouldBe(links.Distinct().ToList());
        links.ShouldContain("Notifications");
        links.ShouldNotContain("Deliveries");
        links.Count.ShouldBe(19);
        await Screenshots.SaveAsync(page, "nav-menu-open", fullPage: false);

        // A click elsewhere closes it.
        await page.Locator("h1").ClickAsync();
        await Assertions.Expect(page.Locator("details.nav-group[open]")).ToHaveCountAsync(0);

        // By keyboard: focus a group, Enter opens it, Tab reaches its first page, Enter follows it.
        await groups.Nth(0).Locator("summary").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(groups.Nth(0).Locator(".nav-menu")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Notifications");

        // The page shown is marked: its link (aria-current) and its group's name, on a page below it too.
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Console" });
        await Assertions.Expect(nav.Locator("[aria-current='page']")).ToHaveCountAsync(1);
        await Assertions.Expect(nav.Locator("a[aria-current='page']")).ToHaveAttributeAsync("href", "/console/notifications");
        await Assertions.Expect(groups.Nth(0).Locator("summary")).ToHaveTextAsync("Messaging · Notifications");
        await Assertions.Expect(groups.Nth(0).Locator("summary")).ToHaveClassAsync("current");

        // Escape closes an open group and leaves the focus on it.
        await groups.Nth(1).Locator("summary").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(groups.Nth(1).Locator(".nav-menu")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("details.nav-group[open]")).ToHaveCountAsync(0);
        (await page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()")).ShouldBe("People");

        await Menu.GoToAsync(page, "Webhooks");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Webhook subscriptions");
        await Assertions.Expect(groups.Nth(2).Locator("summary")).ToHaveTextAsync("Integrations · Webhooks");
        await Screenshots.SaveAsync(page, "nav-menu", fullPage: false);
        hub.CspViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task Deliveries_lead_to_Notifications_whose_list_names_each_ones_platform_app_and_decision()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        hub.Host.SandboxProblems.ShouldBeEmpty();
        await hub.SignInAsync();
        var page = hub.Page;
        await page.SetViewportSizeAsync(1280, 900);
        using var admin = hub.Api(ConsoleHub.AdminKey);

        // The old word still works, filters kept; the page is called Notifications.
        await page.GotoAsync(hub.Url("/console/deliveries?status=failed"));
        page.Url.ShouldBe(hub.Url("/console/notifications?status=failed"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Notifications");
        (await page.TitleAsync()).ShouldStartWith("Notifications");
        await page.GotoAsync(hub.Url("/console/deliveries"));
        page.Url.ShouldBe(hub.Url("/console/notifications"));

        // One person, the same notification on DingTalk and on WeCom: the rows differ by platform and app.
        var data = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/notification-types/requisition.submitted")).GetProperty("sample_data");
        var onDingTalk = await SendAsync(admin, "dingtalk-sandbox", data, new { dingtalk_userid = "alice" });
        var onWeCom = await SendAsync(admin, "wecom-sandbox", data, new { wecom_userid = "alice" });

        // The WeCom one was decided (as a click on its card records it).
        await using (var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            var row = await db.Notifications.SingleAsync(n => n.Id == onWeCom);
            row.Decision = "approved";
            await db.SaveChangesAsync();
        }

        await page.GotoAsync(hub.Url("/console/notifications"));
        var dingTalk = page.Locator($"tr[data-notification='{onDingTalk}']");
        var weCom = page.Locator($"tr[data-notification='{onWeCom}']");
        await Assertions.Expect(dingTalk.Locator("td.notification-platform")).ToHaveTextAsync("DingTalk");
        await Assertions.Expect(dingTalk.Locator("td.notification-app")).ToHaveTextAsync("dingtalk-sandbox");
        await Assertions.Expect(dingTalk.Locator("td.notification-decision")).ToHaveTextAsync("—");
        await Assertions.Expect(weCom.Locator("td.notification-platform")).ToHaveTextAsync("WeCom");
        await Assertions.Expect(weCom.Locator("td.notification-app")).ToHaveTextAsync("wecom-sandbox");
        await Assertions.Expect(weCom.Locator("td.notification-decision .status-approved")).ToHaveTextAsync("approved");
        var headers = (await page.Locator("table.notifications-table th").AllTextContentsAsync()).Select(h => h.Trim()).ToList();
        headers.ShouldContain("Platform");
        headers.ShouldContain("App");
        headers.ShouldContain("Decision");

        // It fits the page at 1280 px: no sideways scrolling.
        await Screenshots.SaveAsync(page, "nav-notifications");
        (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")).ShouldBeTrue("the list is wider than the window");
    }

    [Fact]
    public async Task URLs_stay_whole_on_one_line_with_a_Copy_button_and_stay_selectable_without_script()
    {
        const string longUrl = "https://erp.example.com/integrations/larkway/webhooks/notification-delivered/with/a/long/path?tenant=procurement&region=cn-east";
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        await hub.SignInAsync();
        var page = hub.Page;
        await page.SetViewportSizeAsync(1280, 900);
        using var admin = hub.Api(ConsoleHub.AdminKey);
        string subscription;
        using (var created = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = longUrl, event_types = new[] { "notification.*" } }))
        {
            subscription = (await created.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }

        await hub.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = hub.Url("/").TrimEnd('/') });

        foreach (var (path, shot) in new[]
        {
            ("/console/apps", "nav-apps"), ("/console/apps/edit/wecom-sandbox", "nav-app-wecom"), ("/console/sign-in-apps", "nav-sign-in-apps"),
            ("/console/webhooks", "nav-webhooks"),
        })
        {
            await page.GotoAsync(hub.Url(path));
            var urls = page.Locator("main code.url");
            (await urls.CountAsync()).ShouldBeGreaterThan(0);
            var lines = await page.EvaluateAsync<int[]>("""
                () => [...document.querySelectorAll('main code.url')].map(code => {
                  const range = document.createRange();
                  range.selectNodeContents(code);
                  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
                })
                """);
            lines.ShouldAllBe(n => n == 1, $"a URL breaks over lines on {path}");
            await Assertions.Expect(page.Locator("main .url-box button.copy").First).ToBeVisibleAsync();
            await Screenshots.SaveAsync(page, shot);
            (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")).ShouldBeTrue($"{path} is wider than the window");
        }

        await page.GotoAsync(hub.Url($"/console/webhooks/deliveries?subscription={subscription}"));
        await Screenshots.SaveAsync(page, "nav-webhook-deliveries");
        await page.GotoAsync(hub.Url("/console/webhooks"));

        // The webhook's long URL: whole in its box (scrolling inside it), and Copy puts the whole of it on the clipboard.
        var hook = page.Locator("main .url-box", new() { Has = page.Locator("code.url", new() { HasText = "erp.example.com" }) });
        await Assertions.Expect(hook.Locator("code.url")).ToHaveTextAsync(longUrl);
        (await hook.Locator("code.url").EvaluateAsync<bool>("code => code.scrollWidth > code.clientWidth")).ShouldBeTrue("the long URL scrolls inside its box");
        await hook.Locator("button.copy").ClickAsync();
        await Assertions.Expect(hook.Locator("button.copy")).ToHaveTextAsync("Copied");
        (await page.EvaluateAsync<string>("() => navigator.clipboard.readText()")).ShouldBe(longUrl);

        // An app's events URL too.
        await page.GotoAsync(hub.Url("/console/apps"));
        var events = page.Locator("tr[data-app-urls='dingtalk-sandbox'] .url-box", new() { Has = page.Locator("code.events-url") });
        await events.Locator("button.copy").ClickAsync();
        (await page.EvaluateAsync<string>("() => navigator.clipboard.readText()")).ShouldBe(hub.Url("/dingtalk/apps/dingtalk-sandbox/callback"));

        // Without script: no button that does nothing, and the URL is there to select.
        await using var plain = await browser.Browser.NewContextAsync(new() { JavaScriptEnabled = false, ViewportSize = new() { Width = 1280, Height = 900 } });
        var noScript = await plain.NewPageAsync();
        await noScript.GotoAsync(hub.Url("/console/sign-in"));
        await noScript.GetByLabel("Password").FillAsync(hub.Host.BootstrapAdminPassword!);
        await noScript.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await noScript.GotoAsync(hub.Url("/console/webhooks"));
        var plainHook = noScript.Locator("main .url-box", new() { Has = noScript.Locator("code.url", new() { HasText = "erp.example.com" }) });
        await Assertions.Expect(plainHook.Locator("code.url")).ToHaveTextAsync(longUrl);
        await Assertions.Expect(plainHook.Locator("button.copy")).ToBeHiddenAsync();
        hub.CspViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_dashboard_shows_the_assistants_last_hour_and_names_the_queue_backlog_for_what_it_counts()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        await hub.SignInAsync();
        var page = hub.Page;
        await page.SetViewportSizeAsync(1280, 900);
        using var admin = hub.Api(ConsoleHub.AdminKey);
        using (var created = await admin.PostAsJsonAsync("/api/v1/assistants", new
        {
            name = "helpdesk",
            backend = "dify",
            base_url = new Uri(hub.Host.Emulator!.BaseUrl, "dify/v1").ToString(),
            api_key = "app-larkwayemulatordevkey0001",
            apps = new[] { "default" },
        }))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        var now = DateTimeOffset.UtcNow;
        await using (var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            // Two answers (first text after 1 s and 2 s), one failure, one answered yesterday, and one question waiting.
            db.AssistantTurns.AddRange(
                Turn("om_1", now.AddMinutes(-10), AssistantTurnStatus.Answered, firstText: 1, finished: 4),
                Turn("om_2", now.AddMinutes(-5), AssistantTurnStatus.Answered, firstText: 2, finished: 5),
                Turn("om_3", now.AddMinutes(-3), AssistantTurnStatus.Failed, firstText: null, finished: 60),
                Turn("om_4", now.AddDays(-1), AssistantTurnStatus.Answered, firstText: 30, finished: 40),
                Turn("om_5", now.AddMinutes(-1), AssistantTurnStatus.Queued, firstText: null, finished: null));

            await db.SaveChangesAsync();
        }

        // The backlog chart says what it counts (its figures: MonitoringRecorderTests, items parked for later left out).
        await page.GotoAsync(hub.Url("/console"));
        await Assertions.Expect(page.Locator("figure[data-chart='chart-queue-depth'] figcaption")).ToHaveTextAsync("Queue backlog (items due, all queues)");

        var tile = page.Locator("#assistants-tile");
        await Assertions.Expect(tile.Locator("#assistant-answered")).ToHaveTextAsync("2");
        await Assertions.Expect(tile.Locator("#assistant-failed")).ToHaveTextAsync("1");
        await Assertions.Expect(tile.Locator("#assistant-first-text")).ToHaveTextAsync("1.5 s (of 2)");
        await Assertions.Expect(tile.Locator("#assistant-waiting")).ToHaveTextAsync("1");
        await Assertions.Expect(tile.GetByRole(AriaRole.Link, new() { Name = "Assistants →" })).ToHaveAttributeAsync("href", "/console/assistants");
        await Screenshots.SaveAsync(page, "nav-dashboard");
    }

    private static async Task<string> SendAsync(HttpClient admin, string app, JsonElement data, object recipient)
    {
        using var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "requisition.submitted",
            idempotency_key = "first-hour-" + app,
            app,
            data,
            recipients = new[] { recipient },
        });
        queued.StatusCode.ShouldBe(HttpStatusCode.Accepted, await queued.Content.ReadAsStringAsync());
        return (await queued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>A turn received at <paramref name="at"/>, its first text and end that many seconds later; a queued one waits for a retry an hour away.</summary>
    private static AssistantTurnRow Turn(string messageId, DateTimeOffset at, string status, double? firstText, double? finished) => new()
    {
        Assistant = "helpdesk",
        MessageKey = $"feishu:default:{messageId}",
        Lane = "feishu:default:chat_1",
        Platform = "feishu",
        App = "default",
        ConversationId = "chat_1",
        ConversationKind = "direct",
        MessageId = messageId,
        SenderId = "ou_first_hour",
        Question = "Where is the VPN guide?",
        Status = status,
        ReceivedAt = at,
        SentAt = at,
        FirstTokenAt = firstText is { } f ? at.AddSeconds(f) : null,
        FinishedAt = finished is { } d ? at.AddSeconds(d) : null,
        State = status == AssistantTurnStatus.Queued ? WorkState.Retrying : WorkState.Done,
        NextAttemptAt = status == AssistantTurnStatus.Queued ? at.AddHours(1) : null,
    };
}
