using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.AiBackend;
using Larkway.Hub.Assistants.Storage;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// Stored settings take effect (each assertion fails when its setting is ignored): an OpenAI-compatible assistant sends
/// its <c>model</c>, its <c>system_prompt</c> and no more than <c>sessions.history_turns</c> prior turns; an answer longer
/// than <c>streaming.answer_timeout_seconds</c> is cut with the notice that it took too long; a disabled assistant answers
/// nothing.
/// </summary>
public sealed class HubAssistantSettingsTests
{
    [Fact]
    public async Task An_OpenAI_compatible_assistant_sends_its_model_its_system_prompt_and_history_turns_prior_turns()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await CreateAsync(hub, new
        {
            name = "openai-desk",
            backend = "openai",
            base_url = new Uri(hub.Emulator.BaseUrl, "openai/v1").ToString(),
            api_key = AiBackendOptions.DefaultOpenAiApiKey,
            model = "larkway-settings-model",
            system_prompt = "Answer in one line.",
            apps = new[] { "default" },
            policy = new { unknown_users = "guest" },
            sessions = new { history_turns = 1 },
        });
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 3 });

        foreach (var (question, turns) in new[] { ("First question", 1), ("Second question", 2), ("Third question", 3) })
        {
            await hub.SayToBotAsync(question);
            (await driver.EndedTurnsAsync(turns))[turns - 1].Status.ShouldBe(AssistantTurnStatus.Answered);
        }

        using var log = JsonDocument.Parse(await driver.AiRequestsAsync());
        var third = log.RootElement.GetProperty("items").EnumerateArray()
            .Last(r => r.GetProperty("backend").GetString() == "openai");
        third.GetProperty("model").GetString().ShouldBe("larkway-settings-model");
        var messages = third.GetProperty("messages").EnumerateArray().Select(m => (Role: m.GetProperty("role").GetString(), Content: m.GetProperty("content").GetString())).ToList();
        messages[0].ShouldBe(("system", "Answer in one line."));

        // One prior turn (its question and answer), then the question: the first turn is no longer sent.
        messages.Select(m => m.Role).ShouldBe(["system", "user", "assistant", "user"]);
        messages[1].Content.ShouldBe("Second question");
        messages[3].Content.ShouldBe("Third question");
    }

    [Fact]
    public async Task An_answer_running_longer_than_the_answer_timeout_ends_failed_with_the_notice_that_it_took_too_long()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.CreateAsync("slow-desk", ["default"], streaming: new { answer_timeout_seconds = 10 });

        // 400 words at 20 tokens a second would take 20 seconds: the 10-second bound cuts it.
        await driver.SetAiAsync(new { tokens_per_second = 20, answer_words = 400 });
        await hub.SayToBotAsync("Tell me everything");
        var turn = (await driver.EndedTurnsAsync(1, seconds: 60)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Failed);
        turn.FailureKind.ShouldBe("Timeout");
        (await driver.CardAsync(turn.ReplyHandle!)).Card.GetRawText().ShouldContain("took too long");
    }

    [Fact]
    public async Task A_disabled_assistant_leaves_the_message_to_the_bot_and_answers_again_once_enabled()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.CreateAsync("paused-desk", ["default"]);
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 3 });
        await driver.PatchAsync("paused-desk", new { enabled = false });

        // Switched off: the bot's own fallback answers (it is sent only when no assistant took the message), no turn is stored.
        var asked = await hub.SayToBotAsync("Where is the sales deck?");
        await hub.WaitForAsync(() => hub.BotTextsInChatOf(asked).Contains("I answer commands. Send /help to see them."), "the bot's fallback reply", 60);
        (await driver.TurnsAsync()).ShouldBeEmpty();

        await driver.PatchAsync("paused-desk", new { enabled = true });
        await hub.SayToBotAsync("Where is the sales deck, please?");
        (await driver.EndedTurnsAsync(1, seconds: 60)).Single().Status.ShouldBe(AssistantTurnStatus.Answered);
    }

    private static async Task CreateAsync(HubSandbox hub, object body)
    {
        using var admin = new HttpClient { BaseAddress = hub.Api.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        using var response = await admin.PostAsJsonAsync("/api/v1/assistants", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
    }
}
