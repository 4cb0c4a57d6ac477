using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// The approvals page lists approvals of every platform and filters them by platform: Feishu, DingTalk and WeCom approvals
/// made in the sandbox, then only DingTalk's, and a DingTalk approval's detail. Screenshots at 1280 px
/// (artifacts/screenshots/console-approvals-platforms-1280.png, console-approval-dingtalk-1280.png).
/// </summary>
public sealed class ConsoleApprovalPlatformsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_approvals_page_filters_by_platform_and_shows_a_DingTalk_approval()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        using var admin = hub.Api(ConsoleHub.AdminKey);
        var feishu = await ConsoleSeed.CreateApprovalAsync(admin, "PO-2001", "Team offsite");
        var dingTalk = await CreateAsync(admin, new
        {
            app = "dingtalk-sandbox",
            definition = "PROC-LW-PAYMENT",
            applicant = new { user_id = "bob" },
            title = "Payment PO-2002",
            reference = "PO-2002",
            form = new { Amount = 860, Reason = "Monitors" },
            idempotency_key = "PO-2002",
        });
        var weCom = await CreateAsync(admin, new
        {
            app = "wecom-sandbox",
            definition = "3TmApprovalPaymentLarkwayDevTemplate0001",
            applicant = new { user_id = "alice" },
            title = "Payment PO-2003",
            reference = "PO-2003",
            form = new Dictionary<string, object> { ["Money-1"] = 320, ["Text-1"] = "Taxi" },
            idempotency_key = "PO-2003",
        });

        await hub.SignInAsync();
        var page = hub.Page;
        await page.SetViewportSizeAsync(1280, 900);
        await Menu.GoToAsync(page, "Approvals");
        await Assertions.Expect(page.Locator("tr[data-approval]")).ToHaveCountAsync(3);
        foreach (var (id, platform) in new[] { (feishu, "feishu"), (dingTalk, "dingtalk"), (weCom, "wecom") })
        {
            await Assertions.Expect(page.Locator($"tr[data-approval='{id}'] [data-platform]")).ToHaveAttributeAsync("data-platform", platform);
        }

        await Screenshots.SaveAsync(page, "console-approvals-platforms-1280");

        await page.Locator("select[name='platform']").SelectOptionAsync("dingtalk");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-approval]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"tr[data-approval='{dingTalk}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("select[name='platform']")).ToHaveValueAsync("dingtalk");

        // Platform and status together: no canceled DingTalk approval.
        await page.Locator("select[name='status']").SelectOptionAsync("canceled");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("#no-approvals")).ToContainTextAsync("No approvals match these filters");

        await page.GotoAsync(hub.Url("/console/approvals?platform=wecom"));
        await Assertions.Expect(page.Locator("tr[data-approval]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"tr[data-approval='{weCom}']")).ToBeVisibleAsync();

        var unknown = await page.GotoAsync(hub.Url("/console/approvals?platform=slack"));
        unknown!.Status.ShouldBe(400);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Unknown platform 'slack'; pick one of:");

        await page.GotoAsync(hub.Url("/console/approvals?platform=dingtalk"));
        await page.Locator($"tr[data-approval='{dingTalk}']").GetByRole(AriaRole.Link, new() { Name = dingTalk }).ClickAsync();
        await Assertions.Expect(page.Locator("#approval-status")).ToHaveTextAsync("pending");
        await Assertions.Expect(page.Locator("#approval-reference")).ToHaveTextAsync("PO-2002");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("DingTalk");

        // A task's history line names its node, or the task where the platform names no node; never a dangling status.
        var taskLine = page.Locator("#history tr[data-sequence]", new() { HasText = "task_pending" }).First;
        await Assertions.Expect(taskLine.Locator("td").Nth(1).Locator(".sub")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^(task \S+|[^:]+)$"));
        await Screenshots.SaveAsync(page, "console-approval-dingtalk-1280");
        hub.CspViolations.ShouldBeEmpty();
    }

    private static async Task<string> CreateAsync(HttpClient api, object request)
    {
        using var created = await api.PostAsJsonAsync("/api/v1/approvals", request);
        var text = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }
}
