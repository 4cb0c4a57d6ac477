using Larkway.Hub.Bots;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Bots;

/// <summary>
/// Two Hubs in one process on different providers each find their conversations: the store's compiled lookup belongs to
/// its own Hub's model (a compiled query refuses any other model, which once failed every bot message of the second Hub).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DbBotConversationStoreModelTests(PostgresCluster cluster)
{
    [Fact]
    public async Task A_SQLite_Hub_and_a_PostgreSQL_Hub_in_one_process_each_find_their_conversations()
    {
        using var file = new TempDatabase();
        await using var postgres = await cluster.CreateTestDatabaseAsync();
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        await using var sqliteHub = new HubServices(file, time, services: s => s.AddSingleton<IBotConversationStore, DbBotConversationStore>());
        await using var postgresHub = new HubServices(postgres, time, services: s => s.AddSingleton<IBotConversationStore, DbBotConversationStore>());

        // Alternating, as two Hubs' handlers would.
        foreach (var (hub, step) in new[] { (sqliteHub, "on-sqlite"), (postgresHub, "on-postgres"), (sqliteHub, "on-sqlite") })
        {
            var store = hub.Provider.GetRequiredService<IBotConversationStore>();
            await store.SetAsync("", "oc_1", "ou_a", new BotConversation(step, new Dictionary<string, string>(), time.GetUtcNow().AddMinutes(5)), default);
            (await store.GetAsync("", "oc_1", "ou_a", default))!.Step.ShouldBe(step);
        }
    }
}
