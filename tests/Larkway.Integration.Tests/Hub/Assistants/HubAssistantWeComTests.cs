using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.AdminConsole;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.WeCom.AiBot;
using Larkway.Integration.Tests.Hub.Observability;
using Larkway.Integration.Tests.WeCom.AiBot;
using Microsoft.Extensions.DependencyInjection;
using EmulatorAiBot = Larkway.Emulator.WeCom.AiBot.AiBotOptions;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// The assistant on a WeCom AI bot, end to end against the Emulator over the bot's long connection: the answer streams as
/// the bot's reply carrying the answer's id as its feedback id, and the user's like / dislike under it (WeCom's
/// <c>feedback_event</c>) is stored as the answer's feedback — the console's feedback view and the feedback metric show it
/// as they show a Feishu click; the same vote delivered again counts once, a changed vote replaces it, a cancelled one
/// is taken back, and a vote from outside the answer's conversation is left alone without failing the event.
/// </summary>
public sealed class HubAssistantWeComTests
{
    private const string Assistant = "wecom-desk";

    [Fact]
    public async Task A_like_under_a_streamed_answer_is_stored_as_its_feedback_once_and_a_changed_vote_replaces_it()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        using var control = new AiBotControl(emulator.BaseUrl);
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        using var admin = HubWeComAiBot.Admin(hub);
        await HubWeComAiBot.AddAppAndConnectAsync(hub, emulator);
        using var driver = new AssistantDriver(hub, emulator.BaseUrl);
        await driver.CreateAsync(Assistant, [HubWeComAiBot.AppName]);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });

        // Alice asks; the answer streams as the bot's reply, finished, carrying the answer's id.
        await control.MessageAsync("Where is the VPN guide?");
        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.Platform.ShouldBe("wecom");
        var answerId = $"turn-{turn.Id}";
        JsonElement reply = default;
        await HubSandbox.WaitUntilAsync(() => (reply = Answer(control, answerId)).ValueKind == JsonValueKind.Object && reply.GetProperty("finished").GetBoolean(), "the streamed answer, finished", seconds: 30);
        reply.GetProperty("content").GetString().ShouldStartWith("You asked: Where is the VPN guide?");
        var replyId = reply.GetProperty("id").GetString()!;

        // 👍: stored against the answer, and counted.
        await control.FeedbackAsync(replyId, type: 1);
        await FeedbackEventsDoneAsync(admin, 1);
        var helpful = (await FeedbackShownAsync(hub)).ShouldHaveSingleItem();
        helpful.TurnId.ShouldBe(turn.Id);
        // Named as the asker's person when the directory links her account, else with the platform: never a bare WeCom id.
        helpful.User.ShouldBe(turn.PersonId ?? "wecom:alice");
        helpful.Value.ShouldBe(AssistantFeedbackRow.Helpful);
        helpful.Platform.ShouldBe("wecom");
        helpful.Question.ShouldBe("Where is the VPN guide?");
        (await CountsAsync(hub)).ShouldBe(new FeedbackCounts(1, 0, 0));
        (await MetricAsync(hub, AssistantFeedbackRow.Helpful)).ShouldBe(1);
        var page = await ConsolePageAsync(hub);
        page.ShouldContain($"data-turn=\"{turn.Id}\"");
        page.ShouldContain("status-helpful");

        // The same vote again (WeCom delivering it twice, under a new msgid): nothing changes, nothing counted twice.
        await control.FeedbackAsync(replyId, type: 1);
        await FeedbackEventsDoneAsync(admin, 2);
        var again = (await FeedbackShownAsync(hub)).ShouldHaveSingleItem();
        again.Value.ShouldBe(AssistantFeedbackRow.Helpful);
        again.At.ShouldBe(helpful.At, "the vote as first stored");
        (await CountsAsync(hub)).ShouldBe(new FeedbackCounts(1, 0, 0));
        (await MetricAsync(hub, AssistantFeedbackRow.Helpful)).ShouldBe(1);

        // 👎 instead: the last vote wins, as on Feishu.
        await control.FeedbackAsync(replyId, type: 2);
        await FeedbackEventsDoneAsync(admin, 3);
        (await FeedbackShownAsync(hub)).ShouldHaveSingleItem().Value.ShouldBe(AssistantFeedbackRow.NotHelpful);
        (await CountsAsync(hub)).ShouldBe(new FeedbackCounts(0, 1, 0));
        (await MetricAsync(hub, AssistantFeedbackRow.NotHelpful)).ShouldBe(1);

        // A vote given from another conversation than the answer's is not this answer's: left alone, the event done.
        await control.FeedbackAsync(replyId, type: 1, userId: "bob");
        await FeedbackEventsDoneAsync(admin, 4);
        (await FeedbackShownAsync(hub)).ShouldHaveSingleItem().User.ShouldBe(helpful.User);

        // Cancelled: the vote is taken back.
        await control.FeedbackAsync(replyId, type: 3);
        await FeedbackEventsDoneAsync(admin, 5);
        (await FeedbackShownAsync(hub)).ShouldBeEmpty();
        (await CountsAsync(hub)).ShouldBe(FeedbackCounts.None);
    }

    [Fact]
    public async Task An_at_mention_in_a_group_gets_the_answer_streamed_into_the_group_while_an_unmentioned_message_never_reaches_the_bot()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        using var control = new AiBotControl(emulator.BaseUrl);
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook");
        await HubWeComAiBot.AddAppAndConnectAsync(hub, emulator);
        using var driver = new AssistantDriver(hub, emulator.BaseUrl);
        await driver.CreateAsync(Assistant, [HubWeComAiBot.AppName]);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });

        // Without an @-mention WeCom shows the message in the group and pushes nothing to the bot.
        var quiet = await control.GroupMessageAsync("Does anyone know where the VPN guide is?", Group, mentioned: false);
        quiet.GetProperty("delivery").GetString().ShouldBe("not-mentioned");

        // Alice @-mentions the bot: the assistant's answer streams into the group as the bot's reply, carrying the answer's id.
        await control.GroupMessageAsync("Where is the VPN guide?", Group);
        var turn = (await driver.EndedTurnsAsync(1, 60)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.ConversationId.ShouldBe(Group);
        turn.ConversationKind.ShouldBe("group");
        turn.Question.ShouldBe("Where is the VPN guide?");
        JsonElement reply = default;
        await HubSandbox.WaitUntilAsync(() => (reply = GroupReply(control, $"turn-{turn.Id}")).ValueKind == JsonValueKind.Object && reply.GetProperty("finished").GetBoolean(),
            "the answer streamed into the group, finished", seconds: 30);
        reply.GetProperty("msg_type").GetString().ShouldBe("stream");
        reply.GetProperty("content").GetString().ShouldStartWith("You asked: Where is the VPN guide?");

        // The unmentioned message made no turn, and nothing went to Alice's own chat with the bot.
        (await driver.TurnsAsync()).ShouldHaveSingleItem();
        (await control.ConversationsAsync()).ShouldNotContain(c => c.GetProperty("id").GetString() == $"{EmulatorAiBot.DefaultBotId}/single/alice");
    }

    /// <summary>The Emulator's seeded group chat, with the bot and every member in it.</summary>
    private const string Group = "wrkSFfCgAAemulatorgroup01";

    /// <summary>The bot's reply in the group that carries <paramref name="answerId"/> as its feedback id, if any yet.</summary>
    private static JsonElement GroupReply(AiBotControl control, string answerId) =>
        control.ConversationMessagesAsync($"{EmulatorAiBot.DefaultBotId}/group/{Group}").GetAwaiter().GetResult().GetProperty("items").EnumerateArray()
            .FirstOrDefault(m => m.GetProperty("from").GetString() == "bot" && m.TryGetProperty("feedback_id", out var f) && f.GetString() == answerId);

    /// <summary>The bot's reply in Alice's chat that carries <paramref name="answerId"/> as its feedback id, if any yet.</summary>
    private static JsonElement Answer(AiBotControl control, string answerId)
    {
        var id = $"{EmulatorAiBot.DefaultBotId}/single/alice";
        if (!control.ConversationsAsync().GetAwaiter().GetResult().Any(c => c.GetProperty("id").GetString() == id))
        {
            return default;
        }

        return control.ConversationMessagesAsync(id).GetAwaiter().GetResult().GetProperty("items").EnumerateArray()
            .FirstOrDefault(m => m.GetProperty("from").GetString() == "bot" && m.TryGetProperty("feedback_id", out var f) && f.GetString() == answerId);
    }

    /// <summary>Waits until the inbox holds <paramref name="count"/> feedback events, all handled (none failed, none waiting).</summary>
    private static async Task FeedbackEventsDoneAsync(HttpClient admin, int count) =>
        await HubSandbox.WaitUntilAsync(
            () => HubWeComAiBot.EventsAsync(admin, WeComAiBotInboxHandler.FeedbackEventType).GetAwaiter().GetResult() is var events
                && events.Count == count && events.All(e => string.Equals(e.GetProperty("status").GetString(), "done", StringComparison.OrdinalIgnoreCase)),
            $"{count} feedback events handled", seconds: 30);

    /// <summary>The assistant's feedback as the console's feedback page reads it.</summary>
    private static async Task<IReadOnlyList<FeedbackView>> FeedbackShownAsync(HubSandbox hub) =>
        await hub.Host.Services.GetRequiredService<AssistantConsoleQueries>().FeedbackAsync(Assistant, null, 100, CancellationToken.None);

    private static async Task<FeedbackCounts> CountsAsync(HubSandbox hub) =>
        (await hub.Host.Services.GetRequiredService<AssistantConsoleQueries>().FeedbackCountsAsync(CancellationToken.None)).GetValueOrDefault(Assistant) ?? FeedbackCounts.None;

    /// <summary>The console's feedback page for the assistant, signed in as the administrator.</summary>
    private static async Task<string> ConsolePageAsync(HubSandbox hub)
    {
        using var console = new ConsoleClient(hub.Host.BaseUrl);
        using (var signedIn = await console.SignInAsync(hub.Host.BootstrapAdminPassword!))
        {
            signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        return await console.Http.GetStringAsync($"/console/assistants/feedback?assistant={Assistant}");
    }

    /// <summary>The feedback metric of the assistant for <paramref name="value"/>, as the Hub's Prometheus endpoint shows it.</summary>
    private static async Task<double> MetricAsync(HubSandbox hub, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new("Bearer", HubSandbox.AdminKey);
        using var response = await hub.Api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return PrometheusScrape.Parse(text).Of("larkway_hub_assistant_feedback_total")
            .Where(s => s.Labels.GetValueOrDefault("assistant") == Assistant && s.Labels.GetValueOrDefault("value") == value)
            .Sum(s => s.Value);
    }
}
