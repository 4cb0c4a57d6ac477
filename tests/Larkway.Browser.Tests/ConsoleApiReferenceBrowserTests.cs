using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// The API's interactive reference, from the console's menu: it shows the Hub's own OpenAPI document with everything
/// served by the Hub (nothing fetched from another host), within its page's security policy. Screenshot:
/// artifacts/screenshots/api-reference.png.
/// </summary>
public sealed class ConsoleApiReferenceBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_menu_leads_a_signed_in_administrator_to_the_reference_of_every_endpoint_served_from_the_Hub_alone()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        var page = hub.Page;
        var elsewhere = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(hub.Url("/"), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                elsewhere.Add(request.Url);
            }
        };

        // Signed out, the reference is behind the console's sign-in like every page.
        await page.GotoAsync(hub.Url("/console/api-reference/"));
        page.Url.ShouldContain("/console/sign-in");

        await hub.SignInAsync();
        await page.SetViewportSizeAsync(1280, 900);
        await Menu.GoToAsync(page, "API reference");
        await Assertions.Expect(page.GetByText("Larkway Hub API").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var sidebar = page.GetByRole(AriaRole.Complementary);
        await sidebar.GetByRole(AriaRole.Link, new() { Name = "Notifications", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Send a notification" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Screenshots.SaveAsync(page, "api-reference", fullPage: false);

        elsewhere.ShouldBeEmpty("the reference's script, styles, fonts and document all come from the Hub");
        hub.CspViolations.ShouldBeEmpty();
    }
}
