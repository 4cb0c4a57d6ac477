using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// 微信客服 in the Emulator, as people use it: a customer opens the sandbox account's contact link (a new customer, entered
/// with the link's scene) and writes; Carol, a receptionist, sees the new session on her page, takes it and answers; the
/// customer sees her answer. Screenshots: artifacts/screenshots/wecom-kf-customer-1280.png, wecom-kf-servicer-1280.png.
/// </summary>
public sealed class WeComCustomerServiceBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Account = "wkLarkwaySandboxKf000001";

    [Fact]
    public async Task A_customer_writes_through_the_link_and_a_receptionist_takes_the_session_and_answers()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        var emulator = hub.Host.Emulator!;
        var page = hub.Page;
        await page.SetViewportSizeAsync(1280, 900);

        // The link (as add_contact_way gives it, scene "spring"): opening it makes a new customer and enters the session.
        await page.GotoAsync(new Uri(emulator.BaseUrl, $"/wecom-kf/{Account}?enc_scene=ENCc3ByaW5n").AbsoluteUri);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("WeChat · Larkway Support");
        var customerPage = page.Url;
        customerPage.ShouldContain("?as=wm");
        await page.Locator("textarea[name='text']").FillAsync("Where is my parcel?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Assertions.Expect(page.Locator(".kf-chat")).ToContainTextAsync("Where is my parcel?");

        // Carol's page lists the session as new; she takes it and answers.
        await page.GotoAsync(new Uri(emulator.BaseUrl, "/wecom-kf/servicer?as=carol").AbsoluteUri);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("0 new (未处理)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Take this session" }).First.ClickAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("3 a receptionist holds it (人工接待) (carol)");
        await page.Locator("textarea[name='text']").First.FillAsync("Carol here: it ships tomorrow.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).First.ClickAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Carol here: it ships tomorrow.");
        await Screenshots.SaveAsync(page, "wecom-kf-servicer-1280");

        // The customer sees her answer under their question.
        await page.GotoAsync(customerPage);
        var lines = page.Locator(".kf-line");
        await Assertions.Expect(lines.Last).ToContainTextAsync("Receptionist carol");
        await Assertions.Expect(lines.Last).ToContainTextAsync("Carol here: it ships tomorrow.");
        await Screenshots.SaveAsync(page, "wecom-kf-customer-1280");
    }
}
