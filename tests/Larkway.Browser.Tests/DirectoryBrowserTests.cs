using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// Issue 15 §4, the console's Directory: "Sync now" reads the sandbox tenant, the last sync shows what it read, people are
/// searched by name and department with their mobile numbers masked, a person shows their ids, departments and history.
/// Every page is screenshot at 1280 and 800 px (artifacts/screenshots).
/// </summary>
public sealed class DirectoryBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Sync_now_fills_the_directory_and_a_person_is_found_and_shown_with_a_masked_mobile_and_history()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?>
        {
            ["Larkway:Directory:ReconcileEnabled"] = "false",
            ["Larkway:Directory:PollInterval"] = "00:00:00.100",
        });
        var emulator = hub.Host.Emulator!;
        var alice = emulator.State.Users.Single(u => u.Email == "alice@example.com");
        emulator.State.AddUser(alice with { Mobile = "+8613800001234" });
        var page = hub.Page;

        await hub.SignInAsync();
        await Menu.GoToAsync(page, "Directory");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Directory");
        await Assertions.Expect(page.Locator("#never-synced")).ToBeVisibleAsync();
        await Screenshots.SaveWidthsAsync(page, "console-directory-empty");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sync now" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToContainTextAsync("Full sync dsr_");

        // Reloaded until the run ended (a hang guard, not a timing assertion).
        var active = emulator.State.Users.Count(u => !u.IsResigned);
        await Wait.UntilAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.Locator("#sync-status").TextContentAsync() == "completed";
        }, "the sync to complete");
        await Assertions.Expect(page.Locator("#sync-counts")).ToContainTextAsync($"{active} people");
        await Assertions.Expect(page.Locator("tr[data-person]")).ToHaveCountAsync(active);
        await Screenshots.SaveWidthsAsync(page, "console-directory");

        await page.GetByLabel("Name, employee no. or id").FillAsync(alice.Name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var row = page.Locator("tr[data-person]");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("+86*******1234");
        (await page.ContentAsync()).ShouldNotContain("13800001234");

        await row.GetByRole(AriaRole.Link, new() { Name = alice.Name }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(alice.Name);
        await Assertions.Expect(page.Locator("#mobile")).ToHaveTextAsync("+86*******1234");
        await Assertions.Expect(page.Locator("#person")).ToContainTextAsync(alice.OpenId);
        await Assertions.Expect(page.Locator("#history")).ToContainTextAsync("full_sync");
        await Screenshots.SaveWidthsAsync(page, "console-directory-person");

        // Her department's link lists its members.
        var department = emulator.State.Departments.Single(d => d.OpenDepartmentId == alice.DepartmentIds[0]);
        await page.Locator("#departments a").First.ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-person]")).ToHaveCountAsync(emulator.State.Users.Count(u => !u.IsResigned && u.DepartmentIds.Contains(department.OpenDepartmentId)));

        await page.GotoAsync(hub.Url("/console/directory/departments"));
        await Assertions.Expect(page.Locator("tr[data-department]")).ToHaveCountAsync(emulator.State.Departments.Count);
        await Screenshots.SaveWidthsAsync(page, "console-directory-departments");
        hub.CspViolations.ShouldBeEmpty();
    }
}
