using Larkway.Hub.Directory;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Directory;

/// <summary>
/// A person is the Hub's id, not one of Feishu's: found by the app's open_id, then by union_id in the tenant, never
/// by user_id alone; profile fields an app could not read leave what is stored alone.
/// </summary>
public abstract class PeopleStoreTests
{
    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task Two_apps_that_see_one_person_under_different_open_ids_make_one_person()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new HubServices(database, TimeProvider.System, services: s => s.AddHubDirectory());
        var people = hub.Provider.GetRequiredService<PeopleStore>();

        var first = await people.RecordSeenAsync(Alice("", "ou_default_alice") with { Email = "alice@example.com" });
        var second = await people.RecordSeenAsync(Alice("ops", "ou_ops_alice") with { Email = null, Mobile = "+8613800000001" });

        second.Id.ShouldBe(first.Id);
        second.Id.ShouldStartWith("per_");
        second.Email.ShouldBe("alice@example.com");
        second.Mobile.ShouldBe("+8613800000001");
        (await people.FindByOpenIdAsync("", "ou_default_alice"))!.Id.ShouldBe(first.Id);
        (await people.FindByOpenIdAsync("ops", "ou_ops_alice"))!.Id.ShouldBe(first.Id);
        (await people.FindByOpenIdAsync("ops", "ou_default_alice")).ShouldBeNull();
    }

    [Fact]
    public async Task A_user_id_handed_to_a_new_hire_does_not_make_them_the_person_who_had_it()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new HubServices(database, TimeProvider.System, services: s => s.AddHubDirectory());
        var people = hub.Provider.GetRequiredService<PeopleStore>();

        var leaver = await people.RecordSeenAsync(Alice("", "ou_alice"));
        var newHire = await people.RecordSeenAsync(new FeishuPersonSeen("", "tenant_1", "ou_bob", "on_bob", "u_alice", "Bob"));

        newHire.Id.ShouldNotBe(leaver.Id);
        (await people.FindAsync(leaver.Id))!.Name.ShouldBe("Alice");
    }

    [Fact]
    public async Task A_renamed_user_id_keeps_the_person()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new HubServices(database, TimeProvider.System, services: s => s.AddHubDirectory());
        var people = hub.Provider.GetRequiredService<PeopleStore>();

        var before = await people.RecordSeenAsync(Alice("", "ou_alice"));
        var after = await people.RecordSeenAsync(Alice("", "ou_alice") with { UserId = "alice.w" });

        after.Id.ShouldBe(before.Id);
        after.UserId.ShouldBe("alice.w");
    }

    [Fact]
    public async Task Concurrent_first_sightings_of_one_person_make_one_person()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new HubServices(database, TimeProvider.System, services: s => s.AddHubDirectory());
        var people = hub.Provider.GetRequiredService<PeopleStore>();

        var seen = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => people.RecordSeenAsync(Alice(i % 2 == 0 ? "" : "ops", i % 2 == 0 ? "ou_default_alice" : "ou_ops_alice")))));

        seen.Select(p => p.Id).Distinct().Count().ShouldBe(1);
    }

    private static FeishuPersonSeen Alice(string app, string openId) => new(app, "tenant_1", openId, "on_alice", "u_alice", "Alice");
}

public sealed class SqlitePeopleStoreTests : PeopleStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresPeopleStoreTests(PostgresCluster cluster) : PeopleStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
