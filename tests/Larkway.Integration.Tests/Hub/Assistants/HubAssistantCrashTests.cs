using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.State;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// The Hub killed with SIGKILL in the middle of an answer, then started again on the same database: the card it left
/// streaming is closed as interrupted (streaming off, what was shown kept, a Regenerate button) and the question is
/// not answered a second time — one card, one backend call. The same for a message card (where CardKit refused).
/// </summary>
public sealed class HubAssistantCrashTests
{
    private const string AdminKey = "assistant-crash-admin-key";

    private static Dictionary<string, string> Environment(EmulatorServer emulator, Dictionary<string, string> storage) => new(HubProcess.AgainstEmulator(emulator, storage, AdminKey))
    {
        // A short lease, so the restarted Hub takes the turn the killed one held.
        ["Larkway__Assistants__LeaseDuration"] = "00:00:02",
        ["Larkway__Assistants__PollInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task A_Hub_killed_mid_answer_leaves_no_card_generating_and_never_answers_twice()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var database = HubStorage.NewSqlite("larkway-assistant-crash-");
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };

        // Slow enough that the kill lands mid-answer: about 25 s of tokens.
        (await control.PutAsJsonAsync("/_emulator/ai/settings", new { tokens_per_second = 4, answer_words = 100 })).EnsureSuccessStatusCode();
        var message = await AskAsync(emulator, control);

        string cardId;
        await using (var first = await HubProcess.StartAsync(Environment(emulator, database)))
        {
            await StartAnsweringAsync(first, emulator, message, "ev_assistant_crash");

            // Kill once the card shows part of the answer and the Hub has checkpointed some of it.
            cardId = await WaitForStreamingTextAsync(control);
            await HubSandbox.WaitUntilAsync(() => CheckpointedAnswer(database) is { Length: > 0 }, "a checkpoint of the answer", 30);
            await first.KillAsync();
        }

        var before = await CardAsync(control, cardId);
        before.Streaming.ShouldBeTrue("the killed Hub left the card streaming");

        await using (var second = await HubProcess.StartAsync(Environment(emulator, database)))
        {
            await HubSandbox.WaitUntilAsync(() => !CardAsync(control, cardId).GetAwaiter().GetResult().Streaming, "the interrupted card to be closed", 60);
        }

        var after = await CardAsync(control, cardId);
        // What was shown stays, as last checkpointed (at most a check interval behind the card): both are the same answer's beginning.
        after.Answer.ShouldContain("The answer was interrupted");
        var kept = after.Answer[..after.Answer.IndexOf("*The answer was interrupted", StringComparison.Ordinal)].TrimEnd();
        kept.ShouldNotBeEmpty();
        const string beginning = "You asked: Summarise the travel policy";
        (beginning.StartsWith(kept, StringComparison.Ordinal) || kept.StartsWith(beginning, StringComparison.Ordinal)).ShouldBeTrue($"'{kept}' begins the answer");
        (before.Answer.StartsWith(kept, StringComparison.Ordinal) || kept.StartsWith(before.Answer, StringComparison.Ordinal)).ShouldBeTrue($"'{kept}' and '{before.Answer}' begin one answer");
        after.Card.ShouldContain("assistant.regenerate");

        var chat = emulator.State.MessagesIn(message.ChatId).Where(m => m.Sender.SenderType == "app").ToList();
        chat.Count.ShouldBe(1, "one card, never a second answer");
        var requests = JsonDocument.Parse(await control.GetStringAsync("/_emulator/ai/requests?backend=dify")).RootElement;
        (requests.TryGetProperty("data", out var data) ? data : requests).GetProperty("items").EnumerateArray()
            .Count(r => r.GetProperty("operation").GetString() == "chat").ShouldBe(1);
        var stats = JsonDocument.Parse(await control.GetStringAsync("/_emulator/cardkit/stats")).RootElement.GetProperty("data");
        stats.GetProperty("streaming_cards").GetArrayLength().ShouldBe(0);
        stats.GetProperty("sequence_refusals").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task A_Hub_killed_mid_answer_on_a_message_card_closes_that_card_by_PATCH_and_never_answers_twice()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var database = HubStorage.NewSqlite("larkway-assistant-crash-message-");
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };

        // CardKit refuses the card (the app lacks its scope): the answer goes as a message card updated by PATCH.
        (await control.PostAsJsonAsync("/_emulator/faults", new { endpoint = "POST /open-apis/cardkit/v1/cards", kind = "scope_denied", count = 1 })).EnsureSuccessStatusCode();
        (await control.PutAsJsonAsync("/_emulator/ai/settings", new { tokens_per_second = 4, answer_words = 100 })).EnsureSuccessStatusCode();
        var message = await AskAsync(emulator, control);

        string before;
        await using (var first = await HubProcess.StartAsync(Environment(emulator, database)))
        {
            await StartAnsweringAsync(first, emulator, message, "ev_assistant_crash_message");

            await HubSandbox.WaitUntilAsync(() => MessageCardAnswer(emulator, message.ChatId) is { } shown && shown.StartsWith("You asked", StringComparison.Ordinal), "the message card to show part of the answer", 60);
            await HubSandbox.WaitUntilAsync(() => CheckpointedAnswer(database) is { Length: > 0 }, "a checkpoint of the answer", 30);
            await first.KillAsync();
            before = MessageCardAnswer(emulator, message.ChatId)!;
        }

        before.ShouldNotContain("The answer was interrupted");
        await using (var second = await HubProcess.StartAsync(Environment(emulator, database)))
        {
            await HubSandbox.WaitUntilAsync(() => MessageCardAnswer(emulator, message.ChatId)?.Contains("The answer was interrupted", StringComparison.Ordinal) == true, "the interrupted message card to be closed", 60);
        }

        var after = MessageCardAnswer(emulator, message.ChatId)!;
        var kept = after[..after.IndexOf("*The answer was interrupted", StringComparison.Ordinal)].TrimEnd();
        (before.StartsWith(kept, StringComparison.Ordinal) || kept.StartsWith(before, StringComparison.Ordinal)).ShouldBeTrue($"'{kept}' and '{before}' begin one answer");
        var chat = emulator.State.MessagesIn(message.ChatId).Where(m => m.Sender.SenderType == "app").ToList();
        chat.Count.ShouldBe(1, "one message card, never a second answer");
        chat[0].SendContent.ShouldContain("assistant.regenerate");
        var requests = JsonDocument.Parse(await control.GetStringAsync("/_emulator/ai/requests?backend=dify")).RootElement;
        (requests.TryGetProperty("data", out var data) ? data : requests).GetProperty("items").EnumerateArray()
            .Count(r => r.GetProperty("operation").GetString() == "chat").ShouldBe(1);
        JsonDocument.Parse(await control.GetStringAsync("/_emulator/cardkit/cards")).RootElement.GetProperty("data").GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    /// <summary>The answer text of the bot's one message card in the chat, as last sent or patched.</summary>
    /// <summary>Alice asks the bot a question whose answer streams for about 25 s; the message as the Emulator keeps it.</summary>
    private static async Task<EmulatorMessage> AskAsync(EmulatorServer emulator, HttpClient control)
    {
        using var posted = await control.PostAsJsonAsync($"/_emulator/apps/{emulator.State.Apps[0].AppId}/p2p-messages",
            new { sender = "alice@example.com", msg_type = "text", content = new { text = "Summarise the travel policy" } });
        posted.EnsureSuccessStatusCode();
        var messageId = JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("message_id").GetString()!;
        return emulator.State.FindMessage(messageId)!;
    }

    /// <summary>Configures the helpdesk assistant on <paramref name="hub"/> and delivers it the question as event <paramref name="eventId"/>.</summary>
    private static async Task StartAnsweringAsync(HubProcess hub, EmulatorServer emulator, EmulatorMessage message, string eventId)
    {
        using var admin = Admin(hub.BaseUrl);
        (await admin.PostAsJsonAsync("/api/v1/assistants", new
        {
            name = "helpdesk",
            backend = "dify",
            base_url = new Uri(emulator.BaseUrl, "dify/v1").ToString(),
            api_key = AssistantDriver.DifyKey,
            apps = new[] { "default" },
            policy = new { unknown_users = "guest" },
        })).EnsureSuccessStatusCode();

        using var http = new HttpClient { BaseAddress = hub.BaseUrl };
        var player = new FeishuPlayer(http, HubSandbox.ExternalEncryptKey, HubSandbox.ExternalVerificationToken, emulator.State.Apps[0].AppId);
        using var delivered = await player.DeliverAsync(FeishuPlayer.ReceiveEvent(message, emulator.State.FindChat(message.ChatId)!, eventId, player.Verification, player.AppId, emulator.State.Tenant.TenantKey));
        delivered.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static string? MessageCardAnswer(EmulatorServer emulator, string chatId)
    {
        var card = emulator.State.MessagesIn(chatId).FirstOrDefault(m => m.Sender.SenderType == "app" && m.MsgType == "interactive");
        if (card is null)
        {
            return null;
        }

        using var content = JsonDocument.Parse(emulator.State.FindMessage(card.MessageId)!.SendContent);
        return AssistantDriver.AnswerOf(content.RootElement);
    }

    private static string? CheckpointedAnswer(Dictionary<string, string> database)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(database["Larkway__Storage__ConnectionString"] + ";Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT answer FROM assistant_turns LIMIT 1";
        return command.ExecuteScalar() as string;
    }

    private static HttpClient Admin(Uri hub) => new() { BaseAddress = hub, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", AdminKey) } };

    private static async Task<string> WaitForStreamingTextAsync(HttpClient control)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var cards = JsonDocument.Parse(await control.GetStringAsync("/_emulator/cardkit/cards", cts.Token)).RootElement.GetProperty("data").GetProperty("items");
            foreach (var card in cards.EnumerateArray())
            {
                var id = card.GetProperty("card_id").GetString()!;
                var (streaming, answer, _) = await CardAsync(control, id);
                if (streaming && answer.StartsWith("You asked", StringComparison.Ordinal))
                {
                    return id;
                }
            }

            await Task.Delay(100, cts.Token);
        }
    }

    private static async Task<(bool Streaming, string Answer, string Card)> CardAsync(HttpClient control, string cardId)
    {
        using var document = JsonDocument.Parse(await control.GetStringAsync($"/_emulator/cardkit/cards/{cardId}"));
        var data = document.RootElement.GetProperty("data");
        var card = data.GetProperty("card_json");
        return (data.GetProperty("card").GetProperty("streaming").GetBoolean(), AssistantDriver.AnswerOf(card) ?? "", card.GetRawText());
    }
}
