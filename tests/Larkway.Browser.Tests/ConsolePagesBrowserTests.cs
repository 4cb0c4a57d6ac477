using System.Net;
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
/// Issue 14 §4, the console pages people asked for: approvals (list, filters, detail with tasks, history and callbacks),
/// an event's payload (administrators only, audited), a notification's decision and clicks, API keys by name, type names
/// that wrap only at their dots; and §2, the type editor showing non-ASCII text as text. Every page is screenshot at
/// 1280 and 800 px (artifacts/screenshots).
/// </summary>
public sealed class ConsolePagesBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string KeyName = "Procurement ERP";

    [Fact]
    public async Task The_approvals_page_filters_by_status_and_reference_and_an_approval_shows_its_tasks_history_and_callbacks()
    {
        await using var receiver = await CardReceiver.StartAsync();
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?>
        {
            ["Larkway:Webhooks:PollInterval"] = "00:00:00.100",
        });
        using var admin = hub.Api(ConsoleHub.AdminKey);
        using (var subscribed = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url.ToString(), event_types = new[] { "larkway.approval.*" } }))
        {
            subscribed.StatusCode.ShouldBe(HttpStatusCode.Created, await subscribed.Content.ReadAsStringAsync());
        }

        var (keyId, secret) = await ConsoleSeed.CreateKeyAsync(admin, KeyName, "*");
        using var erp = hub.Api(secret);
        var first = await ConsoleSeed.CreateApprovalAsync(erp, "PO-1001", "团队建设 offsite, ¥ 1,200");
        var second = await ConsoleSeed.CreateApprovalAsync(erp, "PO-1002", "Keyboards");
        using (var cancelled = await erp.PostAsync($"/api/v1/approvals/{second}/cancel", null))
        {
            cancelled.StatusCode.ShouldBe(HttpStatusCode.OK, await cancelled.Content.ReadAsStringAsync());
        }

        // Bob (the manager node) approves the first from his card; the finance node is then pending.
        var emulator = hub.Host.Emulator!;
        var page = hub.Page;
        var bob = emulator.State.Users.Single(u => u.Email == "bob@example.com");
        var card = await Wait.ForApprovalCardAsync(emulator, bob.OpenId, first);
        await page.GotoAsync(new Uri(emulator.BaseUrl, $"/chats/{Uri.EscapeDataString(card.ChatId)}?as={Uri.EscapeDataString(bob.OpenId)}").ToString());
        await page.Locator($"[id='{card.MessageId}']").GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(page.Locator($"[id='{card.MessageId}']")).ToContainTextAsync("Approved by you");

        await hub.SignInAsync();
        await Menu.GoToAsync(page, "Approvals");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Approvals");
        await Assertions.Expect(page.Locator("tr[data-approval]")).ToHaveCountAsync(2);
        var row = page.Locator($"tr[data-approval='{first}']");
        await Assertions.Expect(row).ToContainTextAsync("PO-1001");
        await Assertions.Expect(row.Locator(".status")).ToHaveTextAsync("pending");

        // The caller is the key's name; its id is only in the title.
        await Assertions.Expect(row.Locator($"[data-caller='{keyId}']")).ToHaveTextAsync(KeyName);
        (await row.Locator($"[data-caller='{keyId}']").GetAttributeAsync("title")).ShouldBe($"API key {keyId}");
        (await row.TextContentAsync())!.ShouldNotContain(keyId);
        await Screenshots.SaveWidthsAsync(page, "console-approvals");

        await page.GetByLabel("Status").SelectOptionAsync("canceled");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-approval]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"tr[data-approval='{second}'] .status")).ToHaveTextAsync("canceled");

        await page.GetByLabel("Status").SelectOptionAsync("");
        await page.GetByLabel("Reference").FillAsync("PO-1001");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-approval]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"tr[data-approval='{first}']")).ToBeVisibleAsync();

        await page.GetByLabel("Status").SelectOptionAsync("approved");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("#no-approvals")).ToContainTextAsync("No approvals match these filters");

        // The detail: the request, the form as text, the tasks, the history and the callbacks.
        await page.GotoAsync(hub.Url("/console/approvals"));
        await page.Locator($"tr[data-approval='{first}']").GetByRole(AriaRole.Link, new() { Name = first }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(first);
        await Assertions.Expect(page.Locator("#approval-status")).ToHaveTextAsync("pending");
        await Assertions.Expect(page.Locator("#approval-reference")).ToHaveTextAsync("PO-1001");
        await Assertions.Expect(page.Locator(".form-values")).ToContainTextAsync("团队建设 offsite, ¥ 1,200");
        await Assertions.Expect(page.Locator(".form-values")).ToContainTextAsync("""{"value":1200,"currency":"CNY"}""");

        // Labelled as the definition names them: the radio's option text beside the value that was sent.
        var method = page.Locator(".form-values tr", new() { HasText = "Payment method" });
        await Assertions.Expect(method).ToContainTextAsync("Bank transfer");
        await Assertions.Expect(method).ToContainTextAsync("method: bank");

        var tasks = page.Locator("#tasks tr[data-task]");
        await Assertions.Expect(tasks).ToHaveCountAsync(3);
        var bobsTask = tasks.Filter(new() { HasText = bob.OpenId });
        await Assertions.Expect(bobsTask.Locator(".status")).ToHaveTextAsync("approved");
        await Assertions.Expect(bobsTask).ToContainTextAsync("Manager");
        await Assertions.Expect(bobsTask.GetByRole(AriaRole.Link)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^ntf_"));
        await Assertions.Expect(tasks.Filter(new() { HasText = "Finance" }).Locator(".status")).ToHaveTextAsync(["pending", "pending"]);

        var history = page.Locator("#history tr[data-sequence]");
        await Assertions.Expect(history.First).ToContainTextAsync("larkway.approval.submitted");
        await Assertions.Expect(history.Filter(new() { HasText = "task_approved" })).ToContainTextAsync(bob.OpenId);
        var recorded = await history.CountAsync();

        // Every transition is one callback to the one subscription, delivered to the receiver.
        await Wait.UntilAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.Locator("table.deliveries tr[data-delivery] .status-delivered").CountAsync() == recorded;
        }, "every callback delivered and shown");
        await Assertions.Expect(page.Locator("table.deliveries")).ToContainTextAsync($"{first}.1");
        await Screenshots.SaveWidthsAsync(page, "console-approval-detail");
        await AssertNamesUnbrokenAsync(page);

        // The deliveries page links each callback back to its approval; subscriptions list their types unbroken.
        await page.GotoAsync(hub.Url("/console/webhooks"));
        await AssertNamesUnbrokenAsync(page);
        await Screenshots.SaveWidthsAsync(page, "console-webhooks");
        await page.GotoAsync(hub.Url("/console/webhooks/deliveries"));
        await Screenshots.SaveWidthsAsync(page, "console-webhook-deliveries");
        await page.GetByRole(AriaRole.Link, new() { Name = $"{first}.1", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(first);

        var missing = await page.GotoAsync(hub.Url("/console/approvals/apr_missing"));
        missing!.Status.ShouldBe(404);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Page not found");

        await page.GotoAsync(hub.Url("/console/approvals?status=nope"));
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Unknown status 'nope'");
        hub.CspViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_event_payload_is_shown_pretty_printed_and_encoded_to_the_administrator_and_every_view_is_audited()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        var stored = await hub.Host.Services.GetRequiredService<InboxStore>().AppendAsync(InboundEvents.V2("ev_payload_1", "test.payload_v1", new { text = "<b>审批</b> ¥ 1,200" }));
        await hub.SignInAsync();
        var page = hub.Page;

        await page.GotoAsync(hub.Url("/console/events"));
        await Screenshots.SaveWidthsAsync(page, "console-events-list");
        await AssertNamesUnbrokenAsync(page);
        var row = page.Locator($"tr[data-event='{stored.EventId}']");
        await row.GetByRole(AriaRole.Link, new() { Name = stored.EventId.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync($"Event {stored.EventId}");
        await Assertions.Expect(page.Locator(".facts")).ToContainTextAsync("test.payload_v1");

        // Not shown until asked for; asking is what the audit log records.
        (await page.Locator("#payload").CountAsync()).ShouldBe(0);
        (await AuditRowsAsync(hub, "event.payload_view")).ShouldBe(0);
        await Screenshots.SaveWidthsAsync(page, "console-event-detail");

        await page.GetByRole(AriaRole.Link, new() { Name = "Show the payload" }).ClickAsync();
        var payload = page.Locator("#payload");
        await Assertions.Expect(payload).ToContainTextAsync("\"text\": \"<b>审批</b> ¥ 1,200\"");
        (await payload.TextContentAsync())!.ShouldContain("\n  \"header\": {");
        (await payload.Locator("b").CountAsync()).ShouldBe(0, "the payload is text, never markup");
        await Screenshots.SaveWidthsAsync(page, "console-event-payload");

        await page.ReloadAsync();
        await Assertions.Expect(payload).ToBeVisibleAsync();
        await page.GotoAsync(hub.Url("/console/audit?action=event.payload_view"));
        var entries = page.Locator("tr[data-action='event.payload_view']");
        await Assertions.Expect(entries).ToHaveCountAsync(2);
        await Assertions.Expect(entries.First).ToContainTextAsync(stored.EventId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(entries.First).ToContainTextAsync("test.payload_v1");
        await Assertions.Expect(entries.First).ToContainTextAsync("console:admin");
        (await page.Locator("#audit").TextContentAsync())!.ShouldNotContain("审批");
        hub.CspViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_notification_shows_its_decision_and_card_clicks_and_every_page_names_api_keys()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        using var admin = hub.Api(ConsoleHub.AdminKey);
        var (keyId, secret) = await ConsoleSeed.CreateKeyAsync(admin, KeyName, "requisition.*");
        var (revokedId, revokedSecret) = await ConsoleSeed.CreateKeyAsync(admin, "Old ERP", "requisition.*");
        using var erp = hub.Api(secret);
        using var old = hub.Api(revokedSecret);
        var id = await ConsoleSeed.SendRequisitionAsync(erp, "pr-1");
        var fromOld = await ConsoleSeed.SendRequisitionAsync(old, "pr-2");
        (await admin.DeleteAsync($"/api/v1/api-keys/{revokedId}")).EnsureSuccessStatusCode();

        // A notification whose key no longer exists (a row from before, a key removed by hand).
        var contexts = hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.Notifications.Add(new NotificationRow
            {
                Id = "ntf_orphan", Caller = "key_gone", IdempotencyKey = "orphan", RequestHash = "-", Type = "requisition.submitted",
                MessageType = "card", Content = "{}", CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        // Alice approves from the card in her chat with the bot.
        JsonElement sent = default;
        await Wait.UntilAsync(async () => (sent = await erp.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}")).GetProperty("status").GetString() == "sent", "the notification sent");
        var messageId = sent.GetProperty("recipients")[0].GetProperty("message_id").GetString()!;
        var emulator = hub.Host.Emulator!;
        var alice = emulator.State.Users.Single(u => u.Email == "alice@example.com");
        var page = hub.Page;
        await page.GotoAsync(new Uri(emulator.BaseUrl, $"/chats/{Uri.EscapeDataString(emulator.State.FindMessage(messageId)!.ChatId)}?as={Uri.EscapeDataString(alice.OpenId)}").ToString());
        await page.Locator($"[id='{messageId}']").GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Approved PR-2026-0099");

        await hub.SignInAsync();
        await page.GotoAsync(hub.Url("/console/notifications"));
        await Assertions.Expect(page.Locator($"tr[data-notification='{id}'] [data-caller='{keyId}']")).ToHaveTextAsync(KeyName);
        await Assertions.Expect(page.Locator($"tr[data-notification='{fromOld}']")).ToContainTextAsync("Old ERP (revoked)");
        await Assertions.Expect(page.Locator("tr[data-notification='ntf_orphan']")).ToContainTextAsync("unknown key key_gone");
        (await page.Locator("tbody").TextContentAsync())!.ShouldNotContain(keyId);
        await Screenshots.SaveWidthsAsync(page, "console-notifications");
        await AssertNamesUnbrokenAsync(page);

        await page.Locator($"tr[data-notification='{id}']").GetByRole(AriaRole.Link, new() { Name = id }).ClickAsync();
        await Assertions.Expect(page.Locator("#decision")).ToHaveTextAsync("approved");
        var click = page.Locator("#clicks tr[data-action='approve']");
        await Assertions.Expect(click).ToHaveCountAsync(1);
        await Assertions.Expect(click).ToContainTextAsync(alice.OpenId);
        await Assertions.Expect(click).ToContainTextAsync("alice@example.com");
        await Assertions.Expect(click.Locator(".status")).ToHaveTextAsync("approved");
        await Assertions.Expect(page.Locator(".facts")).ToContainTextAsync(KeyName);
        await Screenshots.SaveWidthsAsync(page, "console-notification-detail");

        await page.GotoAsync(hub.Url($"/console/notifications/{fromOld}"));
        await Assertions.Expect(page.Locator("#decision")).ToHaveTextAsync("none recorded");
        await Assertions.Expect(page.Locator("#no-clicks")).ToBeVisibleAsync();

        // The audit log names the keys it created and revoked, and the key that acted.
        await page.GotoAsync(hub.Url("/console/audit?action=api_key"));
        await Assertions.Expect(page.Locator($"tr[data-action='api_key.create'] [data-caller='{keyId}']")).ToHaveTextAsync(KeyName);
        await Assertions.Expect(page.Locator($"tr[data-action='api_key.revoke'] [data-caller='{revokedId}']")).ToContainTextAsync("Old ERP");
        await Screenshots.SaveWidthsAsync(page, "console-audit");

        await page.GotoAsync(hub.Url("/console/api-keys"));
        await Assertions.Expect(page.Locator($"tr[data-key='{keyId}'] td").First).ToHaveTextAsync(KeyName);
        await Screenshots.SaveWidthsAsync(page, "console-api-keys");
        hub.CspViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task Type_names_wrap_only_at_their_dots_and_the_type_editor_shows_non_ascii_text_as_text()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        await hub.SignInAsync();
        var page = hub.Page;

        await page.GotoAsync(hub.Url("/console/types"));
        foreach (var width in new[] { 1280, 800, 560 })
        {
            await page.SetViewportSizeAsync(width, 900);
            await AssertNamesUnbrokenAsync(page);
        }

        await Screenshots.SaveWidthsAsync(page, "console-types");

        // The stored sample data holds ¥ (the API stores JSON with \u00A5 escapes); the editor shows the character.
        await page.GotoAsync(hub.Url("/console/types/requisition.submitted"));
        var sample = await page.Locator("#sample-data").InputValueAsync();
        sample.ShouldContain("\"amount\": \"¥ 48,000.00\"");
        sample.ShouldNotContain("\\u00A5");
        (await page.Locator("#template").InputValueAsync()).ShouldNotContain("\\u");
        await Assertions.Expect(page.Locator("#preview")).ToContainTextAsync("¥ 48,000.00");

        // Typed text stays text through the live preview and a save.
        var sampleBox = page.Locator("#sample-data");
        await sampleBox.FillAsync(sample.Replace("¥ 48,000.00", "¥ 9,999.00 审批", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#preview")).ToContainTextAsync("¥ 9,999.00 审批");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToHaveTextAsync("requisition.submitted saved.");
        (await page.Locator("#sample-data").InputValueAsync()).ShouldContain("\"amount\": \"¥ 9,999.00 审批\"");
        await Screenshots.SaveWidthsAsync(page, "console-type-editor");
        hub.CspViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task At_1280_px_the_nav_is_one_row_and_ids_and_urls_break_only_where_they_cannot_fit()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        await hub.SignInAsync();
        using var api = hub.Api(ConsoleHub.AdminKey);
        (await api.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://erp.example.com/integrations/larkway/webhooks/notification-delivered?tenant=procurement", event_types = new[] { "notification.*" } })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "ops.layout",
            idempotency_key = "layout-1",
            card = new { elements = new[] { new { tag = "div", text = new { tag = "plain_text", content = "Hi" } } } },
            recipients = new[] { new { email = "alice@example.com" } },
        })).EnsureSuccessStatusCode();
        var page = hub.Page;
        await page.SetViewportSizeAsync(1280, 800);

        foreach (var (path, name) in new[] { ("/console/notifications", "console-deliveries"), ("/console/webhooks", "console-webhooks") })
        {
            await page.GotoAsync(hub.Url(path));
            var rows = await page.EvaluateAsync<int>("() => new Set([...document.querySelectorAll('nav.nav > a, nav.nav > form')].map(e => e.offsetTop)).size");
            rows.ShouldBe(1, $"the nav wraps at 1280 px on {path}");

            // A token (an id, a key, a URL) that fits on one line of its cell is laid out on one line (dotted names break at their dots: tested above).
            var broken = await page.EvaluateAsync<string[]>("""
                () => {
                  const broken = [];
                  for (const code of document.querySelectorAll('main td code:not(.name)')) {
                    const range = document.createRange();
                    range.selectNodeContents(code);
                    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
                    if (lines < 2) continue;
                    const cell = code.closest('td');
                    const style = getComputedStyle(cell);
                    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
                    const white = code.style.whiteSpace;
                    code.style.whiteSpace = 'nowrap';
                    const whole = code.getBoundingClientRect().width;
                    code.style.whiteSpace = white;
                    if (whole <= room) broken.push(code.textContent);
                  }
                  return broken;
                }
                """);
            broken.ShouldBeEmpty($"tokens split although they fit on {path}");
            (await page.Locator("main td code").CountAsync()).ShouldBeGreaterThan(0, path);
            await Screenshots.SaveAsync(page, name + "-1280", fullPage: false);
        }

        hub.CspViolations.ShouldBeEmpty();
    }

    /// <summary>
    /// Every dotted name on the page (<c>code.name</c>) breaks only after its dots: each piece between them (a text node)
    /// lays out on one line. With <c>word-break: break-all</c> a squeezed column splits them anywhere.
    /// </summary>
    private static async Task AssertNamesUnbrokenAsync(IPage page)
    {
        var broken = await page.EvaluateAsync<string[]>("""
            () => {
              const broken = [];
              for (const name of document.querySelectorAll('code.name')) {
                for (const node of name.childNodes) {
                  if (node.nodeType !== Node.TEXT_NODE || node.textContent.trim() === '') continue;
                  const range = document.createRange();
                  range.selectNodeContents(node);
                  const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                  if (lines.size > 1) broken.push(name.textContent + ' at "' + node.textContent + '"');
                }
              }
              return broken;
            }
            """);
        (await page.Locator("code.name").CountAsync()).ShouldBeGreaterThan(0);
        broken.ShouldBeEmpty($"names split inside a word at {page.ViewportSize?.Width} px");
    }

    private static async Task<int> AuditRowsAsync(ConsoleHub hub, string action)
    {
        var entries = await hub.Host.Services.GetRequiredService<Larkway.Hub.Platform.Audit.IAuditLog>().ListAsync(action, 100, CancellationToken.None);
        return entries.Count;
    }
}
