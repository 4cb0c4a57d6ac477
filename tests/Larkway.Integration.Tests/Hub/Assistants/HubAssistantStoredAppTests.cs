using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Assistants.Storage;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// A Feishu app added at run time has no bot of its own, but an assistant that names it answers there — and only there:
/// the same question to the configured app (no assistant) gets the bot's usual answer, not the assistant's.
/// </summary>
public sealed class HubAssistantStoredAppTests
{
    private const string SecondAppId = "cli_5ec0nd0a551574a1";
    private const string SecondAppSecret = "second-app-secret-for-assistants";
    private const string SecondEncryptKey = "second-app-encrypt-key-assistant";
    private const string SecondToken = "second-app-token-assistant";

    [Fact]
    public async Task An_assistant_on_an_app_added_at_run_time_answers_its_messages_and_takes_its_feedback()
    {
        var seed = Path.Combine(Path.GetTempPath(), $"larkway-assistant-seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(seed, JsonSerializer.Serialize(new
        {
            users = new object[] { new { name = "Alice Chen", email = "alice@example.com" } },
            apps = new object[] { new { app_id = SecondAppId, app_secret = SecondAppSecret, bot_name = "Second Bot" } },
        }));
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, SeedFile = seed });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var driver = new AssistantDriver(hub, emulator.BaseUrl);
        using (var admin = new HttpClient { BaseAddress = hub.Api.BaseAddress })
        {
            admin.DefaultRequestHeaders.Authorization = new("Bearer", HubSandbox.AdminKey);
            (await admin.PostAsJsonAsync("/api/v1/apps", new
            {
                name = "second",
                app_id = SecondAppId,
                app_secret = SecondAppSecret,
                base_url = emulator.BaseUrl.ToString(),
                encrypt_key = SecondEncryptKey,
                verification_token = SecondToken,
            })).EnsureSuccessStatusCode();
        }

        (await hub.Control.PutAsJsonAsync($"/_emulator/apps/{SecondAppId}/event-subscription", new
        {
            url = new Uri(hub.Host.BaseUrl, "/feishu/apps/second/events").ToString(),
            encrypt_key = SecondEncryptKey,
            verification_token = SecondToken,
        })).EnsureSuccessStatusCode();
        (await hub.Control.PutAsJsonAsync($"/_emulator/apps/{SecondAppId}/callback", new { url = new Uri(hub.Host.BaseUrl, "/feishu/apps/second/cards").ToString() }))
            .EnsureSuccessStatusCode();
        await driver.CreateAsync("second-helper", ["second"]);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });

        using var sent = await hub.Control.PostAsJsonAsync($"/_emulator/apps/{SecondAppId}/p2p-messages",
            new { sender = "alice@example.com", msg_type = "text", content = new { text = "What is on the second app?" } });
        sent.EnsureSuccessStatusCode();
        var question = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("message_id").GetString()!;

        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.App.ShouldBe("second");
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        var (streaming, answer, _) = await driver.CardAsync(turn.ReplyHandle!);
        streaming.ShouldBeFalse();
        answer.ShouldStartWith("You asked: What is on the second app?");
        var card = emulator.State.MessagesIn(emulator.State.FindMessage(question)!.ChatId).Single(m => m.Sender.SenderType == "app");

        // Its feedback buttons are answered on the app's own card URL.
        var clicked = await hub.ClickAsync(card.MessageId, new { action = "assistant.feedback", feedback = "helpful", answer_id = $"turn-{turn.Id}" });
        clicked.GetRawText().ShouldContain("glad it helped");
        (await driver.FeedbackAsync()).ShouldHaveSingleItem().Value.ShouldBe("helpful");
    }
}
