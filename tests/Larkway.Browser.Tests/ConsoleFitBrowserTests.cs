using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Inbox;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// Every console page fits a 1280 px window with its tables full of realistic rows: the document no wider than the
/// window, no table scrolling sideways inside its box, and every column header shown whole. Each page is visited from the
/// menu, and each list's first row is followed to its own page. Screenshots: artifacts/screenshots/fit-*.png.
/// </summary>
public sealed class ConsoleFitBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const int Width = 1280;

    // What does not fit, on the page shown: the document wider than the window, a table wider than its scrolling box,
    // a header whose text overflows its cell or that ends beyond the window or a box that clips it.
    private const string Misfits = """
        () => {
          const problems = [];
          const root = document.documentElement;
          if (root.scrollWidth > innerWidth) problems.push(`the page is ${root.scrollWidth} px wide`);
          for (const box of document.querySelectorAll('main *')) {
            const style = getComputedStyle(box);
            if (['auto', 'scroll'].includes(style.overflowX) && box.querySelector('table') && box.scrollWidth > box.clientWidth + 1) {
              problems.push(`a table scrolls sideways (${box.scrollWidth} px in ${box.clientWidth} px)`);
            }
          }
          for (const th of document.querySelectorAll('main th')) {
            const rect = th.getBoundingClientRect();
            if (rect.width === 0) continue;
            const name = th.textContent.trim().replace(/\s+/g, ' ') || '(blank)';
            if (th.scrollWidth > th.clientWidth + 1) problems.push(`header "${name}" overflows its cell`);
            let right = innerWidth;
            for (let e = th.parentElement; e && e !== root; e = e.parentElement) {
              if (getComputedStyle(e).overflowX !== 'visible') right = Math.min(right, e.getBoundingClientRect().right);
            }
            if (rect.right > right + 1) problems.push(`header "${name}" is cut at ${Math.round(right)} px (it ends at ${Math.round(rect.right)} px)`);
          }
          return problems;
        }
        """;

    [Fact]
    public async Task Every_console_page_with_rows_in_its_tables_fits_1280_px_with_every_header_whole()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?>
        {
            // The sandbox as a person starts it: its people, assistant and WeCom AI bot on.
            ["Larkway:Sandbox:People"] = "true",
            ["Larkway:Sandbox:Assistant"] = "true",
            ["Larkway:Sandbox:WeComAiBot"] = "true",
            ["Larkway:Webhooks:PollInterval"] = "00:00:00.100",
        });
        await SeedAsync(hub);
        await hub.SignInAsync();
        var page = hub.Page;
        await page.SetViewportSizeAsync(Width, 900);

        var pages = new List<string>();
        foreach (var group in await Menu.Groups(page).AllAsync())
        {
            foreach (var link in await group.Locator("a").AllAsync())
            {
                pages.Add((await link.GetAttributeAsync("href"))!);
            }
        }

        pages.Count.ShouldBe(19, "every page of the menu");
        pages.AddRange(["/console/directory/departments", "/console/assistants/feedback", "/console/webhooks/deliveries", "/console/apps/edit", "/console/bitable-syncs/new"]);
        var misfits = new List<string>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < pages.Count; i++)
        {
            var path = pages[i];
            if (!visited.Add(path))
            {
                continue;
            }

            await page.GotoAsync(hub.Url(path));
            await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
            misfits.AddRange((await page.EvaluateAsync<string[]>(Misfits)).Select(p => $"{path}: {p}"));
            await Screenshots.SaveAsync(page, "fit" + path.Replace('/', '-'), fullPage: false);

            // A list's first row leads to its own page (a notification, an approval, an app's form…): that page too.
            if (i < 16)
            {
                pages.AddRange(await page.EvaluateAsync<string[]>("""
                    list => [...new Set([...document.querySelectorAll('main tbody tr')].flatMap(tr => [...tr.querySelectorAll('a[href^="/console/"]')])
                      .map(a => a.getAttribute('href')).filter(h => h.startsWith(list + '/') && !h.includes('/delete')))].slice(0, 2)
                    """, path));
            }
        }

        visited.Count.ShouldBeGreaterThan(32, "the menu's pages and the pages their rows lead to");
        misfits.ShouldBeEmpty($"pages that do not fit {Width} px");
        hub.CspViolations.ShouldBeEmpty();
    }

    /// <summary>
    /// What a first hour leaves in the tables: a business system's key with a long name, notifications on each platform
    /// (one decided), an approval, an event with a long type, a webhook to a long URL with its deliveries.
    /// </summary>
    private static async Task SeedAsync(ConsoleHub hub)
    {
        using var admin = hub.Api(ConsoleHub.AdminKey);
        var (_, secret) = await ConsoleSeed.CreateKeyAsync(admin, "Procurement ERP — production (Shanghai data centre)", "*");
        using var erp = hub.Api(secret);
        (await admin.PostAsJsonAsync("/api/v1/webhooks", new
        {
            url = "https://erp.example.com/integrations/larkway/webhooks/notification-delivered/with/a/long/path?tenant=procurement&region=cn-east",
            event_types = new[] { "notification.*", "larkway.approval.*" },
        })).EnsureSuccessStatusCode();

        var decided = await ConsoleSeed.SendRequisitionAsync(erp, "pr-fit-1");
        await ConsoleSeed.SendRequisitionAsync(erp, "pr-fit-2");
        var data = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/notification-types/requisition.submitted")).GetProperty("sample_data");
        foreach (var (app, recipient) in new (string, object)[] { ("dingtalk-sandbox", new { dingtalk_userid = "alice" }), ("wecom-sandbox", new { wecom_userid = "alice" }) })
        {
            (await erp.PostAsJsonAsync("/api/v1/notifications", new
            {
                type = "requisition.submitted", app, idempotency_key = "fit-" + app, data, recipients = new[] { recipient },
            })).EnsureSuccessStatusCode();
        }

        (await erp.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "procurement.purchase_order.approval_requested",
            idempotency_key = "fit-po",
            card = new { elements = new[] { new { tag = "div", text = new { tag = "plain_text", content = "PO-2026-0042 needs your approval" } } } },
            recipients = new[] { new { email = "alice@example.com" }, new { email = "bob@example.com" }, new { email = "carol@example.com" } },
        })).EnsureSuccessStatusCode();

        await using (var db = await hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync())
        {
            var row = await db.Notifications.SingleAsync(n => n.Id == decided);
            row.Decision = "approved";
            await db.SaveChangesAsync();
        }

        await ConsoleSeed.CreateApprovalAsync(erp, "PO-2026-0042", "团队建设 offsite for the procurement team, ¥ 12,000");
        await hub.Host.Services.GetRequiredService<InboxStore>().AppendAsync(InboundEvents.V2(
            "ev_fit_1", "contact.user.updated_v3", new { object_id = "ou_7d8a6e6df7621556ce0d21922b676706ccs" }));
    }
}
