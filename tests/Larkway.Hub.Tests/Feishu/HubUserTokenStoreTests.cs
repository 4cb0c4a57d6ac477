using System.Data.Common;
using Larkway.Feishu.Authen;
using Larkway.Hub.Feishu;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Feishu;

/// <summary>
/// Users' Feishu tokens in the Hub are the library's <see cref="IFeishuUserTokenStore"/> over the database: encrypted
/// at rest, readable by another process on the same database (a replica, a restart), replaced on save, removed on sign-out.
/// </summary>
public abstract class HubUserTokenStoreTests
{
    private const string AccessToken = "u-ACCESS-PLAINTEXT-0001";
    private const string RefreshToken = "ur-REFRESH-PLAINTEXT-0002";

    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task Tokens_are_stored_encrypted_and_another_process_reads_them_back()
    {
        await using var database = await CreateDatabaseAsync();
        var token = new FeishuUserToken(AccessToken, DateTimeOffset.UnixEpoch.AddDays(20_000), RefreshToken, DateTimeOffset.UnixEpoch.AddDays(20_007), "offline_access user_profile");
        await using (var hub = Services(database))
        {
            var store = hub.Provider.GetRequiredService<IFeishuUserTokenStore>();
            store.ShouldBeOfType<HubUserTokenStore>();
            await store.SaveAsync("cli_1", "ou_alice", token);

            var row = await hub.RawRowAsync("SELECT access_token, refresh_token FROM hub_user_tokens");
            string.Concat(row).ShouldNotContain("PLAINTEXT");
        }

        await using var replica = Services(database);
        var read = await replica.Provider.GetRequiredService<IFeishuUserTokenStore>().GetAsync("cli_1", "ou_alice");
        read.ShouldNotBeNull();
        (read.AccessToken, read.RefreshToken, read.ExpiresAt, read.RefreshTokenExpiresAt, read.Scope)
            .ShouldBe((AccessToken, RefreshToken, token.ExpiresAt, token.RefreshTokenExpiresAt, token.Scope));
    }

    [Fact]
    public async Task A_save_replaces_the_set_and_a_remove_forgets_it_per_app_and_user()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var store = hub.Provider.GetRequiredService<IFeishuUserTokenStore>();
        var at = DateTimeOffset.UnixEpoch.AddDays(20_000);

        await store.SaveAsync("cli_1", "ou_alice", new FeishuUserToken("u-old", at, "ur-old", at, ""));
        await store.SaveAsync("cli_1", "ou_alice", new FeishuUserToken("u-new", at, null, null, ""));
        await store.SaveAsync("cli_2", "ou_alice", new FeishuUserToken("u-other-app", at, null, null, ""));

        var current = await store.GetAsync("cli_1", "ou_alice");
        (current!.AccessToken, current.RefreshToken).ShouldBe(("u-new", (string?)null));

        await store.RemoveAsync("cli_1", "ou_alice");
        (await store.GetAsync("cli_1", "ou_alice")).ShouldBeNull();
        (await store.GetAsync("cli_2", "ou_alice"))!.AccessToken.ShouldBe("u-other-app");
        await store.RemoveAsync("cli_1", "ou_nobody");
    }

    [Fact]
    public async Task Concurrent_first_saves_of_one_user_leave_one_set()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var store = hub.Provider.GetRequiredService<IFeishuUserTokenStore>();
        var at = DateTimeOffset.UnixEpoch.AddDays(20_000);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => store.SaveAsync("cli_1", "ou_bob", new FeishuUserToken($"u-{i}", at, null, null, "")))));

        (await store.GetAsync("cli_1", "ou_bob"))!.AccessToken.ShouldStartWith("u-");
        (await hub.RawRowAsync("SELECT COUNT(*) FROM hub_user_tokens")).Single().ShouldBe("1");
    }

    private static HubServices Services(IHubTestDatabase database) =>
        new(database, TimeProvider.System, settings: new Dictionary<string, string?> { ["Larkway:Webhooks:SenderEnabled"] = "false" }, services: s =>
        {
            var configuration = new ConfigurationBuilder().Build();
            s.AddHubWebhooks(configuration);
            s.AddHubApps(configuration);
            s.AddHubFeishuClients();
            s.AddHubFeishuUserTokens();
        });
}

public sealed class SqliteHubUserTokenStoreTests : HubUserTokenStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresHubUserTokenStoreTests(PostgresCluster cluster) : HubUserTokenStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
