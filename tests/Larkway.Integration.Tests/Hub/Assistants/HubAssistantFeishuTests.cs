using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Assistants.Storage;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// The assistant on Feishu, end to end against the Emulator: a question streams into one CardKit card whose final text is
/// the backend's answer, personal data never reaches the backend, one message gets one answer however often it arrives,
/// and a failing backend ends the card with a notice — never a card left generating.
/// </summary>
public sealed class HubAssistantFeishuTests
{
    private const string Mobile = "13812345678";
    private const string ResidentId = "11010519491231002X";

    [Fact]
    public async Task A_question_streams_into_one_card_that_ends_with_the_answer_restored_and_masked_and_the_backend_never_sees_the_mobile_or_id_number()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.CreateAsync("helpdesk", ["default"]);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 40 });

        var question = await hub.SayToBotAsync($"My mobile is {Mobile} and my ID is {ResidentId}; which form do I fill?");
        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.Question.ShouldNotContain(Mobile);
        turn.Question.ShouldNotContain(ResidentId);
        turn.Answer.ShouldNotBeNull();
        turn.Answer.ShouldNotContain(Mobile, Case.Sensitive, "what is stored is masked for storage");
        turn.FirstTokenAt.ShouldNotBeNull();
        turn.Updates.ShouldBeGreaterThan(0);

        // The backend got placeholders only.
        var requests = await driver.AiRequestsAsync();
        requests.ShouldNotContain(Mobile);
        requests.ShouldNotContain(ResidentId);
        requests.ShouldContain("PHONE_1");

        // One card, replying to the question, streaming off, showing the answer with the asker's own values restored.
        var cards = hub.BotCardsInChatOf(question);
        cards.Count.ShouldBe(1);
        cards[0].ParentId.ShouldBe(question);
        var (streaming, answer, card) = await driver.CardAsync(turn.ReplyHandle!);
        streaming.ShouldBeFalse();
        // Restored, then masked toward the platform by default (HubAssistantPlatformMaskingTests holds the rule).
        // The card's markdown carries the display forms' stars as &#42; (Feishu's escape), so they show as stars.
        answer.ShouldStartWith("You asked: My mobile is 138&#42;&#42;&#42;&#42;5678 and my ID is 1101&#42;&#42;&#42;&#42;&#42;&#42;&#42;&#42;&#42;&#42;002X");
        answer.ShouldContain("Placeholders kept: 138&#42;&#42;&#42;&#42;5678");
        answer.ShouldNotContain("[PHONE_1]");
        card.GetRawText().ShouldContain("assistant.feedback");

        var stats = await driver.CardKitStatsAsync();
        stats.GetProperty("sequence_refusals").GetInt32().ShouldBe(0);
        stats.GetProperty("rate_limited").GetInt32().ShouldBe(0);
        stats.GetProperty("streaming_cards").GetArrayLength().ShouldBe(0);

        // Helpful is stored once per person; a second click changes it.
        var helpful = await hub.ClickAsync(cards[0].MessageId, new { action = "assistant.feedback", feedback = "helpful", answer_id = $"turn-{turn.Id}" });
        helpful.GetRawText().ShouldContain("glad it helped");
        await hub.ClickAsync(cards[0].MessageId, new { action = "assistant.feedback", feedback = "not_helpful", answer_id = $"turn-{turn.Id}" });
        var feedback = (await driver.FeedbackAsync()).ShouldHaveSingleItem();
        feedback.TurnId.ShouldBe(turn.Id);
        feedback.Value.ShouldBe("not_helpful");
        feedback.User.ShouldBe(turn.PersonId ?? $"feishu:{turn.SenderId}", "the asker's person, else the account with its platform: never a bare open_id");
    }

    [Fact]
    public async Task Where_CardKit_refuses_the_card_the_answer_goes_as_a_message_card_updated_to_the_whole_answer_with_its_buttons()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.CreateAsync("helpdesk", ["default"]);
        await driver.SetAiAsync(new { tokens_per_second = 40, answer_words = 60 });
        using (var armed = await hub.Control.PostAsJsonAsync("/_emulator/faults", new { endpoint = "POST /open-apis/cardkit/v1/cards", kind = "scope_denied", count = 1 }))
        {
            armed.EnsureSuccessStatusCode();
        }

        var first = await hub.SayToBotAsync("How do I reset my password?");
        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.ReplyHandle.ShouldBe($"message:{turn.ReplyMessageId}");
        turn.Updates.ShouldBeGreaterThan(1, "the message card was updated while the answer streamed, then once at the end");

        // One message card, replying to the question: the whole answer, and the feedback buttons.
        var card = hub.BotCardsInChatOf(first).ShouldHaveSingleItem();
        card.MessageId.ShouldBe(turn.ReplyMessageId);
        card.ParentId.ShouldBe(first);
        using var content = JsonDocument.Parse(hub.State.FindMessage(card.MessageId)!.SendContent);
        var answer = AssistantDriver.AnswerOf(content.RootElement);
        answer.ShouldBe(turn.Answer);
        answer.ShouldStartWith("You asked: How do I reset my password?");
        content.RootElement.GetRawText().ShouldContain("assistant.feedback");

        // The next answer does not ask CardKit again for a while: it, too, is a message card, and no card entity was made.
        await hub.SayToBotAsync("And how do I change it?");
        var second = (await driver.EndedTurnsAsync(2))[1];
        second.Status.ShouldBe(AssistantTurnStatus.Answered, second.LastError);
        second.ReplyHandle.ShouldStartWith("message:");
        (await driver.CardKitCardsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task A_message_delivered_again_under_a_new_event_id_gets_one_answer()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var driver = new AssistantDriver(hub, emulator.BaseUrl);
        await driver.CreateAsync("helpdesk", ["default"]);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });
        var player = new FeishuPlayer(hub.Api, HubSandbox.ExternalEncryptKey, HubSandbox.ExternalVerificationToken, hub.Host.Settings.AppId!);

        var question = await hub.SayToBotAsync("How do I book a meeting room?");
        var message = hub.State.FindMessage(question)!;
        string Event(string id) => FeishuPlayer.ReceiveEvent(message, hub.State.FindChat(message.ChatId)!, id, player.Verification, player.AppId, hub.State.Tenant.TenantKey);
        var deliveries = await Task.WhenAll(player.DeliverAsync(Event("ev_asst_1")), player.DeliverAsync(Event("ev_asst_1")), player.DeliverAsync(Event("ev_asst_2")));
        deliveries.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        await driver.EndedTurnsAsync(1);
        using (var late = await player.DeliverAsync(Event("ev_asst_3")))
        {
            late.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // The inbox already takes a message once whatever its event id; the turn's own key holds behind it too.
        await AdminApi.WaitAllDoneAsync(hub.Host.BaseUrl, HubSandbox.AdminKey, 1);
        (await driver.TurnsAsync()).Count.ShouldBe(1);
        hub.BotCardsInChatOf(question).Count.ShouldBe(1);
        JsonDocument.Parse(await driver.AiRequestsAsync()).RootElement.GetProperty("items").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task A_backend_failing_mid_answer_ends_the_card_with_what_was_shown_a_notice_and_a_retry_button()
    {
        await using var hub = await HubSandbox.StartAsync();
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.CreateAsync("helpdesk", ["default"]);
        await driver.SetAiAsync(new { tokens_per_second = 100, answer_words = 30 });
        await driver.ArmFaultAsync(new { kind = "error_mid_stream", backend = "dify", after_tokens = 5 });

        await hub.SayToBotAsync("Where is the VPN guide?");
        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Failed);
        var (streaming, answer, card) = await driver.CardAsync(turn.ReplyHandle!);
        streaming.ShouldBeFalse();
        answer.ShouldStartWith("You asked:");

        // What was shown stays, and the notice says it was cut off by an error of the service, which was reached.
        answer.ShouldEndWith("*The answer was cut off by an error of helpdesk's AI service. Press Regenerate to try again.*");
        answer.ShouldNotContain("could not reach");
        card.GetRawText().ShouldContain("assistant.regenerate");
        (await driver.CardKitStatsAsync()).GetProperty("streaming_cards").GetArrayLength().ShouldBe(0);

        // Regenerate asks again: a second turn, answered this time.
        var cardMessage = hub.State.FindMessage(turn.ReplyMessageId!)!;
        await hub.ClickAsync(cardMessage.MessageId, new { action = "assistant.regenerate", answer_id = $"turn-{turn.Id}" });
        var turns = await driver.EndedTurnsAsync(2);
        turns[1].Status.ShouldBe(AssistantTurnStatus.Answered);
        turns[1].MessageKey.ShouldStartWith(turn.MessageKey + "/regenerate/");
    }
}
