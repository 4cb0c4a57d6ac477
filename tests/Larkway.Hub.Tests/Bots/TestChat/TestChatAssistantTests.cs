using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Answering;
using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Bots;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Larkway.Hub.Tests.Bots.TestChat;

/// <summary>
/// A platform the Hub has never heard of (<see cref="TestChatAssistant"/>, registered from this project only) reaches the
/// assistant through the seams: a testchat message no bot command claims becomes a turn stored under testchat's name, is
/// answered by the Emulator's Dify backend, and the answer goes out through testchat's replies — on real PostgreSQL,
/// with nothing in Inbox/, Assistants/ or Larkway.Channels naming it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TestChatAssistantTests(PostgresCluster cluster) : IAsyncLifetime
{
    private readonly TestChatWire _wire = new();
    private IHubTestDatabase _db = null!;
    private EmulatorServer _emulator = null!;

    public async Task InitializeAsync()
    {
        _db = await cluster.CreateTestDatabaseAsync();
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _db.DisposeAsync();
    }

    // The system clock: the answer streams from a real backend, whose waits a manual clock would hold.
    private HubServices Hub() => new(_db, TimeProvider.System, services: s =>
    {
        var configuration = new ConfigurationBuilder().Build();
        s.AddFeishu(o =>
        {
            o.AppId = "cli_test";
            o.AppSecret = "secret";
        });
        s.AddHubApps(configuration);
        s.AddHubFeishuClients();
        s.AddHubDirectory();
        s.AddHubAssistants(configuration);
        s.AddSingleton(new BotCommands().AddSamples());
        s.AddSingleton(new BotCardActions());
        s.AddSingleton<IBotConversationStore, DbBotConversationStore>();
        s.AddHubPlatformUnit(new TestChatHubPlatform());
        s.AddTestChat(_wire);
        s.AddTestChatAssistant();
    });

    [Fact]
    public async Task A_testchat_message_no_command_claims_is_answered_by_the_assistant_through_testchats_replies()
    {
        await using var hub = Hub();
        var added = await hub.Provider.GetRequiredService<HubAppService>().AddAsync(new HubAppInput { Name = "tc-ops", Platform = TestChatPlatform.Platform, AppId = "tc_0001", AppSecret = "s3cret" });
        added.Status.ShouldBe(HubAppChangeStatus.Ok, string.Join("; ", added.Problems));
        var created = await hub.Provider.GetRequiredService<AssistantService>().CreateAsync(new AssistantInput
        {
            Name = "helper",
            Backend = "dify",
            BaseUrl = new Uri(_emulator.BaseUrl, "dify/v1").ToString(),
            ApiKey = Larkway.Emulator.AiBackend.AiBackendOptions.DefaultDifyAppKey,
            Apps = ["tc-ops"],
            Policy = new AssistantPolicy { UnknownUsers = AssistantPolicyValues.Guest },
        }, CancellationToken.None);
        created.Status.ShouldBe(AssistantChangeStatus.Ok, string.Join("; ", created.Problems.Select(p => $"{p.Field}: {p.Message}")));

        var inbox = hub.Provider.GetRequiredService<InboxStore>();
        var asked = await inbox.AppendAsync(TestChatPlatform.Message("tc-ops", "m1", "chat-9", "alice", "how do refunds work"), CancellationToken.None);
        var workers = hub.Provider.GetServices<IHostedService>().Where(w => w is QueueWorker<InboxEvent> or QueueWorker<AssistantTurnRow>).ToList();
        workers.Count.ShouldBe(2);
        foreach (var worker in workers)
        {
            await worker.StartAsync(CancellationToken.None);
        }

        var contexts = hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await Eventually.TrueAsync(async () => await TurnAsync(contexts) is { Status: AssistantTurnStatus.Answered }, "the turn is answered", maxIterations: 3000);
        foreach (var worker in workers)
        {
            await worker.StopAsync(CancellationToken.None);
        }

        // The Emulator's model echoes the question: this is the backend's answer, shown by testchat's replies, once.
        var turn = (await TurnAsync(contexts))!;
        _wire.TextsIn("chat-9").ShouldHaveSingleItem().ShouldStartWith("You asked: how do refunds work.");
        _wire.Sent.Single().Key.ShouldBe($"turn-{turn.Id}/answer");
        (await hub.Store.GetAsync(asked.EventId))!.State.ShouldBe(WorkState.Done);

        // The turn is stored under testchat's name and its message's dedup key, as the three platforms' are.
        (turn.Platform, turn.MessageKey, turn.App, turn.ConversationId).ShouldBe(("testchat", "testchat/tc-ops/m1", "tc-ops", "chat-9"));

        // The inbox event's arrival came with the message (not from ambient state): the turn is ordered by it.
        var stored = (await hub.Store.GetAsync(asked.EventId))!;
        (turn.InboxEventId, turn.ReceivedAt).ShouldBe((asked.EventId, stored.ReceivedAt));

        // alice is a guest with one id: the session the console shows and the backend's user are both her account under
        // the Hub app's name, not under the platform's own id for the app.
        await using (var db = await contexts.CreateDbContextAsync())
        {
            (await db.AssistantSessions.AsNoTracking().SingleAsync()).Key.ShouldBe("account:testchat:tc-ops:alice");
        }

        using var emulator = new HttpClient { BaseAddress = _emulator.BaseUrl };
        using var requests = JsonDocument.Parse(await emulator.GetStringAsync("/_emulator/ai/requests?backend=dify"));
        requests.RootElement.GetProperty("items").EnumerateArray().Where(r => r.GetProperty("operation").GetString() == "chat")
            .Select(r => r.GetProperty("user").GetString()).ShouldBe(["account:testchat:tc-ops:alice"]);
    }

    private static async Task<AssistantTurnRow?> TurnAsync(IDbContextFactory<HubDbContext> contexts)
    {
        await using var db = await contexts.CreateDbContextAsync();
        return await db.AssistantTurns.AsNoTracking().SingleOrDefaultAsync();
    }
}
