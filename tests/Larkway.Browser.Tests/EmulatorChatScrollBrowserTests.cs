using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// The Emulator's chat page is read from its end: it opens at the newest message, follows new ones while the reader is at
/// the bottom, and leaves a reader who scrolled up where they are. Screenshot: artifacts/screenshots/emulator-chat-end.png.
/// </summary>
public sealed class EmulatorChatScrollBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_long_chat_opens_at_its_newest_message_and_follows_new_ones_only_from_the_bottom()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        using var admin = hub.Api(ConsoleHub.AdminKey);
        var emulator = hub.Host.Emulator!;
        var alice = emulator.State.Users.Single(u => u.Email == "alice@example.com");
        string? chatId = null;

        // Each update is a card in Alice's chat with the bot; the first one says which chat that is.
        async Task<string> SendAsync(int n)
        {
            string id;
            using (var queued = await admin.PostAsJsonAsync("/api/v1/notifications", new
            {
                type = "ops.scroll",
                idempotency_key = $"scroll-{n}",
                card = new { elements = new[] { new { tag = "div", text = new { tag = "plain_text", content = $"Update {n}: the nightly export finished." } } } },
                recipients = new[] { new { email = "alice@example.com" } },
            }))
            {
                id = (await queued.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            }

            var messageId = "";
            await Wait.UntilAsync(async () =>
            {
                var sent = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/notifications/{id}");
                messageId = sent.GetProperty("recipients")[0].TryGetProperty("message_id", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
                return messageId.Length > 0;
            }, $"update {n} sent");
            chatId ??= emulator.State.FindMessage(messageId)!.ChatId;

            return messageId;
        }

        var newest = "";
        for (var n = 1; n <= 12; n++)
        {
            newest = await SendAsync(n);
        }

        var page = hub.Page;
        await page.SetViewportSizeAsync(1280, 800);
        await page.GotoAsync(new Uri(emulator.BaseUrl, $"/chats/{Uri.EscapeDataString(chatId!)}?as={Uri.EscapeDataString(alice.OpenId)}").ToString());
        (await page.EvaluateAsync<bool>("() => document.body.scrollHeight > innerHeight * 1.5")).ShouldBeTrue("the chat is longer than the window");
        await Assertions.Expect(page.Locator($"[id='{newest}']")).ToBeInViewportAsync();
        await Screenshots.SaveAsync(page, "emulator-chat-end", fullPage: false);

        // At the bottom, a new message is followed.
        var next = await SendAsync(13);
        await Assertions.Expect(page.Locator($"[id='{next}']")).ToBeInViewportAsync();

        // Scrolled up, the reader stays where they are when another arrives.
        await page.Mouse.WheelAsync(0, -100_000);
        await Wait.UntilAsync(async () => await page.EvaluateAsync<double>("() => scrollY") == 0, "the reader at the top");
        var last = await SendAsync(14);
        await Assertions.Expect(page.Locator($"[id='{last}']")).ToBeAttachedAsync();
        (await page.EvaluateAsync<double>("() => scrollY")).ShouldBe(0);
        await Assertions.Expect(page.Locator($"[id='{last}']")).Not.ToBeInViewportAsync();
    }
}
