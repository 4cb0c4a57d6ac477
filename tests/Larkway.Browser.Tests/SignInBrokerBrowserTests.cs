using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// The Hub's sign-in broker in a real browser: an administrator registers an app in the console (its secret shown once),
/// a person opens the app's sign-in, picks "Sign in with Feishu", allows it on the Emulator's authorize page and arrives
/// back at the app with a code; the sessions and administrators pages show the result. No page breaks its CSP.
/// Screenshots of every page added or changed go to artifacts/screenshots.
/// </summary>
public sealed class SignInBrokerBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string RedirectUri = "http://127.0.0.1:9/signin-oidc";

    [Fact]
    public async Task A_person_signs_in_to_an_app_registered_in_the_console_through_Feishu_and_the_console_shows_the_session()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        var page = hub.Page;

        // The console's sign-in page now offers Feishu beside the bootstrap password.
        await page.GotoAsync(hub.Url("/console/sign-in"));
        await Assertions.Expect(page.Locator("#console-feishu-sign-in")).ToHaveTextAsync("Sign in with Feishu");
        await Screenshots.SaveAsync(page, "console-sign-in");
        await hub.SignInAsync();

        // Register the app: the secret is shown once.
        await page.GotoAsync(hub.Url("/console/sign-in-apps"));
        await page.GetByLabel("Name").FillAsync("Wiki");
        await page.GetByLabel("Redirect URIs").FillAsync(RedirectUri);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register app" }).ClickAsync();
        var secret = await page.Locator("#new-secret").TextContentAsync();
        var clientId = await page.Locator("#new-client-id").TextContentAsync();
        secret.ShouldNotBeNull().ShouldStartWith("lkcs_");
        await Screenshots.SaveWidthsAsync(page, "console-sign-in-apps");
        await page.GotoAsync(hub.Url("/console/sign-in-apps/" + clientId));
        await Assertions.Expect(page.Locator("#client-id")).ToHaveTextAsync(clientId!);
        (await page.ContentAsync()).ShouldNotContain(secret);
        await Screenshots.SaveAsync(page, "console-sign-in-app-edit");

        // A person, in a browser of their own, starts the app's sign-in.
        var person = await browser.Browser.NewContextAsync();
        var personPage = await person.NewPageAsync();
        string? arrived = null;
        await personPage.RouteAsync("http://127.0.0.1:9/**", async route =>
        {
            arrived = route.Request.Url;
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = "<p>The app got its code.</p>" });
        });
        var challenge = Larkway.Feishu.Authen.Pkce.Create();
        await personPage.GotoAsync(hub.Url($"/oidc/authorize?response_type=code&client_id={clientId}&redirect_uri={Uri.EscapeDataString(RedirectUri)}&scope=openid%20profile%20email&state=s1&nonce=n1&code_challenge={challenge.Challenge}&code_challenge_method=S256"));
        await Assertions.Expect(personPage.Locator("h1")).ToHaveTextAsync("Sign in");
        await Assertions.Expect(personPage.Locator("#feishu-qr")).ToHaveTextAsync("Scan a QR code with the Feishu app");

        // The sandbox has a DingTalk and a WeCom app too: the page offers every platform the Hub can sign people in with.
        await Assertions.Expect(personPage.Locator("#dingtalk-sign-in")).ToBeVisibleAsync();
        await Assertions.Expect(personPage.Locator("#wecom-sign-in")).ToBeVisibleAsync();
        await Screenshots.SaveWidthsAsync(personPage, "broker-sign-in");

        // Feishu (the Emulator): pick Alice, Allow; back at the app with a code and the state.
        await personPage.Locator("#feishu-sign-in").ClickAsync();
        await personPage.GetByRole(AriaRole.Radio, new() { Name = "Alice" }).First.CheckAsync();
        await personPage.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        await personPage.WaitForURLAsync("http://127.0.0.1:9/**");
        arrived.ShouldNotBeNull().ShouldContain("code=lkac_");
        arrived.ShouldContain("state=s1");

        // The console shows the session, and the administrators page.
        await page.GotoAsync(hub.Url("/console/sign-in-sessions"));
        await Assertions.Expect(page.Locator("tr[data-session]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("tr[data-session]")).ToContainTextAsync("Wiki");
        await Screenshots.SaveWidthsAsync(page, "console-sign-in-sessions");
        await page.GotoAsync(hub.Url("/console/administrators"));
        await page.GetByLabel("Who").FillAsync("od-it");
        await page.GetByLabel("Note").FillAsync("IT department");
        await page.GetByRole(AriaRole.Button, new() { Name = "Grant" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-grant]")).ToHaveCountAsync(1);
        await Screenshots.SaveWidthsAsync(page, "console-administrators");

        // A logout without an id_token_hint asks first.
        await personPage.GotoAsync(hub.Url("/oidc/logout"));
        await Assertions.Expect(personPage.Locator("h1")).ToHaveTextAsync("Sign out");
        await Screenshots.SaveAsync(personPage, "broker-sign-out");
        await personPage.GetByRole(AriaRole.Button, new() { Name = "Sign out everywhere" }).ClickAsync();
        await Assertions.Expect(personPage.Locator("h1")).ToHaveTextAsync("Signed out");
        await Screenshots.SaveAsync(personPage, "broker-signed-out");
        await page.GotoAsync(hub.Url("/console/sign-in-sessions"));
        await Assertions.Expect(page.Locator("tr[data-session]")).ToHaveCountAsync(0);

        // An error page: an unregistered redirect URI.
        await personPage.GotoAsync(hub.Url($"/oidc/authorize?response_type=code&client_id={clientId}&redirect_uri=https%3A%2F%2Fevil.example.com%2Fcb&scope=openid"));
        await Assertions.Expect(personPage.Locator("h1")).ToHaveTextAsync("Redirect URI not registered");
        await Screenshots.SaveAsync(personPage, "broker-error");

        hub.CspViolations.ShouldBeEmpty();
        await person.DisposeAsync();
    }
}
