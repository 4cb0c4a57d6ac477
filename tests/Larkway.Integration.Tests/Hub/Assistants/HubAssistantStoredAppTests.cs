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
        await using var setUp = await SecondApp.StartAsync();
        var (emulator, hub, driver) = (setUp.Emulator, setUp.Hub, setUp.Driver);
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

    [Fact]
    public async Task A_question_that_arrives_while_the_bot_cannot_be_read_waits_for_a_retry_and_is_answered()
    {
        await using var setUp = await SecondApp.StartAsync();
        var (hub, driver) = (setUp.Hub, setUp.Driver);

        // Feishu cannot say who the bot is (an outage, or credentials refused): the question must not be dropped.
        using (var armed = await hub.Control.PostAsJsonAsync("/_emulator/faults", new { endpoint = "GET /open-apis/bot/v3/info", kind = "server_error", count = 100_000 }))
        {
            armed.EnsureSuccessStatusCode();
        }

        using (var sent = await hub.Control.PostAsJsonAsync($"/_emulator/apps/{SecondAppId}/p2p-messages",
            new { sender = "alice@example.com", msg_type = "text", content = new { text = "Is the second app up?" } }))
        {
            sent.EnsureSuccessStatusCode();
        }

        JsonElement failed = default;
        await hub.WaitForAsync(
            () => (failed = AdminApi.EventsAsync(hub.Host.BaseUrl, HubSandbox.AdminKey, status: "failed").GetAwaiter().GetResult().FirstOrDefault()).ValueKind == JsonValueKind.Object,
            "the message waiting for a retry", 60);
        failed.GetRawText().ShouldContain("could not be read");
        (await driver.TurnsAsync()).ShouldBeEmpty();

        // Feishu answers again: the retry answers the question.
        (await hub.Control.DeleteAsync("/_emulator/faults")).EnsureSuccessStatusCode();
        var turn = (await driver.EndedTurnsAsync(1, seconds: 90)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.App.ShouldBe("second");
    }

    /// <summary>An Emulator with a second Feishu app, a Hub that stores it, and an assistant on it.</summary>
    private sealed class SecondApp : IAsyncDisposable
    {
        private SecondApp(EmulatorServer emulator, HubSandbox hub, AssistantDriver driver) => (Emulator, Hub, Driver) = (emulator, hub, driver);

        public EmulatorServer Emulator { get; }

        public HubSandbox Hub { get; }

        public AssistantDriver Driver { get; }

        public static async Task<SecondApp> StartAsync()
        {
            var seed = Path.Combine(Path.GetTempPath(), $"larkway-assistant-seed-{Guid.NewGuid():N}.json");
            await File.WriteAllTextAsync(seed, JsonSerializer.Serialize(new
            {
                users = new object[] { new { name = "Alice Chen", email = "alice@example.com" } },
                apps = new object[] { new { app_id = SecondAppId, app_secret = SecondAppSecret, bot_name = "Second Bot" } },
            }));
            var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, SeedFile = seed });
            var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
            var driver = new AssistantDriver(hub, emulator.BaseUrl);
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

            return new SecondApp(emulator, hub, driver);
        }

        public async ValueTask DisposeAsync()
        {
            Driver.Dispose();
            await Hub.DisposeAsync();
            await Emulator.DisposeAsync();
        }
    }
}
