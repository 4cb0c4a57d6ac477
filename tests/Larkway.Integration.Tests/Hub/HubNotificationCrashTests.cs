using Larkway.Emulator.Hosting;
using Larkway.Hub.Tests.TestSupport;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Two Hub processes sending one outbox (one database shared by both: a SQLite file, or a PostgreSQL database), one killed with SIGKILL in the middle of a
/// burst: the survivor takes over the deliveries the dead one held once their leases expire, and every recipient
/// gets exactly one message — the stable message uuid keeps a send the dead replica had already made from posting twice.
/// </summary>
public abstract class HubNotificationCrashTests
{
    private const string AdminKey = "notification-crash-admin-key";

    /// <summary>The storage settings (provider and connection string) of a new, empty database both replicas share.</summary>
    protected abstract Task<Dictionary<string, string>> NewDatabaseAsync();

    /// <summary>
    /// Whether replicas run side by side on the database. SQLite serves one Hub (its folder is locked), so there the
    /// survivor is the same database's next Hub, started once the victim is dead.
    /// </summary>
    protected virtual bool ReplicasShareTheDatabase => true;

    private static Dictionary<string, string> Environment(EmulatorServer emulator, Dictionary<string, string> storage) => new(HubProcess.AgainstEmulator(emulator, storage, AdminKey))
    {
        // The shortest lease allowed, so the survivor takes back what the killed replica held within the test.
        ["Larkway__Notifications__LeaseDuration"] = "00:00:10",
        ["Larkway__Notifications__PollInterval"] = "00:00:00.200",
        ["Larkway__Notifications__RetryDelays__0"] = "00:00:00.200",

        // Paced to 15 a second per replica, so the burst lasts ~10 s and a loaded machine still kills the victim mid-burst.
        ["Feishu__RateLimit__MessagesPerSecond"] = "15",
    };

    [Fact]
    public async Task A_replica_killed_mid_burst_leaves_no_notification_lost_or_sent_twice()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        var database = await NewDatabaseAsync();
        var load = NotificationLoad.Plan(emulator.State, count: 150);

        // Some sends are slow, so the replica about to die holds sends in flight, some of them already posted.
        using (var control = new HttpClient { BaseAddress = emulator.BaseUrl })
        {
            using var armed = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(control, "/_emulator/faults",
                new { endpoint = "POST /open-apis/im/v1/messages", kind = "delay", delay_ms = 300, count = 1000, every = 3 });
            armed.EnsureSuccessStatusCode();
        }

        var survivor = ReplicasShareTheDatabase ? await HubProcess.StartAsync(Environment(emulator, database)) : null;
        string key;
        await using (var victim = await HubProcess.StartAsync(Environment(emulator, database)))
        {
            key = await NotificationLoad.CreateKeyAsync(victim.BaseUrl, AdminKey);
            await load.PostAllAsync(victim.BaseUrl, key);
            await HubSandbox.WaitUntilAsync(() => NotificationLoad.PostedCount(emulator.State) >= load.Deliveries / 3, "a third posted", seconds: 120);
            await victim.KillAsync();
        }

        Assert.True(NotificationLoad.PostedCount(emulator.State) < load.Deliveries, "the replica was killed before the burst was over");
        await using var next = survivor ?? await HubProcess.StartAsync(Environment(emulator, database));
        await load.WaitAllSentAsync(next.BaseUrl, key, seconds: 180);
        load.AssertExactlyOnce(emulator.State);
    }
}

public sealed class SqliteHubNotificationCrashTests : HubNotificationCrashTests
{
    protected override Task<Dictionary<string, string>> NewDatabaseAsync() => Task.FromResult(HubStorage.NewSqlite("larkway-notify-crash-"));

    protected override bool ReplicasShareTheDatabase => false;
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresHubNotificationCrashTests(PostgresCluster cluster) : HubNotificationCrashTests
{
    protected override Task<Dictionary<string, string>> NewDatabaseAsync() => HubStorage.NewPostgresAsync(cluster);
}
