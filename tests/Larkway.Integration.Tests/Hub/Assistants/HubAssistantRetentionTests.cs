using System.Net;
using System.Text.Json;
using Larkway.Hub.Assistants.Routing;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Platform.Leases;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Larkway.Integration.Tests.Hub.Assistants;

/// <summary>
/// Retention end to end, on PostgreSQL: a real answer on Feishu whose end is moved back in the database (the Hub runs on
/// the system clock; no test waits a day). Its placeholders' values go first, and Regenerate then says why it cannot ask
/// again; later the turn, its feedback and its session go, and the card's buttons and the console's session page say the
/// answer is no longer kept — never an error.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HubAssistantRetentionTests(PostgresCluster cluster)
{
    private const string Mobile = "13812345678";

    [Fact]
    public async Task An_answer_past_its_retention_loses_its_values_then_goes_and_its_buttons_and_session_page_say_so()
    {
        await using var hub = await HubSandbox.StartAsync(new Dictionary<string, string?>
        {
            ["Larkway:Storage:Provider"] = "Postgres",
            ["Larkway:Storage:ConnectionString"] = await cluster.CreateDatabaseAsync(),
        });
        using var driver = new AssistantDriver(hub, hub.Emulator.BaseUrl);
        await driver.CreateAsync("helpdesk", ["default"]);
        await driver.SetAiAsync(new { tokens_per_second = 200, answer_words = 10 });

        // The Hub runs the job on its schedule, on the replica holding job/assistant-retention; the test runs the same one.
        var retention = hub.Host.Services.GetRequiredService<AssistantRetention>();
        hub.Host.Services.GetServices<IHostedService>().OfType<HubJobRunner>().ShouldContain(r => r.Job == retention);

        var question = await hub.SayToBotAsync($"My mobile is {Mobile}; please call me back.");
        var turn = (await driver.EndedTurnsAsync(1)).Single();
        turn.Status.ShouldBe(AssistantTurnStatus.Answered, turn.LastError);
        turn.Placeholders.ShouldNotBeNull();
        var card = hub.BotCardsInChatOf(question).ShouldHaveSingleItem().MessageId;
        (await ToastAsync(hub, card, new { action = "assistant.feedback", feedback = "helpful", answer_id = $"turn-{turn.Id}" })).ShouldBe("Thanks: glad it helped.");

        // Two days after it ended (past PlaceholderRetention, 1 day): the values go, the masked text stays.
        await AgeAsync(hub, turn.Id, TimeSpan.FromDays(2));
        await retention.PruneAsync(CancellationToken.None);
        var erased = (await driver.TurnsAsync()).ShouldHaveSingleItem();
        erased.Placeholders.ShouldBeNull();
        erased.PlaceholdersErasedAt.ShouldNotBeNull();
        erased.Question.ShouldBe(turn.Question);
        erased.Question.ShouldContain("[PHONE_1]");
        erased.Answer.ShouldBe(turn.Answer);

        (await ToastAsync(hub, card, new { action = "assistant.regenerate", answer_id = $"turn-{turn.Id}" })).ShouldBe(AssistantCardActions.PersonalDataErased);
        (await driver.TurnsAsync()).Count.ShouldBe(1, "nothing was asked again");

        using var console = new ConsoleClient(hub.Host.BaseUrl);
        (await console.SignInAsync(hub.Host.BootstrapAdminPassword!)).Dispose();
        var sessionPage = $"/console/assistants/helpdesk/conversations/{turn.SessionId}";
        using (var page = await console.Http.GetAsync(sessionPage))
        {
            page.StatusCode.ShouldBe(HttpStatusCode.OK);
            var html = await page.Content.ReadAsStringAsync();
            html.ShouldContain("Turns are kept 30 d after they end");
            html.ShouldNotContain("id=\"turns-gone\"");
        }

        // 31 days after it ended (past TurnRetention, 30 days), its session long expired: turn, feedback and session go.
        await AgeAsync(hub, turn.Id, TimeSpan.FromDays(31));
        await retention.PruneAsync(CancellationToken.None);
        (await driver.TurnsAsync()).ShouldBeEmpty();
        (await driver.FeedbackAsync()).ShouldBeEmpty();
        await using (var db = await Db(hub))
        {
            (await db.AssistantSessions.CountAsync()).ShouldBe(0);
            (await db.AssistantMaskAudit.CountAsync()).ShouldBe(0);
        }

        (await ToastAsync(hub, card, new { action = "assistant.regenerate", answer_id = $"turn-{turn.Id}" })).ShouldBe(AssistantCardActions.NoLongerKept);
        (await ToastAsync(hub, card, new { action = "assistant.feedback", feedback = "not_helpful", answer_id = $"turn-{turn.Id}" })).ShouldBe(AssistantCardActions.NoLongerKept);
        (await driver.TurnsAsync()).ShouldBeEmpty();
        (await driver.FeedbackAsync()).ShouldBeEmpty();

        using (var gone = await console.Http.GetAsync(sessionPage))
        {
            gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            var html = await gone.Content.ReadAsStringAsync();
            html.ShouldContain($"helpdesk has no session #{turn.SessionId}: it may never have been, or it is no longer kept.");
            html.ShouldContain("Turns are kept 30 d after they end");
        }

        // The next question starts a session of its own and is answered as ever.
        await hub.SayToBotAsync("Are you still there?");
        (await driver.EndedTurnsAsync(1)).Single().Status.ShouldBe(AssistantTurnStatus.Answered);
    }

    /// <summary>Moves the turn's end, and its session's last use and expiry, <paramref name="ago"/> into the past.</summary>
    private static async Task AgeAsync(HubSandbox hub, long turnId, TimeSpan ago)
    {
        DateTimeOffset? ended = DateTimeOffset.UtcNow - ago;
        await using var db = await Db(hub);
        var sessionId = await db.AssistantTurns.Where(t => t.Id == turnId).Select(t => t.SessionId).SingleAsync();
        await db.AssistantTurns.Where(t => t.Id == turnId).ExecuteUpdateAsync(s => s.SetProperty(t => t.FinishedAt, ended));
        await db.AssistantSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.LastActiveAt, ended.Value)
            .SetProperty(x => x.ExpiresAt, ended.Value + TimeSpan.FromDays(7)));
    }

    private static Task<HubDbContext> Db(HubSandbox hub) =>
        hub.Host.Services.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();

    private static async Task<string?> ToastAsync(HubSandbox hub, string cardMessageId, object value)
    {
        var outcome = await hub.ClickAsync(cardMessageId, value);
        return outcome.TryGetProperty("toast", out var toast) && toast.ValueKind == JsonValueKind.Object ? toast.GetProperty("content").GetString() : null;
    }
}
