using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Notifications;

/// <summary>PUTs of one new type name at once (found by the fuzz run as a 500): each is stored, one of them as the creation.</summary>
public abstract class NotificationTypeStoreRaceTests
{
    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task Concurrent_puts_of_one_new_name_all_succeed_and_exactly_one_created_it()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new HubServices(database, TimeProvider.System, services: s => s.AddNotificationsWithoutSending(new ConfigurationBuilder().Build()));
        var store = hub.Provider.GetRequiredService<NotificationTypeStore>();

        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => store.PutAsync(Row($"take {i}"), CancellationToken.None))));

        created.Count(c => c).ShouldBe(1);
        (await store.GetAsync("race.type", CancellationToken.None))!.Description.ShouldStartWith("take ");
    }

    private static NotificationTypeRow Row(string description) => new()
    {
        Name = "race.type",
        Description = description,
        Template = """{"elements":[{"tag":"markdown","content":"hi"}]}""",
    };
}

public sealed class SqliteNotificationTypeStoreRaceTests : NotificationTypeStoreRaceTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresNotificationTypeStoreRaceTests(PostgresCluster cluster) : NotificationTypeStoreRaceTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
