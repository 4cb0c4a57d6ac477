using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Inbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>The console's inbox pages and an app's callback policy, as an administrator sees them.</summary>
public sealed class ConsoleEventsAndAppsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string PagingType = "test.paging_v1";

    [Fact]
    public async Task The_events_page_counts_every_match_and_pages_to_the_oldest()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        var store = hub.Host.Services.GetRequiredService<InboxStore>();
        const int count = 205;
        for (var i = 0; i < count; i++)
        {
            await store.AppendAsync(InboundEvents.V2($"ev_paging_{i:D3}", PagingType, new { n = 1 }));
        }

        await hub.SignInAsync();
        var page = hub.Page;

        await page.GotoAsync(hub.Url($"/console/events?type={PagingType}"));
        await Assertions.Expect(page.Locator("[data-total]")).ToHaveAttributeAsync("data-total", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        (await page.Locator("tr[data-event]").CountAsync()).ShouldBe(200);
        await Screenshots.SaveAsync(page, "console-events", fullPage: false);

        await page.GetByRole(AriaRole.Link, new() { Name = "Older" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-event]")).ToHaveCountAsync(count - 200);
        (await page.Locator("[data-total]").TextContentAsync())!.ShouldContain("older than event");
        (await page.GetByRole(AriaRole.Link, new() { Name = "Older" }).CountAsync()).ShouldBe(0);
        await Screenshots.SaveAsync(page, "console-events-oldest");
        page.Url.ShouldContain($"type={PagingType}");

        // A replay from an older page comes back to it.
        var oldest = page.Locator("tr[data-event]").Last;
        var id = await oldest.GetAttributeAsync("data-event");
        await oldest.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        await Assertions.Expect(page.GetByText($"Event {id} queued again.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("tr[data-event]")).ToHaveCountAsync(count - 200);

        await page.GetByRole(AriaRole.Link, new() { Name = "Newest" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-event]")).ToHaveCountAsync(200);
    }

    [Fact]
    public async Task A_DingTalk_app_added_in_the_console_is_listed_with_its_platform_callback_URL_and_permissions()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        await hub.SignInAsync();
        var page = hub.Page;

        await page.GotoAsync(hub.Url("/console/apps/edit"));
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Platform" }).GetByRole(AriaRole.Link, new() { Name = "DingTalk" }).ClickAsync();
        await Assertions.Expect(page.Locator("form.editor-form")).ToHaveAttributeAsync("data-platform", "dingtalk");
        await page.GetByLabel("Name").FillAsync("dt-org");
        await page.GetByLabel("AppKey").FillAsync("dingconsoletest00001");
        await page.GetByLabel("Base URL").FillAsync("dingtalk");
        await page.GetByLabel("App Secret").FillAsync("dingtalk-console-secret-000000001");
        await page.GetByLabel("AgentId (DingTalk)").FillAsync("3000000009");
        await Screenshots.SaveAsync(page, "console-app-edit-dingtalk");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add app" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Apps");

        var row = page.Locator("tr[data-app='dt-org']");
        await Assertions.Expect(row.Locator(".app-platform")).ToContainTextAsync("DingTalk");
        await Assertions.Expect(page.Locator("tr[data-app-urls='dt-org'] .events-url")).ToHaveTextAsync(hub.Url("/dingtalk/apps/dt-org/callback"));
        await Assertions.Expect(row).ToContainTextAsync("qyapi_robot_sendmsg");

        // Where its Stream connection stands is on the row: DingTalk refuses this made-up secret, so never "connected".
        await Assertions.Expect(row.Locator(".app-status .app-stream")).ToContainTextAsync(new Regex("^Stream (connecting|held by another replica)|^Stream: (no replica holds it|no connection since )"));
        await Screenshots.SaveAsync(page, "console-apps-dingtalk");

        using var admin = hub.Api(ConsoleHub.AdminKey);
        var stored = await admin.GetFromJsonAsync<JsonElement>("/api/v1/apps/dt-org");
        stored.GetProperty("platform").GetString().ShouldBe("dingtalk");
        stored.GetProperty("agent_id").GetInt64().ShouldBe(3000000009);

        // Editing keeps the platform and says so; a non-number AgentId is refused with what to type.
        await page.GotoAsync(hub.Url("/console/apps/edit/dt-org"));
        await Assertions.Expect(page.Locator("form.editor-form")).ToContainTextAsync("Platform: DingTalk");
        await page.GetByLabel("AgentId (DingTalk)").FillAsync("30-x");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Digits only");
    }

    [Fact]
    public async Task A_WeCom_app_is_added_and_edited_with_its_own_fields_problems_named_by_field_write_only_secrets_and_its_callback_URL()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        await hub.SignInAsync();
        var page = hub.Page;
        var emulator = hub.Host.Emulator!;

        await page.GotoAsync(hub.Url("/console/apps/edit"));
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Platform" }).GetByRole(AriaRole.Link, new() { Name = "WeCom" }).ClickAsync();
        await Assertions.Expect(page.Locator("form.editor-form")).ToHaveAttributeAsync("data-platform", "wecom");
        await Assertions.Expect(page.GetByLabel("Base URL")).ToHaveValueAsync("wecom");
        (await page.GetByLabel("Accept old-style card callbacks").CountAsync()).ShouldBe(0, "a Feishu setting");

        // A wrong EncodingAESKey and no AgentId: each problem names the form's field, and no secret comes back into the form.
        await page.GetByLabel("Name").FillAsync("wc-console");
        await page.GetByLabel("Corp ID").FillAsync(EmulatorOptions.DefaultWeComCorpId);
        await page.GetByLabel("Base URL").FillAsync(Larkway.WeCom.WeComBaseUrls.Emulator(emulator.BaseUrl).AbsoluteUri);
        await page.GetByLabel("Secret").FillAsync(EmulatorOptions.DefaultWeComAppSecret);
        await page.GetByLabel("Token").FillAsync(EmulatorOptions.DefaultWeComCallbackToken);
        await page.GetByLabel("EncodingAESKey").FillAsync("too-short-key");
        await page.GetByLabel("AgentId").EvaluateAsync("e => e.removeAttribute('required')");
        await Screenshots.SaveAsync(page, "console-app-edit-wecom");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add app" }).ClickAsync();
        var problems = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(problems).ToContainTextAsync("EncodingAESKey (encrypt_key): WeCom's EncodingAESKey is 43 letters and digits");
        await Assertions.Expect(problems).ToContainTextAsync("AgentId (agent_id): Required for a WeCom app");
        await Assertions.Expect(problems).ToContainTextAsync("type them again");
        await Screenshots.SaveAsync(page, "console-app-edit-wecom-problems");
        await Assertions.Expect(page.GetByLabel("Corp ID")).ToHaveValueAsync(EmulatorOptions.DefaultWeComCorpId);
        var refused = await page.ContentAsync();
        refused.ShouldNotContain(EmulatorOptions.DefaultWeComAppSecret);
        refused.ShouldNotContain(EmulatorOptions.DefaultWeComCallbackToken);

        await page.GetByLabel("AgentId").FillAsync("1000002");
        await page.GetByLabel("Secret").FillAsync(EmulatorOptions.DefaultWeComAppSecret);
        await page.GetByLabel("Token").FillAsync(EmulatorOptions.DefaultWeComCallbackToken);
        await page.GetByLabel("EncodingAESKey").FillAsync(EmulatorOptions.DefaultWeComEncodingAesKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add app" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Apps");

        // Saved: the callback URL to paste into WeCom is said at once, and on the app's row with its platform.
        var callback = hub.Url("/wecom/apps/wc-console/callback");
        await Assertions.Expect(page.GetByText($"paste the callback URL {callback}")).ToBeVisibleAsync();
        var row = page.Locator("tr[data-app='wc-console']");
        await Assertions.Expect(row.Locator(".app-platform")).ToContainTextAsync("WeCom");
        await Assertions.Expect(page.Locator("tr[data-app-urls='wc-console'] .events-url")).ToHaveTextAsync(callback);
        await Assertions.Expect(row).ToContainTextAsync("EncodingAESKey: set");

        // Test connection reaches the Emulator's WeCom with the stored corp id and Secret.
        await row.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Assertions.Expect(page.Locator("#test-result")).ToContainTextAsync("Connected to wc-console");
        await Assertions.Expect(page.Locator("#test-result")).ToContainTextAsync("the member list of the root department answered");
        await Screenshots.SaveAsync(page, "console-apps-wecom");

        // WeCom's URL check (the Emulator's, as when an administrator saves the URL) passes with what the form stored.
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        using (var saved = await control.PostAsJsonAsync("/_emulator/wecom/callback", new { url = callback }))
        {
            saved.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        }

        // Editing: the platform and callback URL are shown, secrets are not; an emptied AgentId is refused naming it.
        await page.GotoAsync(hub.Url("/console/apps/edit/wc-console"));
        await Assertions.Expect(page.Locator("form.editor-form")).ToContainTextAsync("Platform: WeCom");
        await Assertions.Expect(page.Locator(".callback-url")).ToContainTextAsync(callback);
        await Assertions.Expect(page.GetByLabel("AgentId")).ToHaveValueAsync("1000002");
        var editing = await page.ContentAsync();
        editing.ShouldNotContain(EmulatorOptions.DefaultWeComAppSecret);
        editing.ShouldNotContain(EmulatorOptions.DefaultWeComEncodingAesKey);
        await Screenshots.SaveAsync(page, "console-app-edit-wecom-existing");
        await page.GetByLabel("AgentId").FillAsync("10x");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("AgentId (agent_id): Digits only");

        // A new Token saved (blank Secret and EncodingAESKey kept): WeCom's URL check now fails until WeCom has it too.
        await page.GetByLabel("AgentId").FillAsync("1000002");
        await page.GetByLabel("Token", new() { Exact = true }).FillAsync("ChangedToken01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Apps");
        using (var refusedUrl = await control.PostAsJsonAsync("/_emulator/wecom/callback", new { url = callback }))
        {
            refusedUrl.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
        }

        await page.Locator("tr[data-app='wc-console']").GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Assertions.Expect(page.Locator("#test-result")).ToContainTextAsync("Connected to wc-console");
        hub.CspViolations.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_app_saved_without_old_style_callbacks_keeps_that_choice()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        await hub.SignInAsync();
        var page = hub.Page;

        await page.GotoAsync(hub.Url("/console/apps/edit"));
        var legacy = page.GetByLabel("Accept old-style card callbacks");
        (await legacy.IsCheckedAsync()).ShouldBeTrue("a new app accepts them, as Feishu apps have them by default");
        await page.GetByLabel("Name").FillAsync("procurement");
        await page.GetByLabel("App ID").FillAsync("cli_a1b2c3d4e5f60009");
        await page.GetByLabel("App Secret").FillAsync("stored-app-secret-0000000000001");
        await page.GetByLabel("Encrypt Key").FillAsync("stored-app-encrypt-key-01");
        await legacy.UncheckAsync();
        await Screenshots.SaveAsync(page, "console-app-edit");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add app" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Apps");

        using var admin = hub.Api(ConsoleHub.AdminKey);
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/apps/procurement")).GetProperty("legacy_card_callbacks").GetBoolean().ShouldBeFalse();
        await page.GotoAsync(hub.Url("/console/apps/edit/procurement"));
        (await page.GetByLabel("Accept old-style card callbacks").IsCheckedAsync()).ShouldBeFalse();

        await page.GetByLabel("Accept old-style card callbacks").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Apps");
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/apps/procurement")).GetProperty("legacy_card_callbacks").GetBoolean().ShouldBeTrue();
    }
}

/// <summary>Screenshots of console pages for review, under artifacts/screenshots (not asserted on).</summary>
internal static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name, bool fullPage = true)
    {
        var directory = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, name + ".png"), FullPage = fullPage });
    }

    /// <summary>The page at a desktop width (1280 px) and a narrow one (800 px), as <c>{name}-1280.png</c> and <c>{name}-800.png</c>.</summary>
    public static async Task SaveWidthsAsync(IPage page, string name)
    {
        var before = page.ViewportSize;
        foreach (var width in new[] { 1280, 800 })
        {
            await page.SetViewportSizeAsync(width, 900);
            await SaveAsync(page, $"{name}-{width}");
        }

        if (before is not null)
        {
            await page.SetViewportSizeAsync(before.Width, before.Height);
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Larkway.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? AppContext.BaseDirectory;
    }
}
