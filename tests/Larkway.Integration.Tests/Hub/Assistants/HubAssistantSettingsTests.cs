using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.AiBackend;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Assistants.Storage;
using Larkway.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// Stored settings take effect (each assertion fails when its setting is ignored): an OpenAI-compatible assistant sends
/// its <c>model</c>, its <c>system_prompt</c> and no more than <c>sessions.history_turns</c> prior turns; an answer longer
/// than <c>streaming.answer_timeout_seconds</c> is cut with the notice that it took too long; a disabled assistant answers
/// nothing; a session idle longer than <c>sessions.ttl_hours</c> (the Hub's and Feishu's clock moved on) starts afresh,
/// one idle less goes on; and a streamed answer is shown unfinished at most once per <c>streaming.update_interval_ms</c>
/// on Feishu, DingTalk and WeCom (counted from what each platform received, never from how long it took).
/// </summary>
public sealed class HubAssistantSettingsTests
{
    private const string SandboxAssistantName = "assistant";

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

    [Theory]
    [InlineData(1, true)]
    [InlineData(168, false)]
    public async Task A_session_idle_longer_than_its_ttl_hours_starts_afresh_and_one_idle_less_goes_on(int ttlHours, bool startsAfresh)
    {
        // Two hours pass for Feishu and the Hub alike (Feishu's request timestamps are checked against the Hub's clock).
        var clock = new ShiftableTimeProvider();
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeProvider = clock });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        await hub.SubscribeEventsAsync();
        using var driver = new AssistantDriver(hub, emulator.BaseUrl);
        await driver.CreateAsync("ttl-desk", ["default"], sessions: new { ttl_hours = ttlHours });
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 3 });

        await hub.SayToBotAsync("Where is the travel policy?");
        var first = (await driver.EndedTurnsAsync(1, seconds: 60)).Single();
        first.Status.ShouldBe(AssistantTurnStatus.Answered, first.LastError);

        clock.Advance(TimeSpan.FromHours(2));
        await hub.SayToBotAsync("And the expense form?");
        var second = (await driver.EndedTurnsAsync(2, seconds: 60))[1];
        second.Status.ShouldBe(AssistantTurnStatus.Answered, second.LastError);

        // A new session sends the backend no conversation: its answer is the first of a conversation, not "(turn 2)".
        var asked = DifyRequests(await driver.AiRequestsAsync());
        var answer = (await driver.CardAsync(second.ReplyHandle!)).Answer;
        asked[^1].Query.ShouldBe("And the expense form?");
        if (startsAfresh)
        {
            second.SessionId.ShouldNotBe(first.SessionId);
            asked[^1].ConversationId.ShouldBeNullOrEmpty();
            answer.ShouldStartWith("You asked: And the expense form?");
        }
        else
        {
            second.SessionId.ShouldBe(first.SessionId);
            asked[^1].ConversationId.ShouldNotBeNullOrEmpty();
            answer.ShouldStartWith("(turn 2) You asked: And the expense form?");
        }
    }

    [Theory]
    [InlineData("feishu")]
    [InlineData("dingtalk")]
    [InlineData("wecom")]
    public async Task A_streamed_answer_is_shown_unfinished_at_most_once_per_update_interval_on_every_platform(string platform)
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>
        {
            ["Larkway:Sandbox:Assistant"] = "true",
            ["Larkway:Sandbox:WeComAiBot"] = platform == "wecom" ? "true" : "false",
        });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        var asker = await PlatformAsker.ReadyAsync(hub, platform);

        // At 20 tokens a second the answers stream for some 1½ and 2½ seconds (longer on a busy machine): far less than
        // 10 seconds, many times 100 ms.
        var partial = new List<int>();
        foreach (var (interval, words, number) in new[] { (10_000, 20, 1), (100, 40, 2) })
        {
            await driver.SetAiAsync(new { tokens_per_second = 20, answer_words = words });
            await driver.PatchAsync(SandboxAssistantName, new { streaming = new { update_interval_ms = interval, dingtalk_card_template_id = "tpl-update-interval" } });
            await asker.AskAsync($"Question {number} about the travel policy");
            var turn = (await driver.EndedTurnsAsync(number, seconds: 90))[number - 1];
            turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
            partial.Add(await asker.PartialUpdatesAsync(turn));
        }

        // 10 seconds: the first text, then only the whole answer (with the setting ignored, the default 500 ms shows it unfinished several times).
        partial[0].ShouldBe(1, "update_interval_ms 10000: one unfinished text before the whole answer");

        // 100 ms: several (WeCom's client sends a frame at most every 500 ms, so it shows fewer than the cards do).
        partial[1].ShouldBeGreaterThanOrEqualTo(3, "update_interval_ms 100: the answer shown growing");
    }

    /// <summary>The Dify chat requests the fake AI received, in order: the question and the conversation it continued.</summary>
    private static List<(string? Query, string? ConversationId)> DifyRequests(string log)
    {
        using var document = JsonDocument.Parse(log);
        return [.. document.RootElement.GetProperty("items").EnumerateArray()
            .Where(r => r.GetProperty("backend").GetString() == "dify" && r.GetProperty("query").ValueKind == JsonValueKind.String)
            .Select(r => (r.GetProperty("query").GetString(), r.GetProperty("conversation_id").ValueKind == JsonValueKind.String ? r.GetProperty("conversation_id").GetString() : null))];
    }

    /// <summary>The Feishu app's event subscription points at the Hub, as set in the developer console.</summary>
    private static async Task CreateAsync(HubSandbox hub, object body)
    {
        using var admin = new HttpClient { BaseAddress = hub.Api.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
        using var response = await admin.PostAsJsonAsync("/api/v1/assistants", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
    }
}
