using Larkway.Hub.Apps;
using Larkway.Hub.Feishu;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Apps;

/// <summary>
/// A platform's cache of its stored apps' clients over the real registry and database: a replaced client, and the client
/// of a removed app, serve calls in flight for the grace period the platform gives (Feishu's
/// <c>Larkway:Apps:RetiredClientGrace</c>), or until the cache is disposed when it gives none (DingTalk's and WeCom's).
/// The clients are stand-ins that only record their disposal: the cache is what is under test.
/// </summary>
public abstract class StoredAppClientsTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task A_replaced_client_serves_calls_in_flight_until_the_grace_period_has_passed()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var clock = new ManualTimeProvider();
        using var clients = new RecordingClients(hub.Provider.GetRequiredService<HubAppRegistry>(), Grace, clock);
        var service = hub.Provider.GetRequiredService<HubAppService>();
        await service.AddAsync(Input("ops"));
        var first = await clients.GetAsync("ops", CancellationToken.None);

        (await service.UpdateAsync("ops", new HubAppInput { VerificationToken = "changed" })).Status.ShouldBe(HubAppChangeStatus.Ok);
        var second = await clients.GetAsync("ops", CancellationToken.None);

        second.ShouldNotBeSameAs(first);
        clock.Advance(Grace / 2);
        first.Disposed.ShouldBeFalse();
        clock.Advance(Grace / 2);
        await Eventually.TrueAsync(() => Task.FromResult(first.Disposed), "the replaced client is disposed once the grace period has passed");
        second.Disposed.ShouldBeFalse();
    }

    [Fact]
    public async Task The_client_of_a_removed_app_is_retired_like_a_replaced_one()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var clock = new ManualTimeProvider();
        using var clients = new RecordingClients(hub.Provider.GetRequiredService<HubAppRegistry>(), Grace, clock);
        var service = hub.Provider.GetRequiredService<HubAppService>();
        await service.AddAsync(Input("ops"));
        var client = await clients.GetAsync("ops", CancellationToken.None);

        (await service.DeleteAsync("ops")).ShouldBe(HubAppDeleteOutcome.Deleted);
        (await Should.ThrowAsync<HubAppNotFoundException>(() => clients.GetAsync("ops", CancellationToken.None).AsTask()))
            .Message.ShouldContain("no Feishu app named 'ops'");

        clock.Advance(Grace);
        await Eventually.TrueAsync(() => Task.FromResult(client.Disposed), "the removed app's client is disposed once the grace period has passed");
    }

    [Fact]
    public async Task Without_a_grace_period_a_replaced_client_lives_until_the_cache_is_disposed()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var clients = new RecordingClients(hub.Provider.GetRequiredService<HubAppRegistry>(), retiredGrace: null, TimeProvider.System);
        var service = hub.Provider.GetRequiredService<HubAppService>();
        await service.AddAsync(Input("ops"));
        var first = await clients.GetAsync("ops", CancellationToken.None);
        await service.UpdateAsync("ops", new HubAppInput { VerificationToken = "changed" });
        var second = await clients.GetAsync("ops", CancellationToken.None);

        second.ShouldNotBeSameAs(first);
        first.Disposed.ShouldBeFalse();

        clients.Dispose();
        first.Disposed.ShouldBeTrue();
        second.Disposed.ShouldBeTrue();
    }

    private static HubAppInput Input(string name) => new()
    {
        Name = name,
        AppId = "cli_a1b2c3d4e5f60099",
        BaseUrl = "http://127.0.0.1:9",
        AppSecret = "secret",
        VerificationToken = "token",
    };

    private static HubServices Services(IHubTestDatabase database) =>
        new(database, TimeProvider.System,
            settings: new Dictionary<string, string?> { ["Larkway:Webhooks:SenderEnabled"] = "false" },
            services: s =>
            {
                var configuration = new ConfigurationBuilder().Build();
                s.AddHubWebhooks(configuration);
                s.AddHubApps(configuration);
                s.AddHubPlatform(new FeishuHubPlatform());
            });

    private sealed class RecordingClient : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    private sealed class RecordingClients(HubAppRegistry apps, TimeSpan? retiredGrace, TimeProvider time)
        : StoredAppClients<RecordingClient>(apps, HubAppPlatform.Feishu, retiredGrace, time)
    {
        protected override RecordingClient Create(StoredApp app) => new();
    }
}

public sealed class SqliteStoredAppClientsTests : StoredAppClientsTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoredAppClientsTests(PostgresCluster cluster) : StoredAppClientsTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
