using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.State;
using Larkway.Hub.Assistants.Storage;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// A hundred people ask at once, each in their own chat with the bot: every question is answered in its own card under
/// the Emulator's CardKit limits (10 operations a second per card), and no text is lost — each final card shows, character
/// for character, what the backend answers to that question.
/// </summary>
public sealed class HubAssistantStreamingTests
{
    private const int People = 100;

    [Fact]
    public async Task A_hundred_concurrent_conversations_are_answered_within_CardKit_limits_with_every_character_of_every_answer()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.CreateAsync("helpdesk", ["default"]);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 30 });

        var people = Enumerable.Range(1, People).Select(i => hub.State.AddUser(new EmulatorUser(
            $"ou_load{i:D29}", $"on_load{i:D29}", $"load{i:D3}", $"Load Tester {i}", $"load{i:D3}@example.com", []))).ToList();
        var questions = people.Select((p, i) => $"Question {i + 1}: which form does {p.Name} fill for trip {i * 7 + 3}?").ToList();

        var messages = await Task.WhenAll(people.Select((p, i) => hub.SayToBotAsync(questions[i], p.Email!)));
        var turns = await driver.EndedTurnsAsync(People, seconds: 120);
        turns.Count.ShouldBe(People);

        // What the backend answers each question, asked directly by a fresh user (a conversation's first turn).
        var expected = await Task.WhenAll(questions.Select(q => ReferenceAnswerAsync(driver.Emulator, q)));
        var byQuestion = questions.Zip(expected).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);

        foreach (var turn in turns)
        {
            turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
            byQuestion.ShouldContainKey(turn.Question);
            var (streaming, answer, _) = await driver.CardAsync(turn.ReplyHandle!);
            streaming.ShouldBeFalse();
            answer.ShouldBe(byQuestion[turn.Question], $"the card of '{turn.Question}'");
        }

        turns.Select(t => t.Question).Distinct(StringComparer.Ordinal).Count().ShouldBe(People);
        turns.Select(t => t.ReplyHandle).Distinct(StringComparer.Ordinal).Count().ShouldBe(People);
        foreach (var message in messages)
        {
            hub.BotCardsInChatOf(message).ShouldHaveSingleItem().ParentId.ShouldBe(message);
        }

        var stats = await driver.CardKitStatsAsync();
        stats.GetProperty("sequence_refusals").GetInt32().ShouldBe(0);
        stats.GetProperty("rate_limited").GetInt32().ShouldBe(0);
        stats.GetProperty("streaming_cards").GetArrayLength().ShouldBe(0);
    }

    private static async Task<string> ReferenceAnswerAsync(HttpClient emulator, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dify/v1/chat-messages")
        {
            Content = JsonContent.Create(new { query, user = $"reference-{Guid.NewGuid():N}", inputs = new { }, response_mode = "blocking" }),
        };
        request.Headers.Authorization = new("Bearer", AssistantDriver.DifyKey);
        using var response = await emulator.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("answer").GetString()!;
    }
}
