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
}
