using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Bots;
using Larkway.Hub.Inbox;
using System.Text.Json;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Webhooks;
using Microsoft.EntityFrameworkCore;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Larkway.Hub.Tests.Bots.TestChat;

/// <summary>
/// A platform the Hub has never heard of (<see cref="TestChatPlatform"/>, registered from this project only) plugs into
/// the inbox and the bots through the seams: its events are stored under its own transport, dispatched to its handler,
/// and answered by its app's bot — commands and conversations — through its own messenger, on real PostgreSQL.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TestChatPlatformTests(PostgresCluster cluster) : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private readonly TestChatWire _wire = new();
    private IHubTestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await cluster.CreateTestDatabaseAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private HubServices Hub() => new(_db, _time, services: s => s
        .AddSingleton(new BotCommands().AddSamples())
        .AddSingleton(new BotCardActions().AddSamples())
        .AddSingleton<IBotConversationStore, DbBotConversationStore>()
        .AddTestChat(_wire));

    [Fact]
    public async Task A_testchat_card_click_reaches_the_bots_card_actions_through_its_door_and_an_unknown_one_gets_a_toast()
    {
        await using var hub = Hub();
        var inbox = hub.Provider.GetRequiredService<InboxStore>();
        var known = await inbox.AppendAsync(TestChatPlatform.Click("tc-ops", "c1", "chat-9", "alice", SampleCommands.AcknowledgeAction), CancellationToken.None);
        var unknown = await inbox.AppendAsync(TestChatPlatform.Click("tc-ops", "c2", "chat-9", "alice", "nobody.handles"), CancellationToken.None);
        var worker = hub.Provider.GetServices<IHostedService>().OfType<QueueWorker<InboxEvent>>().Single();
        await worker.StartAsync(CancellationToken.None);

        var polls = 0;
        var handled = Eventually.TrueAsync(async () =>
        {
            // The Hub's clock stands still in this test: move it on now and then, so that whatever the queue put off to a
            // later moment (a retry, a claim that failed on a busy machine) comes due as it would in production.
            if (++polls % 25 == 0)
            {
                _time.Advance(TimeSpan.FromSeconds(2));
            }

            return (await hub.Store.GetAsync(unknown.EventId))!.State == WorkState.Done && (await hub.Store.GetAsync(known.EventId))!.State == WorkState.Done;
        }, "both clicks handled");
        try
        {
            await handled;
        }
        catch (ShouldAssertException)
        {
            throw new ShouldAssertException(await DescribeAsync(hub, known.EventId, unknown.EventId));
        }

        await worker.StopAsync(CancellationToken.None);

        _wire.Answered.ShouldContain(("chat-9", "Acknowledged", "Acknowledged by alice."));
        _wire.Answered.ShouldContain(("chat-9", "This button isn't handled by the bot.", null));
    }

    [Fact]
    public async Task A_testchat_message_is_stored_under_its_transport_and_answered_by_its_apps_bot_through_its_messenger()
    {
        await using var hub = Hub();
        var inbox = hub.Provider.GetRequiredService<InboxStore>();
        var whoami = await inbox.AppendAsync(TestChatPlatform.Message("tc-ops", "m1", "chat-1", "alice", "/whoami"), CancellationToken.None);
        var again = await inbox.AppendAsync(TestChatPlatform.Message("tc-ops", "m1", "chat-1", "alice", "/whoami"), CancellationToken.None);
        var worker = hub.Provider.GetServices<IHostedService>().OfType<QueueWorker<InboxEvent>>().Single();
        await worker.StartAsync(CancellationToken.None);

        await Eventually.TrueAsync(async () => (await hub.Store.GetAsync(whoami.EventId))!.State == WorkState.Done, "the message is handled");

        // A conversation across two messages: the step is kept in the Hub's store between them.
        var feedback = await inbox.AppendAsync(TestChatPlatform.Message("tc-ops", "m2", "chat-1", "alice", "/feedback"), CancellationToken.None);
        await Eventually.TrueAsync(async () => (await hub.Store.GetAsync(feedback.EventId))!.State == WorkState.Done, "the question is asked");
        var answer = await inbox.AppendAsync(TestChatPlatform.Message("tc-ops", "m3", "chat-1", "alice", "more coffee"), CancellationToken.None);
        await Eventually.TrueAsync(async () => (await hub.Store.GetAsync(answer.EventId))!.State == WorkState.Done, "the answer is taken");
        await worker.StopAsync(CancellationToken.None);

        again.Status.ShouldBe(InboxAppendStatus.Duplicate);
        _wire.TextsIn("chat-1").ShouldBe(
        [
            "You are testchat user alice in p2p chat chat-1.",
            "What would you like to tell the team? Your next message here is your feedback.",
            "Thanks, noted: \"more coffee\"",
        ]);
        _wire.Sent.ShouldAllBe(s => s.App == "tc-ops");
        (await hub.Store.GetAsync(whoami.EventId))!.Transport.ShouldBe(TestChatPlatform.Transport);
        (await StoredTransportAsync(whoami.EventId)).ShouldBe("TestchatPush");
    }

    [Fact]
    public async Task A_testchat_message_reaches_the_business_webhooks_in_the_one_envelope_without_its_room_forwarding_it()
    {
        await using var hub = new HubServices(_db, _time, settings: new Dictionary<string, string?> { ["Larkway:Webhooks:SenderEnabled"] = "false" }, services: s => s
            .AddSingleton(new BotCommands().AddSamples())
            .AddSingleton(new BotCardActions())
            .AddSingleton<IBotConversationStore, DbBotConversationStore>()
            .AddTestChat(_wire)
            .AddHubWebhooks(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()));
        var webhooks = hub.Provider.GetRequiredService<WebhookStore>();
        var subscription = await webhooks.CreateSubscriptionAsync(new Uri("http://127.0.0.1:9/testchat"), ["testchat.*"], "", CancellationToken.None);
        var inbox = hub.Provider.GetRequiredService<InboxStore>();
        var stored = await inbox.AppendAsync(TestChatPlatform.Message("tc-ops", "m9", "chat-9", "bob", "/whoami"), CancellationToken.None);
        var worker = hub.Provider.GetServices<IHostedService>().OfType<QueueWorker<InboxEvent>>().Single();
        await worker.StartAsync(CancellationToken.None);

        await Eventually.TrueAsync(async () => (await hub.Store.GetAsync(stored.EventId))!.State == WorkState.Done, "the message is handled");
        await worker.StopAsync(CancellationToken.None);

        // The inbox showed testchat's event to the observers; testchat's handler knows nothing of webhooks.
        await using var db = await hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        var delivery = await db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.InboxEventId == stored.EventId);
        delivery.SubscriptionId.ShouldBe(subscription.Id);
        using var payload = JsonDocument.Parse(delivery.Payload);
        var root = payload.RootElement;
        root.GetProperty("id").GetString().ShouldBe("tc:tc-ops:m9");
        root.GetProperty("type").GetString().ShouldBe(TestChatPlatform.MessageType);
        root.GetProperty("app").GetString().ShouldBe("tc-ops");
        root.GetProperty("event").GetProperty("text").GetString().ShouldBe("/whoami");
        _wire.TextsIn("chat-9").ShouldBe(["You are testchat user bob in p2p chat chat-9."]);
    }

    [Fact]
    public void The_door_keeps_one_bot_per_app_and_platform()
    {
        using var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(new BotCommands())
            .AddSingleton(new BotCardActions())
            .AddSingleton<IBotConversationStore>(new InMemoryBotConversationStore(TimeProvider.System))
            .AddTestChat(_wire)
            .BuildServiceProvider();
        var bots = services.GetRequiredService<AppBots>();

        bots.Get(TestChatPlatform.Platform, "a").ShouldBeSameAs(bots.Get(TestChatPlatform.Platform, "a"));
        bots.Get(TestChatPlatform.Platform, "b").ShouldNotBeSameAs(bots.Get(TestChatPlatform.Platform, "a"));
        bots.Platforms.ShouldBe([TestChatPlatform.Platform]);

        // A platform no room seated is a wiring mistake, said as one.
        Should.Throw<InvalidOperationException>(() => bots.Get("nowhere", "a")).Message.ShouldContain("SeatBot(\"nowhere\"");
    }

    /// <summary>Why a wait failed: the events' states, attempts and last errors, so that a failure on a busy machine says what happened.</summary>
    private static async Task<string> DescribeAsync(HubServices hub, params long[] ids)
    {
        var rows = new List<string>();
        foreach (var id in ids)
        {
            var row = await hub.Store.GetAsync(id);
            rows.Add($"event {id}: {row?.State} after {row?.Attempts} attempt(s), next {row?.NextAttemptAt:O}, last error {row?.LastError ?? "none"}");
        }

        return "Condition not reached: both clicks handled (" + string.Join("; ", rows) + ")";
    }

    /// <summary>The <c>inbox_events.transport</c> column as stored, read with plain SQL.</summary>
    private async Task<string> StoredTransportAsync(long id)
    {
        await using var connection = new NpgsqlConnection(_db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT transport FROM inbox_events WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
