using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// The Apps page shows where each app's long connection stands, as its platform's room tells it: the sandbox's DingTalk
/// app's Stream and its WeCom app's AI bot, both connected to the embedded Emulator. Screenshot at 1280 px
/// (artifacts/screenshots/console-apps-connections-1280.png).
/// </summary>
public sealed class ConsoleAppsConnectionsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Each_app_with_a_long_connection_shows_where_it_stands_on_its_row()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?> { ["Larkway:Sandbox:WeComAiBot"] = "true" });
        await hub.SignInAsync();
        var page = hub.Page;
        await page.SetViewportSizeAsync(1280, 900);

        // The connections open in the background: the page is read again until both say so (Wait's bound is a hang guard).
        var dingTalk = page.Locator("tr[data-app='dingtalk-sandbox'] .app-status .app-stream");
        var weCom = page.Locator("tr[data-app='wecom-sandbox'] .app-status .app-aibot");
        await Wait.UntilAsync(async () =>
        {
            await page.GotoAsync(hub.Url("/console/apps"));
            return await dingTalk.CountAsync() == 1 && await weCom.CountAsync() == 1
                && await dingTalk.TextContentAsync() == "Stream connected" && await weCom.TextContentAsync() == "AI bot connected";
        }, "the sandbox's Stream and AI bot connected on the Apps page");

        await Assertions.Expect(dingTalk).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("error-text"));
        await Assertions.Expect(weCom).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("^AI bot \\S+$"));

        // The Feishu app holds no connection of its own here: the two lines are all.
        (await page.Locator(".app-status .sub").CountAsync()).ShouldBe(2);
        await Screenshots.SaveAsync(page, "console-apps-connections-1280");
        hub.CspViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_loopback_events_URL_says_a_platform_cannot_reach_it_and_names_the_setting_a_public_one_does_not()
    {
        await using (var sandbox = await ConsoleHub.StartAsync(browser.Browser))
        {
            await sandbox.SignInAsync();
            await sandbox.Page.SetViewportSizeAsync(1280, 900);
            await sandbox.Page.GotoAsync(sandbox.Url("/console/apps"));
            var note = sandbox.Page.Locator("tr[data-app-urls='default'] td.app-urls .loopback-note");
            await Assertions.Expect(note).ToContainTextAsync("a real platform cannot");
            await Assertions.Expect(note.Locator("code")).ToHaveTextAsync("LARKWAY_PUBLIC_URL");
            await Screenshots.SaveAsync(sandbox.Page, "console-apps-loopback-1280", fullPage: false);
            await sandbox.Page.GotoAsync(sandbox.Url("/console/apps/edit/wecom-sandbox"));
            await Assertions.Expect(sandbox.Page.Locator(".callback-url .loopback-note")).ToBeVisibleAsync();
        }

        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?> { ["Larkway:PublicUrl"] = "https://hub.example.com" });
        await hub.SignInAsync();
        await hub.Page.GotoAsync(hub.Url("/console/apps"));
        await Assertions.Expect(hub.Page.Locator("tr[data-app-urls='default'] code.events-url")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^https://hub\\.example\\.com/"));
        await Assertions.Expect(hub.Page.Locator(".loopback-note")).ToHaveCountAsync(0);
    }
}
