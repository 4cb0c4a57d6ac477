using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Webhooks;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// Issue 4 §9 end to end, as an administrator and a user do it: sign in, add an app, test its connection, point the
/// (emulated) developer console at the URLs the page shows, subscribe a business system, create an API key, send a
/// notification through the new app, click Approve in the chat, and see the business system get the signed click.
/// </summary>
public sealed class AppFlowBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string AppId = "cli_b0e2e0a9900aa0f1";
    private const string AppSecret = "browser-flow-app-secret-0001";
    private const string EncryptKey = "browser-flow-encrypt-key";
    private const string VerificationToken = "browser-flow-verification-token";

    private static readonly object RequisitionData = new
    {
        requisition = new { number = "PR-2026-0099", title = "Docking stations", amount = "¥ 4,200.00", url = "https://erp.example.com/pr/99" },
        requester = new { name = "Bob Li", email = "bob@example.com" },
        approver = new { name = "Alice Chen", email = "alice@example.com" },
    };

    [Fact]
    public async Task An_app_added_in_the_console_sends_a_notification_whose_approve_click_reaches_the_business_system()
    {
        await using var emulator = await StartEmulatorAsync();
        await using var receiver = await CardReceiver.StartAsync();
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?>
        {
            ["FEISHU_APP_ID"] = emulator.State.Apps[0].AppId,
            ["FEISHU_APP_SECRET"] = emulator.State.Apps[0].AppSecret,
            ["FEISHU_BASE_URL"] = emulator.BaseUrl.ToString(),
            ["FEISHU_EVENT_MODE"] = "webhook",
            ["FEISHU_ENCRYPT_KEY"] = "default-encrypt-key",
            ["FEISHU_VERIFICATION_TOKEN"] = "default-verification-token",
            ["Larkway:Webhooks:PollInterval"] = "00:00:00.100",
        });
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        var page = hub.Page;

        // Sign in with the password the Hub printed at its first start.
        await page.GotoAsync(hub.Url("/console/apps"));
        await page.GetByLabel("Password").FillAsync(hub.Host.BootstrapAdminPassword!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Apps");

        // Add the app, as copied from its developer console.
        await page.GetByRole(AriaRole.Link, new() { Name = "Add an app" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Add app");
        await page.GetByLabel("Name").FillAsync("procurement");
        await page.GetByLabel("App ID").FillAsync(AppId);
        await page.GetByLabel("Base URL").FillAsync(emulator.BaseUrl.ToString());
        await page.GetByLabel("App Secret").FillAsync(AppSecret);
        await page.GetByLabel("Encrypt Key").FillAsync(EncryptKey);
        await page.GetByLabel("Verification Token").FillAsync(VerificationToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add app" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Apps");
        var row = page.Locator("tr[data-app='procurement']");
        (await row.TextContentAsync()).ShouldNotBeNull().ShouldNotContain(AppSecret);
        (await page.ContentAsync()).ShouldNotContain(EncryptKey);

        // Test connection shows the bot the credentials belong to.
        await row.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Assertions.Expect(page.Locator("#test-result .bot-name")).ToHaveTextAsync("Procurement Bot");

        // Paste the URLs the page shows into the (emulated) developer console; it checks each with a challenge.
        row = page.Locator("tr[data-app='procurement']");
        var urls = page.Locator("tr[data-app-urls='procurement']");
        var eventsUrl = await urls.Locator(".events-url").TextContentAsync();
        var cardsUrl = await urls.Locator(".cards-url").TextContentAsync();
        eventsUrl.ShouldBe(hub.Url("/feishu/apps/procurement/events"));
        await PutAsync(control, $"/_emulator/apps/{AppId}/event-subscription", new { url = eventsUrl, encrypt_key = EncryptKey, verification_token = VerificationToken });
        await PutAsync(control, $"/_emulator/apps/{AppId}/callback", new { url = cardsUrl });

        // The business system: a webhook for card clicks, and an API key for sending.
        await page.GotoAsync(hub.Url("/console/webhooks"));
        await page.GetByLabel("URL").FillAsync(receiver.Url.ToString());
        await page.GetByLabel("Event types").FillAsync("card.action.trigger");
        await page.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).ClickAsync();
        var webhookSecret = (await page.Locator("#new-secret").TextContentAsync())!.Trim();

        await page.GotoAsync(hub.Url("/console/api-keys"));
        await page.GetByLabel("Name").FillAsync("erp");
        await page.GetByLabel("Allowed types").FillAsync("requisition.*");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var apiKey = (await page.Locator("#new-secret").TextContentAsync())!.Trim();
        hub.CspViolations.ShouldBeEmpty();

        // Alice writes to the new bot, which gives the chat the notification goes to.
        using var said = await control.PostAsJsonAsync($"/_emulator/apps/{AppId}/p2p-messages", new { sender = "alice@example.com", msg_type = "text", content = new { text = "hi" } });
        said.EnsureSuccessStatusCode();
        var chatId = emulator.State.FindMessage((await said.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("message_id").GetString()!)!.ChatId;

        using var api = hub.Api(apiKey);
        using var created = await api.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "requisition.submitted",
            idempotency_key = "pr-99-submitted",
            app = "procurement",
            data = RequisitionData,
            recipients = new[] { new { chat_id = chatId } },
        });
        var createdText = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Accepted, createdText);
        var id = JsonDocument.Parse(createdText).RootElement.GetProperty("id").GetString()!;

        // The sender works in the background: the card is in the chat once the API says so.
        JsonElement sent = default;
        await Wait.UntilAsync(async () => (sent = await api.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}")).GetProperty("status").GetString() == "sent", "the notification sent");

        // The type also notifies its approver (Alice) by email, which lands in the same p2p chat: click the chat's copy.
        var messageId = sent.GetProperty("recipients").EnumerateArray().Single(r => r.GetProperty("type").GetString() == "chat_id").GetProperty("message_id").GetString()!;

        // The user's side: the chat in the Emulator's web view, as Alice.
        var alice = emulator.State.Users.Single(u => u.Email == "alice@example.com");
        await page.GotoAsync(new Uri(emulator.BaseUrl, $"/chats/{Uri.EscapeDataString(chatId)}?as={Uri.EscapeDataString(alice.OpenId)}").ToString());
        var card = page.Locator($"[id='{messageId}']");
        var approve = card.GetByRole(AriaRole.Button, new() { Name = "Approve" });
        await approve.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Approved PR-2026-0099");
        await Assertions.Expect(page.Locator($"[id='{messageId}']")).ToContainTextAsync("Requisition PR-2026-0099 approved");

        // The business system got the click, signed, with the notification and the action.
        await Wait.UntilAsync(() => Task.FromResult(!receiver.Requests.IsEmpty), "the card click forwarded to the webhook");
        var delivery = receiver.Requests.First();
        WebhookSignature.Verify(webhookSecret, delivery.Header("X-Larkway-Timestamp"), delivery.Header("X-Larkway-Signature"), delivery.Body, DateTimeOffset.UtcNow)
            .ShouldBeTrue();
        using var forwarded = JsonDocument.Parse(delivery.Body);
        forwarded.RootElement.GetProperty("type").GetString().ShouldBe("card.action.trigger");
        forwarded.RootElement.GetProperty("app").GetString().ShouldBe("procurement");
        forwarded.RootElement.GetProperty("notification").GetProperty("id").GetString().ShouldBe(id);
        forwarded.RootElement.GetProperty("notification").GetProperty("action").GetString().ShouldBe("approve");

        var status = await api.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}");
        status.GetProperty("app").GetString().ShouldBe("procurement");
        status.GetProperty("decision").GetString().ShouldBe("approved");
        // The Hub records the clicker as the app that got the click sees them: open_ids differ per app.
        status.GetProperty("actions")[0].GetProperty("operator_open_id").GetString().ShouldBe(emulator.State.OpenIdFor(AppId, alice));
        status.GetProperty("actions")[0].GetProperty("message_id").GetString().ShouldBe(messageId);
    }

    [Fact]
    public async Task An_app_is_edited_with_write_only_secrets_disabled_and_deleted_after_confirming_and_every_change_is_audited()
    {
        await using var emulator = await StartEmulatorAsync();
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        await hub.SignInAsync();
        var page = hub.Page;
        await page.GotoAsync(hub.Url("/console/apps/edit"));
        await page.GetByLabel("Name").FillAsync("procurement");
        await page.GetByLabel("App ID").FillAsync(AppId);
        await page.GetByLabel("Base URL").FillAsync(emulator.BaseUrl.ToString());
        await page.GetByLabel("App Secret").FillAsync(AppSecret);
        await page.GetByLabel("Verification Token").FillAsync(VerificationToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add app" }).ClickAsync();
        var row = page.Locator("tr[data-app='procurement']");
        await Assertions.Expect(row.Locator(".app-status")).ToHaveTextAsync("enabled");

        // Editing never shows the secret; saving with the field blank keeps it (the connection still works).
        await row.GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("App procurement");
        (await page.ContentAsync()).ShouldNotContain(AppSecret);
        (await page.ContentAsync()).ShouldNotContain(VerificationToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        row = page.Locator("tr[data-app='procurement']");
        await row.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Assertions.Expect(page.Locator("#test-result .bot-name")).ToHaveTextAsync("Procurement Bot");

        // A wrong secret: Feishu's own error, with its log id.
        await page.GotoAsync(hub.Url("/console/apps/edit/procurement"));
        await page.GetByLabel("App Secret").FillAsync("not-the-secret");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.Locator("tr[data-app='procurement']").GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Assertions.Expect(page.Locator("#test-result")).ToContainTextAsync("10015");
        await Assertions.Expect(page.Locator("#test-result")).ToContainTextAsync("log id");

        row = page.Locator("tr[data-app='procurement']");
        await row.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-app='procurement'] .app-status")).ToHaveTextAsync("disabled");

        await page.Locator("tr[data-app='procurement']").GetByRole(AriaRole.Link, new() { Name = "Delete…" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Delete app procurement?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete procurement" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Apps");
        (await page.Locator("tr[data-app='procurement']").CountAsync()).ShouldBe(0);

        await page.GotoAsync(hub.Url("/console/audit"));
        foreach (var action in new[] { "app.create", "app.update", "app.test", "app.disable", "app.delete" })
        {
            (await page.Locator($"tr[data-action='{action}']").CountAsync()).ShouldBeGreaterThan(0, action);
        }

        var audit = await page.ContentAsync();
        audit.ShouldNotContain(AppSecret);
        audit.ShouldNotContain("not-the-secret");
        audit.ShouldNotContain(VerificationToken);
        hub.CspViolations.ShouldBeEmpty();
    }

    private static async Task PutAsync(HttpClient control, string path, object body)
    {
        using var response = await control.PutAsJsonAsync(path, body);
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
    }


    private static async Task<EmulatorServer> StartEmulatorAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"larkway-flow-seed-{Guid.NewGuid():N}.json");
        var seed = new
        {
            users = new object[] { new { name = "Alice Chen", email = "alice@example.com" }, new { name = "Bob Li", email = "bob@example.com" } },
            apps = new object[] { new { app_id = AppId, app_secret = AppSecret, bot_name = "Procurement Bot" } },
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(seed));
        return await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, SeedFile = path });
    }
}
