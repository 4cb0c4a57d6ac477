using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// One conversation with the assistant on Feishu, end to end: /stop ends an answer with what was shown, questions of one
/// chat are answered one after the other, /new starts a new backend conversation, a group answers only when @-mentioned
/// and never another bot, and a backend that is down, slow or busy ends the card with a notice — never left streaming.
/// The tests share one Hub (<see cref="SharedHub"/>); each asks as a person of its own, in a chat of its own.
/// </summary>
public sealed class HubAssistantConversationTests(HubAssistantConversationTests.SharedHub shared) : IClassFixture<HubAssistantConversationTests.SharedHub>
{
    [Fact]
    public async Task Stop_during_a_slow_answer_ends_the_card_with_what_was_shown_and_stops_the_backend_task()
    {
        using var asker = await shared.BeginAsync("stopper");
        var driver = asker.Driver;
        await driver.SetAiAsync(new { tokens_per_second = 5, answer_words = 200 });

        await asker.SayAsync("Summarise the expense policy");
        await HubSandbox.WaitUntilAsync(() => ShowsText(driver), "the card to show part of the answer", 30);
        await asker.SayAsync("/stop");

        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Stopped, turn.LastError);
        var (streaming, answer, _) = await driver.CardAsync(turn.ReplyHandle!);
        streaming.ShouldBeFalse();
        answer.ShouldEndWith("\n\n*Stopped.*");
        var shown = answer[..^"\n\n*Stopped.*".Length];
        shown.ShouldStartWith("You asked:");
        await driver.SetAiAsync(new { tokens_per_second = 1000 });
        var full = await ReferenceAnswerAsync(driver, "Summarise the expense policy");
        shown.Length.ShouldBeLessThan(full.Length, "the answer was cut short");
        full.ShouldStartWith(shown, Case.Sensitive, "what was shown is the answer's beginning, nothing lost or added");

        var requests = await RequestsAsync(driver);
        var chat = requests.First(r => r.GetProperty("operation").GetString() == "chat" && r.GetProperty("query").GetString() == "Summarise the expense policy");
        var taskId = chat.GetProperty("task_id").GetString();
        taskId.ShouldNotBeNullOrEmpty();
        requests.ShouldContain(r => r.GetProperty("operation").GetString() == "stop" && r.GetProperty("task_id").GetString() == taskId);
        (await driver.CardKitStatsAsync()).GetProperty("streaming_cards").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Two_questions_sent_back_to_back_are_answered_in_order_the_second_card_opened_after_the_first_ended()
    {
        using var asker = await shared.BeginAsync("backtoback");
        var driver = asker.Driver;
        await driver.SetAiAsync(new { tokens_per_second = 60, answer_words = 30 });

        await asker.SayAsync("First: where is the VPN guide?");
        await asker.SayAsync("Second: who approves travel?");
        var turns = await driver.EndedTurnsAsync(2);
        turns.Count.ShouldBe(2);
        turns.ShouldAllBe(t => t.Status == AssistantTurnStatus.Answered);
        var order = string.Join("; ", turns.Select(t => $"turn {t.Id} '{t.Question}' sent {t.SentAt:O} received {t.ReceivedAt:O} event {t.InboxEventId} started {t.StartedAt:O} finished {t.FinishedAt:O}"));
        turns[0].Question.ShouldBe("First: where is the VPN guide?", $"{order}; {shared.Hub.Log}");
        turns[1].Question.ShouldBe("Second: who approves travel?", order);

        var first = await driver.CardAsync(turns[0].ReplyHandle!);
        var second = await driver.CardAsync(turns[1].ReplyHandle!);
        first.Answer.ShouldStartWith("You asked: First: where is the VPN guide?");
        second.Answer.ShouldStartWith("(turn 2) You asked: Second: who approves travel?", Case.Sensitive, "the second question continues the first's conversation, after it");

        // Never interleaved: the second turn started after the first finished, and its card's first operation came after the first card's last.
        turns[1].StartedAt!.Value.ShouldBeGreaterThanOrEqualTo(turns[0].FinishedAt!.Value);
        var firstOperations = await OperationsAsync(driver, turns[0].ReplyHandle!);
        var secondOperations = await OperationsAsync(driver, turns[1].ReplyHandle!);
        secondOperations.Min().ShouldBeGreaterThanOrEqualTo(firstOperations.Max());
    }

    [Fact]
    public async Task A_question_waits_for_an_event_of_its_conversation_the_inbox_received_before_it_and_has_not_read_yet()
    {
        // The inbox reads events concurrently: an earlier question may still be unread when a later one is stored. The
        // shared Hub's long arrival wait keeps a loaded machine from running past it; the parked event of the asker's own
        // chat stands for the unread question.
        using var asker = await shared.BeginAsync("waiter");
        var driver = asker.Driver;
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 5 });
        var parked = await ParkAsync(WorkState.Pending, attempts: 0, app: "", lane: driver.Conversation);

        DateTimeOffset released;
        try
        {
            await asker.SayAsync("Where is the VPN guide?");
            var stored = await driver.StoredTurnAsync();
            stored.InboxEventId.ShouldNotBeNull().ShouldBeGreaterThan(parked);

            // Held, not merely not yet looked at: the worker has put it back for later at least once.
            var held = await HeldAsync(driver, stored);
            held.Status.ShouldBe(AssistantTurnStatus.Queued);
        }
        finally
        {
            // Read, even when the test failed before: the shared Hub's later questions must not wait for it.
            released = DateTimeOffset.UtcNow;
            await ReleaseAsync(parked);
        }

        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.StartedAt!.Value.ShouldBeGreaterThanOrEqualTo(released.AddMilliseconds(-1), "the answer started only once the earlier event was read");
    }

    [Fact]
    public async Task A_question_is_not_held_by_unread_or_failing_events_of_other_conversations_other_apps_or_its_own_retries()
    {
        // Every one of these would have held the question for the shared Hub's whole minute of arrival wait when any unread
        // event counted; the answer is awaited for half of that.
        using var asker = await shared.BeginAsync("unheld");
        var driver = asker.Driver;
        await driver.SetAiAsync(new { tokens_per_second = 500, answer_words = 5 });
        long[] parked =
        [
            await ParkAsync(WorkState.InProgress, attempts: 1, app: "", lane: "oc_another_chat"),
            await ParkAsync(WorkState.Pending, attempts: 0, app: "a-deleted-app", lane: driver.Conversation),
            await ParkAsync(WorkState.Pending, attempts: 0, app: "", lane: null),
            await ParkAsync(WorkState.Retrying, attempts: 1, app: "", lane: driver.Conversation),
            await ParkAsync(WorkState.InProgress, attempts: 3, app: "", lane: driver.Conversation),
            await ParkAsync(WorkState.DeadLetter, attempts: 8, app: "", lane: driver.Conversation),
        ];
        try
        {
            await asker.SayAsync("Who approves travel?");
            var turn = (await driver.EndedTurnsAsync(1, seconds: 30)).Single();

            turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
            turn.InboxEventId.ShouldNotBeNull().ShouldBeGreaterThan(parked.Max());
        }
        finally
        {
            foreach (var id in parked)
            {
                await ReleaseAsync(id);
            }
        }
    }

    /// <summary>Stores an event as the inbox would hold it, due only in an hour: nothing reads it while the test runs.</summary>
    private async Task<long> ParkAsync(WorkState state, int attempts, string app, string? lane)
    {
        var factory = shared.Hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var parked = new InboxEvent
        {
            AppName = app, EventType = "im.message.receive_v1", Body = "{}"u8.ToArray(), Transport = InboxTransport.Http, Lane = lane,
            ReceivedAt = DateTimeOffset.UtcNow, State = state, Attempts = attempts, NextAttemptAt = DateTimeOffset.UtcNow.AddHours(1),
            LeaseOwner = state == WorkState.InProgress ? "elsewhere" : null, LeaseUntil = state == WorkState.InProgress ? DateTimeOffset.UtcNow.AddHours(1) : null,
        };
        db.InboxEvents.Add(parked);
        await db.SaveChangesAsync();
        return parked.Id;
    }

    private async Task ReleaseAsync(long id)
    {
        var factory = shared.Hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        await db.InboxEvents.Where(e => e.Id == id).ExecuteUpdateAsync(s => s.SetProperty(e => e.State, WorkState.Done).SetProperty(e => e.LeaseOwner, (string?)null));
    }

    /// <summary>The turn once the worker has deferred it (its next attempt moved past the one it was stored with).</summary>
    private static async Task<AssistantTurnRow> HeldAsync(AssistantDriver driver, AssistantTurnRow stored)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var turn = (await driver.TurnsAsync()).Single(t => t.Id == stored.Id);
            if (turn.NextAttemptAt > stored.NextAttemptAt && turn.State == WorkState.Pending)
            {
                return turn;
            }

            await Task.Delay(50, cts.Token);
        }
    }

    [Fact]
    public async Task New_starts_a_new_backend_conversation_while_without_it_the_conversation_continues()
    {
        using var asker = await shared.BeginAsync("renewer");
        var driver = asker.Driver;
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });

        await asker.SayAsync("What is the Wi-Fi password?");
        await driver.EndedTurnsAsync(1);
        await asker.SayAsync("And for guests?");
        var turns = await driver.EndedTurnsAsync(2);
        (await driver.CardAsync(turns[1].ReplyHandle!)).Answer.ShouldStartWith("(turn 2) You asked: And for guests?");

        var newCommand = await asker.SayAsync("/new");
        await HubSandbox.WaitUntilAsync(() => shared.Hub.BotTextsInChatOf(newCommand).Count > 0, "the answer to /new");
        await asker.SayAsync("Where is the printer?");
        turns = await driver.EndedTurnsAsync(3);
        turns[2].Status.ShouldBe(AssistantTurnStatus.Answered, turns[2].LastError);
        turns[2].BackendConversationId.ShouldNotBe(turns[1].BackendConversationId);
        var third = await driver.CardAsync(turns[2].ReplyHandle!);
        third.Answer.ShouldStartWith("You asked: Where is the printer?");
        third.Answer.ShouldNotContain("(turn");
    }

    [Fact]
    public async Task In_a_group_only_a_message_mentioning_the_assistant_is_answered_and_never_one_from_another_bot()
    {
        var hub = shared.Hub;
        var emulator = hub.Emulator;
        var appId = hub.Host.Settings.AppId!;
        var group = emulator.State.Chats.First(c => c.ChatMode == "group" && c.HasBot(appId));
        using var driver = await shared.BeginInAsync(group.ChatId);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });
        var player = new FeishuPlayer(hub.Api, hub.Host.Settings.EncryptKey!, hub.Host.Settings.VerificationToken!, appId);

        var unaddressed = await driver.PostInGroupAsync(group, "where is the VPN guide?");
        var addressed = await driver.PostInGroupAsync(group, $"<at user_id=\"{appId}\"></at> where is the travel form?");
        var addressedMessage = emulator.State.FindMessage(addressed)!;
        addressedMessage.Mentions.ShouldNotBeEmpty();

        // Deliver each as Feishu would (the Emulator may not push a group message that does not mention the bot; one it
        // pushed too is the same message, taken once), and a message from another app's bot that mentions ours.
        var botLoop = AssistantDriver.GroupEnvelope(emulator, emulator.State.FindMessage(addressed)!, group, player, "ev_group_bot");
        botLoop["event"]!["sender"]!["sender_type"] = "app";
        botLoop["event"]!["sender"]!["sender_id"] = new JsonObject { ["open_id"] = "ou_anotherbot0000000000000000000000" };
        botLoop["event"]!["message"]!["message_id"] = "om_from_another_bot_000000000000000";
        using (var delivered = await player.DeliverAsync(botLoop.ToJsonString()))
        {
            delivered.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var delivered = await player.DeliverAsync(AssistantDriver.GroupEnvelope(emulator, emulator.State.FindMessage(unaddressed)!, group, player, "ev_group_unaddressed").ToJsonString()))
        {
            delivered.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var delivered = await player.DeliverAsync(AssistantDriver.GroupEnvelope(emulator, addressedMessage, group, player, "ev_group_addressed").ToJsonString()))
        {
            delivered.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var turn = (await driver.EndedTurnsAsync(1)).Single();
        await AdminApi.WaitAllDoneAsync(hub.Host.BaseUrl, HubSandbox.AdminKey, 3);
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.MessageId.ShouldBe(addressed);
        (await driver.TurnsAsync()).Count.ShouldBe(1, "only the message mentioning the assistant is a question for it");
        var fromBot = emulator.State.MessagesIn(group.ChatId).Where(m => m.Sender.SenderType == "app").ToList();
        fromBot.ShouldHaveSingleItem().ParentId.ShouldBe(addressed);
        JsonDocument.Parse(await driver.AiRequestsAsync()).RootElement.GetProperty("items").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task A_backend_that_is_down_ends_the_card_failed_with_a_notice_naming_it_and_a_Regenerate_button()
    {
        using var asker = await shared.BeginAsync("downcast");
        var driver = asker.Driver;
        await driver.ArmFaultAsync(new { kind = "server_error", backend = "dify", count = 10, status = 503 });

        await asker.SayAsync("Where is the canteen menu?");
        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Failed);
        var (streaming, answer, card) = await driver.CardAsync(turn.ReplyHandle!);
        streaming.ShouldBeFalse();
        answer.ShouldBe("*helpdesk's AI service failed with an error before answering. Press Regenerate to try again.*");
        card.GetRawText().ShouldContain("assistant.regenerate");
        (await driver.CardKitStatsAsync()).GetProperty("streaming_cards").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_first_token_later_than_the_timeout_ends_the_card_failed_with_a_notice_that_it_took_too_long()
    {
        using var asker = await shared.BeginAsync("impatient", streaming: new { first_token_timeout_seconds = 1 });
        var driver = asker.Driver;
        await driver.ArmFaultAsync(new { kind = "slow_first_token", backend = "dify", count = 10, delay_ms = 4000 });

        await asker.SayAsync("Where is the parking map?");
        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Failed);
        var (streaming, answer, card) = await driver.CardAsync(turn.ReplyHandle!);
        streaming.ShouldBeFalse();
        answer.ShouldBe("*helpdesk's AI service took too long to answer. Press Regenerate to try again.*");
        card.GetRawText().ShouldContain("assistant.regenerate");
        (await driver.CardKitStatsAsync()).GetProperty("streaming_cards").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_429_before_the_first_token_is_retried_and_the_question_answered()
    {
        using var asker = await shared.BeginAsync("throttled");
        var driver = asker.Driver;
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });
        await driver.ArmFaultAsync(new { kind = "rate_limit", backend = "dify", count = 1, retry_after_seconds = 1 });

        await asker.SayAsync("How many days of leave do I have?");
        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        (await driver.CardAsync(turn.ReplyHandle!)).Answer.ShouldBe(await ReferenceAnswerAsync(driver, "How many days of leave do I have?"));

        var outcomes = (await RequestsAsync(driver)).Where(r => r.GetProperty("query").GetString() == "How many days of leave do I have?")
            .Select(r => r.GetProperty("outcome").GetString()).ToList();
        outcomes.Take(2).ShouldBe(["rate_limited", "completed"]);
    }

    private static bool ShowsText(AssistantDriver driver)
    {
        var turns = driver.TurnsAsync().GetAwaiter().GetResult();
        if (turns.Count == 0 || turns[0].ReplyHandle is null)
        {
            return false;
        }

        var (streaming, answer, _) = driver.CardAsync(turns[0].ReplyHandle!).GetAwaiter().GetResult();
        return streaming && answer.StartsWith("You asked:", StringComparison.Ordinal);
    }

    private static async Task<IReadOnlyList<JsonElement>> RequestsAsync(AssistantDriver driver)
    {
        var root = JsonDocument.Parse(await driver.AiRequestsAsync()).RootElement;
        return [.. (root.TryGetProperty("data", out var data) ? data : root).GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }

    private static async Task<IReadOnlyList<long>> OperationsAsync(AssistantDriver driver, string cardId)
    {
        var root = JsonDocument.Parse(await driver.Emulator.GetStringAsync($"/_emulator/cardkit/cards/{cardId}/operations")).RootElement;
        return [.. (root.TryGetProperty("data", out var data) ? data : root).GetProperty("items").EnumerateArray().Select(o => At(o.GetProperty("at")))];
    }

    private static long At(JsonElement at) => at.ValueKind == JsonValueKind.Number ? at.GetInt64()
        : long.TryParse(at.GetString(), out var ms) ? ms : DateTimeOffset.Parse(at.GetString()!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    /// <summary>The backend's answer to <paramref name="query"/> as a conversation's first turn (a fresh user; the fake is deterministic).</summary>
    private static async Task<string> ReferenceAnswerAsync(AssistantDriver driver, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dify/v1/chat-messages")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { query, user = $"reference-{Guid.NewGuid():N}", inputs = new { }, response_mode = "blocking" }),
        };
        request.Headers.Authorization = new("Bearer", AssistantDriver.DifyKey);
        using var response = await driver.Emulator.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("answer").GetString()!;
    }

    /// <summary>
    /// One sandbox Hub for the class, with assistant <c>helpdesk</c> on the default app and a one-minute arrival wait (the
    /// arrival test parks an event for a second; a question of another test waits only for events not yet read). The
    /// tests run one after the other; each begins from what a fresh Hub has: the fake AI's default settings, no faults,
    /// an empty request log, the assistant's default streaming settings, and its own person and chat.
    /// </summary>
    public sealed class SharedHub : IAsyncLifetime
    {
        private const string Assistant = "helpdesk";

        private JsonElement _aiDefaults;

        internal HubSandbox Hub { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Hub = await HubSandbox.StartAsync(new Dictionary<string, string?> { ["Larkway:Assistants:ArrivalWait"] = "00:01:00" });
            using var driver = new AssistantDriver(Hub, Hub.Emulator.BaseUrl);
            await driver.CreateAsync(Assistant, ["default"]);
            _aiDefaults = await Hub.Control.GetFromJsonAsync<JsonElement>("/_emulator/ai/settings");
        }

        public async Task DisposeAsync() => await Hub.DisposeAsync();

        /// <summary>
        /// A test begins as <paramref name="userId"/>, a person no other test is (so no session, chat or turn of another
        /// test is theirs), writing to the bot directly; <paramref name="streaming"/> is the assistant's streaming settings.
        /// </summary>
        internal async Task<Asker> BeginAsync(string userId, object? streaming = null)
        {
            var email = userId + "@example.com";
            var user = Hub.State.FindUser("email", email)
                ?? Hub.State.AddUser(new EmulatorUser(Ids.HomeOpenId(userId), Ids.HomeUnionId(userId), userId, userId, email, []));
            var chat = Hub.State.OpenDirectChat(Hub.Host.Settings.AppId!, user.OpenId);
            return new Asker(Hub, email, await BeginInAsync(chat.ChatId, streaming));
        }

        /// <summary>A test begins in <paramref name="chatId"/>: its driver sees the turns of that chat only.</summary>
        internal async Task<AssistantDriver> BeginInAsync(string chatId, object? streaming = null)
        {
            using (var cleared = await Hub.Control.DeleteAsync("/_emulator/ai/faults"))
            {
                cleared.EnsureSuccessStatusCode();
            }

            using (var cleared = await Hub.Control.DeleteAsync("/_emulator/ai/requests"))
            {
                cleared.EnsureSuccessStatusCode();
            }

            using (var reset = await Hub.Control.PutAsJsonAsync("/_emulator/ai/settings", _aiDefaults))
            {
                reset.EnsureSuccessStatusCode();
            }

            var driver = new AssistantDriver(Hub, Hub.Emulator.BaseUrl, chatId);
            await driver.PatchAsync(Assistant, new { streaming = streaming ?? new { } });
            return driver;
        }
    }

    /// <summary>A person writing to the bot in their direct chat, and the driver that sees that chat's turns.</summary>
    internal sealed class Asker(HubSandbox hub, string email, AssistantDriver driver) : IDisposable
    {
        public AssistantDriver Driver => driver;

        /// <summary>Writes <paramref name="text"/> to the bot; returns the message id.</summary>
        public Task<string> SayAsync(string text) => hub.SayToBotAsync(text, email);

        public void Dispose() => driver.Dispose();
    }
}
