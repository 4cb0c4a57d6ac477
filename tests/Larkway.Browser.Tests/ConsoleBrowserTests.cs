using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>The admin console in a real browser against a real Hub: what an administrator clicks, and what the APIs then do.</summary>
public sealed class ConsoleBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly object ContractData = new
    {
        contract = new { number = "C-9", supplier = "ACME", expires_on = "2027-01-31", days_left = 30 },
        owner = new { email = "bob@example.com" },
    };

    [Fact]
    public async Task The_bootstrap_password_signs_in_and_a_wrong_one_is_refused()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        var page = hub.Page;

        await page.GotoAsync(hub.Url("/console/types"));
        page.Url.ShouldStartWith(hub.Url("/console/sign-in"));

        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        (await page.GetByRole(AriaRole.Alert).TextContentAsync()).ShouldBe("Wrong user name or password.");

        await page.GetByLabel("Password").FillAsync(hub.Host.BootstrapAdminPassword!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Notification types");
        page.Url.ShouldBe(hub.Url("/console/types"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync(hub.Url("/console"));
        page.Url.ShouldStartWith(hub.Url("/console/sign-in"));
    }

    [Fact]
    public async Task A_type_switched_off_in_the_console_is_not_sent_by_the_api_and_the_change_is_audited()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        await hub.SignInAsync();
        var page = hub.Page;

        await page.GotoAsync(hub.Url("/console/types"));
        var row = page.Locator("tr[data-type='contract.expiring']");
        await row.GetByRole(AriaRole.Button, new() { Name = "On" }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Off" }).WaitForAsync();

        using var admin = hub.Api(ConsoleHub.AdminKey);
        using var off = await admin.PostAsJsonAsync("/api/v1/notifications", new { type = "contract.expiring", idempotency_key = "c-9", data = ContractData });
        off.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await off.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().ShouldBe("disabled");

        await page.GotoAsync(hub.Url("/console/audit"));
        var entry = page.Locator("tr[data-action='notification_type.disable']");
        (await entry.TextContentAsync()).ShouldNotBeNull().ShouldContain("contract.expiring");
        (await entry.TextContentAsync())!.ShouldContain("console:admin");
    }

    [Fact]
    public async Task Editing_a_template_changes_the_live_preview_and_saving_keeps_it()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        await hub.SignInAsync();
        var page = hub.Page;

        await page.GotoAsync(hub.Url("/console/types/contract.expiring"));
        var preview = page.Locator("#preview");
        (await preview.Locator(".card-header").TextContentAsync()).ShouldBe("Contract C-2024-007 expires in 30 days");

        var template = page.Locator("#template");
        var text = await template.InputValueAsync();
        await template.FillAsync(text.Replace("expires in", "runs out in", StringComparison.Ordinal));
        await Assertions.Expect(preview.Locator(".card-header")).ToHaveTextAsync("Contract C-2024-007 runs out in 30 days");

        var sample = page.Locator("#sample-data");
        await sample.FillAsync((await sample.InputValueAsync()).Replace("C-2024-007", "C-2030-001", StringComparison.Ordinal));
        await Assertions.Expect(preview.Locator(".card-header")).ToHaveTextAsync("Contract C-2030-001 runs out in 30 days");

        await template.FillAsync("{ not json");
        await Assertions.Expect(preview.Locator(".preview-errors")).ToContainTextAsync("Template is not valid JSON");
        await template.FillAsync(text.Replace("expires in", "runs out in", StringComparison.Ordinal));

        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToHaveTextAsync("contract.expiring saved.");
        using var admin = hub.Api(ConsoleHub.AdminKey);
        var saved = await admin.GetFromJsonAsync<JsonElement>("/api/v1/notification-types/contract.expiring");
        saved.GetProperty("template").GetRawText().ShouldContain("runs out in");
        hub.CspViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_api_key_created_in_the_console_sends_a_notification_that_shows_in_the_deliveries()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        await hub.SignInAsync();
        var page = hub.Page;

        await page.GotoAsync(hub.Url("/console/api-keys"));
        await page.GetByLabel("Name").FillAsync("erp");
        await page.GetByLabel("Allowed types").FillAsync("contract.*");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var secret = (await page.Locator("#new-secret").TextContentAsync()).ShouldNotBeNull();
        secret.ShouldStartWith("lk_");

        using var erp = hub.Api(secret);
        using var accepted = await erp.PostAsJsonAsync("/api/v1/notifications", new { type = "contract.expiring", idempotency_key = "c-10", data = ContractData });
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        await page.GotoAsync(hub.Url("/console/notifications"));
        var row = page.Locator($"tr[data-notification='{id}']");
        (await row.TextContentAsync()).ShouldNotBeNull().ShouldContain("contract.expiring");
        await row.GetByRole(AriaRole.Link, new() { Name = id }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(id);
        await Assertions.Expect(page.Locator("table")).ToContainTextAsync("bob@example.com");

        await page.GotoAsync(hub.Url("/console/audit"));
        (await page.Locator("tr[data-action='api_key.create']").TextContentAsync()).ShouldNotBeNull().ShouldContain("erp");
        (await page.ContentAsync()).ShouldNotContain(secret);

        // A revoked key is refused by the API.
        await page.GotoAsync(hub.Url("/console/api-keys"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("revoked");
        using var refused = await erp.PostAsJsonAsync("/api/v1/notifications", new { type = "contract.expiring", idempotency_key = "c-11", data = ContractData });
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        hub.CspViolations.ShouldBeEmpty();
    }
}
