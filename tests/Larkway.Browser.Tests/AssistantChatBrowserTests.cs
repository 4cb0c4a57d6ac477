using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Larkway.Browser.Tests;

/// <summary>
/// Issue 31 in the browser: Alice asks the assistant in her chat with the bot and watches the answer stream into the card
/// on the Emulator's chat page (the status line says it is streaming, the text grows), then sees the final card with its
/// feedback buttons and presses Helpful. Screenshots: artifacts/screenshots/assistant-*.png.
/// </summary>
public sealed class AssistantChatBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Alice_watches_the_answer_stream_into_one_card_then_presses_Helpful()
    {
        await using var hub = await ConsoleHub.StartAsync(browser.Browser);
        var emulator = hub.Host.Emulator!;
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        using var admin = hub.Api(ConsoleHub.AdminKey);
        using (var created = await admin.PostAsJsonAsync("/api/v1/assistants", new
        {
            name = "helpdesk",
            display_name = "Help desk",
            backend = "dify",
            base_url = new Uri(emulator.BaseUrl, "dify/v1").ToString(),
            api_key = "app-larkwayemulatordevkey0001",
            apps = new[] { "default" },
            policy = new { unknown_users = "guest" },
        }))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        // About 8 s of tokens: long enough to watch it grow.
        (await control.PutAsJsonAsync("/_emulator/ai/settings", new { tokens_per_second = 6, answer_words = 40 })).EnsureSuccessStatusCode();
        using var posted = await control.PostAsJsonAsync($"/_emulator/apps/{hub.Host.Settings.AppId}/p2p-messages",
            new { sender = "alice@example.com", msg_type = "text", content = new { text = "How do I reset my VPN token?" } });
        posted.EnsureSuccessStatusCode();
        var question = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("message_id").GetString()!;
        var alice = emulator.State.Users.Single(u => u.Email == "alice@example.com");

        var page = hub.Page;
        await page.SetViewportSizeAsync(1280, 900);
        await page.GotoAsync(new Uri(emulator.BaseUrl, $"/chats/{Uri.EscapeDataString(emulator.State.FindMessage(question)!.ChatId)}?as={Uri.EscapeDataString(alice.OpenId)}").ToString());

        // Streaming: the status line says so, and the card already shows the beginning of the answer.
        var streaming = page.Locator(".cardkit-status[data-streaming='true']");
        await Assertions.Expect(streaming).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator(".card").Last).ToContainTextAsync("You asked: How do I reset my VPN token?", new() { Timeout = 20_000 });
        await Screenshots.SaveAsync(page, "assistant-streaming");
        var midway = await page.Locator(".card").Last.InnerTextAsync();

        // Finished: streaming off, the whole answer (longer than what was shown midway), and the feedback buttons.
        await Assertions.Expect(page.Locator(".cardkit-status[data-streaming='false']")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        var card = page.Locator(".card").Last;
        await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "👍 Helpful" })).ToBeVisibleAsync();
        await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "🔄 Regenerate" })).ToBeVisibleAsync();
        var final = await card.InnerTextAsync();
        final.Length.ShouldBeGreaterThan(midway.Replace("👍 Helpful", "", StringComparison.Ordinal).Length);
        await Screenshots.SaveAsync(page, "assistant-final");
        emulator.State.MessagesIn(emulator.State.FindMessage(question)!.ChatId).Count(m => m.Sender.SenderType == "app").ShouldBe(1);

        await card.GetByRole(AriaRole.Button, new() { Name = "👍 Helpful" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("glad it helped");
        var factory = hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        (await db.AssistantFeedback.SingleAsync()).Value.ShouldBe("helpful");
    }
}
