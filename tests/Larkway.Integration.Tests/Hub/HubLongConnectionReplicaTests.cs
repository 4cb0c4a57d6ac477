using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Feishu.LongConnection;
using Larkway.Hub.Inbox;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Two Hubs in long-connection mode on one database against one Emulator: only the holder of the lease
/// <c>long-connection/{app id}</c> connects, and the other takes over when it stops.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HubLongConnectionReplicaTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Only_one_of_two_replicas_holds_the_long_connection_and_the_other_takes_over_when_it_stops()
    {
        var options = new EmulatorOptions { Port = 0, EnforceRateLimits = false };
        options.LongConnection.ReconnectNonceSeconds = 1;
        options.LongConnection.ReconnectIntervalSeconds = 1;
        await using var emulator = await EmulatorServer.StartAsync(options);
        var appId = emulator.State.Apps[0].AppId;
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        using (var subscribed = await control.PutAsJsonAsync($"/_emulator/apps/{appId}/event-subscription",
            new { mode = "long-connection", verification_token = HubSandbox.ExternalVerificationToken }))
        {
            subscribed.EnsureSuccessStatusCode();
        }

        // One PostgreSQL database for both (SQLite serves one Hub: its folder is locked); standbys retry often so the handover is quick.
        var data = Directory.CreateTempSubdirectory("larkway-hub-replicas-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Larkway:Storage:Provider"] = "Postgres",
            ["Larkway:Storage:ConnectionString"] = await cluster.CreateDatabaseAsync(),
            ["Larkway:Leases:Duration"] = "00:00:09",
            ["Larkway:Leases:RetryInterval"] = "00:00:00.100",
        };
        var first = await HubSandbox.StartAgainstAsync(emulator, "long-connection", settings, data);
        var second = await HubSandbox.StartAgainstAsync(emulator, "long-connection", settings, data);
        HubSandbox[] running = [first, second];
        try
        {
            // The holder's client holds its connections (two by default); a standby holding any would make more.
            await WaitForConnectionsAsync(control, appId, c => c.Count == PerClient, "the holder's long connections");

            // Either may have won the lease (the second can start its duty first on a loaded machine): find the holder.
            var holder = running.Single(h => LongConnectionOf(h).IsHolding);
            var standby = running.Single(h => h != holder);

            // The standby keeps trying meanwhile; events go over the one connection, each handled once.
            var before = new List<string>();
            for (var i = 1; i <= 5; i++)
            {
                before.Add(await holder.SayToBotAsync($"/echo before {i}"));
            }

            await HubSandbox.WaitUntilAsync(() => holder.BotTextsInChatOf(before[0]).Count >= 5, "the bot's replies");
            var holderDevices = await ConnectionsAsync(control, appId);
            Assert.Equal(PerClient, holderDevices.Count);

            running = [standby];
            await holder.DisposeAsync();

            // The other replica connects (a new device), and events still arrive exactly once.
            await WaitForConnectionsAsync(control, appId, c => c.Count == PerClient && !c.Intersect(holderDevices).Any(), "the standby's connections");
            Assert.True(LongConnectionOf(standby).IsHolding);
            var after = new List<string>();
            for (var i = 1; i <= 5; i++)
            {
                after.Add(await standby.SayToBotAsync($"/echo after {i}"));
            }

            await HubSandbox.WaitUntilAsync(() => standby.BotTextsInChatOf(after[0]).Count >= 10, "the bot's replies after the handover");
            await AdminApi.WaitAllDoneAsync(standby.Host.BaseUrl, HubSandbox.AdminKey, 10);
            var texts = standby.BotTextsInChatOf(after[0]);
            Assert.Equal(10, texts.Count);
            foreach (var expected in Enumerable.Range(1, 5).SelectMany(i => new[] { $"before {i}", $"after {i}" }))
            {
                Assert.Single(texts, t => t == expected);
            }

            Assert.Equal(PerClient, (await ConnectionsAsync(control, appId)).Count);
        }
        finally
        {
            foreach (var hub in running)
            {
                await hub.DisposeAsync();
            }
        }
    }

    private static readonly int PerClient = new Larkway.Feishu.Events.LongConnection.FeishuLongConnectionOptions().Connections;

    private static FeishuLongConnectionDuty LongConnectionOf(HubSandbox hub) =>
        hub.Host.Services.GetServices<IHostedService>().OfType<FeishuLongConnectionDuty>().Single();

    /// <summary>Polls the Emulator until the app's connections satisfy <paramref name="condition"/> (a hang guard, not a timing assertion).</summary>
    private static async Task WaitForConnectionsAsync(HttpClient control, string appId, Func<IReadOnlyList<string>, bool> condition, string what)
    {
        // A generous bound: on a loaded machine a takeover may wait out the dead holder's lease (9 s) plus a reconnect.
        IReadOnlyList<string> seen = [];
        for (var i = 0; i < 3000; i++)
        {
            seen = await ConnectionsAsync(control, appId);
            if (condition(seen))
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"Gave up waiting for: {what} (the Emulator lists [{string.Join(", ", seen)}])");
    }

    private static async Task<IReadOnlyList<string>> ConnectionsAsync(HttpClient control, string appId)
    {
        using var document = JsonDocument.Parse(await control.GetStringAsync("/_emulator/long-connection"));
        return [.. document.RootElement.GetProperty("data").GetProperty("items").EnumerateArray()
            .Where(a => a.GetProperty("app_id").GetString() == appId)
            .SelectMany(a => a.GetProperty("connections").EnumerateArray())
            .Select(c => c.GetProperty("device_id").GetString()!)];
    }
}
