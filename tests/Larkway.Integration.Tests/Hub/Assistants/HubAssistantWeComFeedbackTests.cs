using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Assistants.Storage;
using Larkway.Integration.Tests.WeCom.AiBot;
using EmulatorAiBot = Larkway.Emulator.WeCom.AiBot.AiBotOptions;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// Feedback on the assistant's answers where WeCom's answer cannot carry the Hub's buttons, end to end against the
/// Emulator: a corp app's markdown answer is followed by a template card (Helpful / Not helpful / Regenerate) whose
/// clicks come back as <c>template_card_event</c> and are answered on the member's card by the click's ResponseCode; an
/// AI bot's streamed answer (whose like / dislike is WeCom's own) is followed by a template card with Regenerate, whose
/// click the bot answers over its long connection.
/// </summary>
public sealed class HubAssistantWeComFeedbackTests
{
    [Fact]
    public async Task A_corp_app_answer_is_followed_by_a_card_whose_votes_are_stored_the_last_one_winning_and_whose_Regenerate_answers_again()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Sandbox:Assistant"] = "true" });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });

        // Carol asks the sandbox's WeCom app: the markdown answer, then the card naming the answer.
        await SandboxPlatforms.WeComSayAsync(hub, "carol", "Where is the sales deck?");
        var turn = (await driver.EndedTurnsAsync(1, 60)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.Platform.ShouldBe("wecom");
        await HubSandbox.WaitUntilAsync(() => Cards(hub, "carol").Count == 1, "the feedback card under Carol's answer", seconds: 60);
        var messages = Messages(hub, "carol");
        var answerAt = messages.FindIndex(m => m.GetProperty("msgtype").GetString() == "markdown" && m.GetProperty("content").GetRawText().Contains("You asked: Where is the sales deck?", StringComparison.Ordinal));
        answerAt.ShouldBeGreaterThanOrEqualTo(0, "the answer as markdown");
        var cardAt = messages.FindIndex(m => m.GetProperty("msgtype").GetString() == "template_card");
        cardAt.ShouldBeGreaterThan(answerAt, "the card follows the answer");
        var card = messages[cardAt];
        var content = card.GetProperty("content");
        content.GetProperty("card_type").GetString().ShouldBe("button_interaction");
        content.GetProperty("task_id").GetString()!.ShouldStartWith($"lwans_turn-{turn.Id}_");
        Keys(content).ShouldBe(["helpful", "not_helpful", "regenerate"]);
        var msgId = card.GetProperty("msgid").GetString()!;

        // 👍: stored against the answer; the card reads the thanks and keeps its buttons.
        await ClickAsync(hub, msgId, "helpful");
        await HubSandbox.WaitUntilAsync(() => Title(hub, "carol", msgId) == "Thanks: glad it helped.", "Carol's card reading her vote", seconds: 60);
        var helpful = (await driver.FeedbackAsync()).ShouldHaveSingleItem();
        helpful.TurnId.ShouldBe(turn.Id);
        helpful.Value.ShouldBe(AssistantFeedbackRow.Helpful);
        Keys(UserCard(hub, "carol", msgId)).ShouldBe(["helpful", "not_helpful", "regenerate"]);

        // 👎 instead: the last vote wins.
        await ClickAsync(hub, msgId, "not_helpful");
        await HubSandbox.WaitUntilAsync(() => Title(hub, "carol", msgId) == "Thanks: this helps improve the answers.", "Carol's card reading her changed vote", seconds: 60);
        (await driver.FeedbackAsync()).ShouldHaveSingleItem().Value.ShouldBe(AssistantFeedbackRow.NotHelpful);

        // Regenerate: the question asked again as a new turn, answered with its own card; the clicked card says so.
        await ClickAsync(hub, msgId, "regenerate");
        var turns = await driver.EndedTurnsAsync(2, 60);
        var regenerated = turns.Single(t => t.Id != turn.Id);
        regenerated.Status.ShouldBe(AssistantTurnStatus.Answered, regenerated.LastError);
        regenerated.Question.ShouldBe(turn.Question);
        await HubSandbox.WaitUntilAsync(() => ReplacedButton(hub, "carol", msgId) == "Answering again…", "the clicked card reading that it answers again", seconds: 60);
        await HubSandbox.WaitUntilAsync(() => Cards(hub, "carol").Any(c => c.GetProperty("content").GetProperty("task_id").GetString()!.StartsWith($"lwans_turn-{regenerated.Id}_", StringComparison.Ordinal)),
            "the new answer's card", seconds: 60);
    }

    [Fact]
    public async Task Under_an_AI_bot_answer_a_Regenerate_card_asks_the_question_again_and_the_bot_brings_the_new_answer()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        using var control = new AiBotControl(emulator.BaseUrl);
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        await HubWeComAiBot.AddAppAndConnectAsync(hub, emulator);
        using var driver = new AssistantDriver(hub, emulator.BaseUrl);
        await driver.CreateAsync("wecom-again", [HubWeComAiBot.AppName]);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });

        // Alice asks; the answer streams in, then the card to ask again.
        await control.MessageAsync("Where is the VPN guide?");
        var turn = (await driver.EndedTurnsAsync(1, 60)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        JsonElement card = default;
        await HubSandbox.WaitUntilAsync(() => (card = BotCard(control, turn.Id)).ValueKind == JsonValueKind.Object, "the Regenerate card after the answer", seconds: 30);
        var messages = BotMessages(control);
        var answerAt = messages.FindIndex(m => m.TryGetProperty("feedback_id", out var f) && f.GetString() == $"turn-{turn.Id}");
        answerAt.ShouldBeGreaterThanOrEqualTo(0, "the streamed answer, carrying the answer's id for WeCom's like / dislike");
        messages.FindIndex(m => m.GetProperty("id").GetString() == card.GetProperty("id").GetString()).ShouldBeGreaterThan(answerAt, "the card follows the answer");
        Keys(card.GetProperty("card")).ShouldBe(["regenerate"]);

        // Regenerate: the question again as a new turn; the bot brings its answer to the chat, with a card of its own.
        await control.ClickAsync(card.GetProperty("id").GetString()!, "regenerate");
        var turns = await driver.EndedTurnsAsync(2, 60);
        var regenerated = turns.Single(t => t.Id != turn.Id);
        regenerated.Status.ShouldBe(AssistantTurnStatus.Answered, regenerated.LastError);
        regenerated.Question.ShouldBe(turn.Question);
        await HubSandbox.WaitUntilAsync(() => BotMessages(control).Skip(answerAt + 2).Any(m => m.GetProperty("msg_type").GetString() == "markdown"
            && m.GetProperty("content").GetString()!.Contains("You asked: Where is the VPN guide?", StringComparison.Ordinal)), "the new answer from the bot", seconds: 30);
        await HubSandbox.WaitUntilAsync(() => BotCard(control, regenerated.Id).ValueKind == JsonValueKind.Object, "the new answer's card", seconds: 30);

        // The clicked card, updated in answer to the click, reads what happened.
        BotMessages(control).Single(m => m.GetProperty("id").GetString() == card.GetProperty("id").GetString())
            .GetProperty("card").GetProperty("main_title").GetProperty("title").GetString().ShouldBe("Answering again…");
    }

    /// <summary>The bot's messages in Alice's single chat.</summary>
    private static List<JsonElement> BotMessages(AiBotControl control) =>
        [.. control.ConversationMessagesAsync($"{EmulatorAiBot.DefaultBotId}/single/alice").GetAwaiter().GetResult().GetProperty("items").EnumerateArray()
            .Where(m => m.GetProperty("from").GetString() == "bot").Select(m => m.Clone())];

    /// <summary>The card under answer <paramref name="turnId"/> in Alice's chat with the bot, if it came.</summary>
    private static JsonElement BotCard(AiBotControl control, long turnId) =>
        BotMessages(control).FirstOrDefault(m => m.GetProperty("msg_type").GetString() == "template_card"
            && m.GetProperty("card").GetProperty("task_id").GetString()!.StartsWith($"lwans_turn-{turnId}_", StringComparison.Ordinal));

    private static async Task ClickAsync(HubSandbox hub, string msgId, string key)
    {
        using var clicked = await hub.Control.PostAsJsonAsync($"/_emulator/wecom/messages/{msgId}/click", new { userid = "carol", key });
        var outcome = await clicked.Content.ReadFromJsonAsync<JsonElement>();
        outcome.GetProperty("status").GetString().ShouldBe("delivered", outcome.ToString());
    }

    private static List<JsonElement> Messages(HubSandbox hub, string user)
    {
        var page = hub.Control.GetFromJsonAsync<JsonElement>($"/_emulator/wecom/users/{user}/messages").GetAwaiter().GetResult();
        return [.. page.GetProperty("items").EnumerateArray().Select(m => m.Clone())];
    }

    private static List<JsonElement> Cards(HubSandbox hub, string user) =>
        [.. Messages(hub, user).Where(m => m.GetProperty("msgtype").GetString() == "template_card")];

    /// <summary>The card <paramref name="user"/> sees now: the one update_template_card gave them, else the one sent.</summary>
    private static JsonElement UserCard(HubSandbox hub, string user, string msgId)
    {
        var message = Cards(hub, user).Single(m => m.GetProperty("msgid").GetString() == msgId);
        return message.TryGetProperty("user_cards", out var cards) && cards.ValueKind == JsonValueKind.Object && cards.TryGetProperty(user, out var card)
            ? card
            : message.GetProperty("content");
    }

    private static string? Title(HubSandbox hub, string user, string msgId) =>
        UserCard(hub, user, msgId).TryGetProperty("main_title", out var title) && title.TryGetProperty("title", out var text) ? text.GetString() : null;

    private static string? ReplacedButton(HubSandbox hub, string user, string msgId)
    {
        var message = Cards(hub, user).Single(m => m.GetProperty("msgid").GetString() == msgId);
        return message.TryGetProperty("replaced_buttons", out var replaced) && replaced.ValueKind == JsonValueKind.Object && replaced.TryGetProperty(user, out var name)
            ? name.GetString()
            : null;
    }

    private static string[] Keys(JsonElement card) =>
        [.. card.GetProperty("button_list").EnumerateArray().Select(b => b.GetProperty("key").GetString()!)];
}
