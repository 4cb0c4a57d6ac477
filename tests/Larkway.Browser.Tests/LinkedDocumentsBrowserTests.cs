using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.Directory;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// A Feishu document linked in a question, as people see the answer on each platform's chat page in the sandbox: Carol,
/// who owns "Salary bands 2025", asks about it on Feishu, DingTalk and WeCom and each answer is made from it (the fake
/// backend repeats what it was given, so the bands show); Bob, who may not open it although the bot can, asks on WeCom
/// and is told it is not shared with him — the bands never show.
/// Screenshots: artifacts/screenshots/assistant-linked-document-feishu-1280.png, -dingtalk-1280.png, -wecom-1280.png,
/// assistant-linked-document-refused-wecom-1280.png.
/// </summary>
public sealed class LinkedDocumentsBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Band = "360,000";

    [Fact]
    public async Task Carol_is_answered_from_her_document_on_feishu_dingtalk_and_wecom_and_bob_is_told_it_is_not_shared_with_him()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser, new Dictionary<string, string?>
        {
            ["Larkway:Sandbox:Assistant"] = "true",
            ["Larkway:Sandbox:People"] = "true",
        });
        var emulator = hub.Host.Emulator!;
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        (await control.PutAsJsonAsync("/_emulator/ai/settings", new { tokens_per_second = 400, answer_words = 5 })).EnsureSuccessStatusCode();
        await InDirectoryAsync(hub, "carol@example.com");
        await InDirectoryAsync(hub, "bob@example.com");
        var question = $"What is the band of a senior engineer? {new Uri(emulator.BaseUrl, "wiki/wikPeopleOpsSalaryBands0001")}";
        var page = hub.Page;
        await page.SetViewportSizeAsync(1280, 900);

        // Feishu: Carol writes to the bot; her chat shows the answer, made from the bands.
        using (var posted = await control.PostAsJsonAsync($"/_emulator/apps/{hub.Host.Settings.AppId}/p2p-messages",
            new { sender = "carol@example.com", msg_type = "text", content = new { text = question } }))
        {
            posted.EnsureSuccessStatusCode();
            var asked = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("message_id").GetString()!;
            var carol = emulator.State.Users.Single(u => u.Email == "carol@example.com");
            await page.GotoAsync(new Uri(emulator.BaseUrl, $"/chats/{Uri.EscapeDataString(emulator.State.FindMessage(asked)!.ChatId)}?as={Uri.EscapeDataString(carol.OpenId)}").ToString());
        }

        await Assertions.Expect(page.Locator(".cardkit-status[data-streaming='false']")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator(".card").Last).ToContainTextAsync(Band);
        await Screenshots.SaveAsync(page, "assistant-linked-document-feishu-1280");

        // DingTalk: the same question from Carol's DingTalk account, judged as her Feishu self.
        await page.GotoAsync(new Uri(emulator.BaseUrl, "/dingtalk-chat/robot/carol").AbsoluteUri);
        await page.GetByLabel("Message").FillAsync(question);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Assertions.Expect(page.Locator(".dt-row.theirs", new() { HasText = Band })).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Screenshots.SaveAsync(page, "assistant-linked-document-dingtalk-1280");

        // WeCom: Carol is answered from the bands; Bob, whom the document is not shared with, is told so.
        await AskOnWeComAsync(page, emulator.BaseUrl, "Carol", question);
        await Assertions.Expect(page.Locator(".wc-row:not(.mine)", new() { HasText = Band })).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Screenshots.SaveAsync(page, "assistant-linked-document-wecom-1280");

        await AskOnWeComAsync(page, emulator.BaseUrl, "Bob", question);
        await Assertions.Expect(page.Locator(".wc-row:not(.mine)", new() { HasText = "not shared with you" })).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator(".wc-row:not(.mine)", new() { HasText = Band })).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(page, "assistant-linked-document-refused-wecom-1280");
    }

    /// <summary>The person opens WeCom, picks their chat with the app and sends <paramref name="text"/>.</summary>
    private static async Task AskOnWeComAsync(IPage page, Uri emulator, string name, string text)
    {
        await page.GotoAsync(new Uri(emulator, "/wecom-chat").AbsoluteUri);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Conversations" }).GetByRole(AriaRole.Link, new() { Name = $"{name} ", Exact = false }).Filter(new() { HasText = "chat with the app" }).First.ClickAsync();
        await page.GetByLabel("Message").FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Assertions.Expect(page.Locator(".wc-row.mine").Last).ToContainTextAsync("senior engineer");
    }

    /// <summary>Waits until the sandbox's directory sync has the person with their Feishu account.</summary>
    private static async Task InDirectoryAsync(ConsoleHub hub, string email)
    {
        var factory = hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await Wait.UntilAsync(async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            return await db.People.Where(p => p.Email == email).Select(p => p.Id).FirstOrDefaultAsync() is { } person
                && await db.PersonAppIds.AnyAsync(a => a.PersonId == person && a.App == "");
        }, $"{email} in the directory");
    }
}
