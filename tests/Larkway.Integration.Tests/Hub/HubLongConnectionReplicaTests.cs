using System.Net.Http.Json;
using System.Text.Json;
using Larkway.Emulator.Hosting;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Two Hubs in long-connection mode on one database against one Emulator: only the holder of the lease
/// <c>long-connection/{app id}</c> connects, and the other takes over when it stops.
/// </summary>
public sealed class HubLongConnectionReplicaTests
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

        // One SQLite database for both (the same file); standbys retry often so the handover is quick.
        var data = Directory.CreateTempSubdirectory("larkway-hub-replicas-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Larkway:Leases:Duration"] = "00:00:09",
            ["Larkway:Leases:RetryInterval"] = "00:00:00.100",
        };
        var first = await HubSandbox.StartAgainstAsync(emulator, "long-connection", settings, data);
        var firstStopped = false;
        await using var second = await HubSandbox.StartAgainstAsync(emulator, "long-connection", settings, data);
        try
        {
            await WaitForConnectionsAsync(control, appId, c => c.Count == 1, "one long connection");

            // The standby keeps trying meanwhile; events go over the one connection, each handled once.
            var before = new List<string>();
            for (var i = 1; i <= 5; i++)
            {
                before.Add(await first.SayToBotAsync($"/echo before {i}"));
            }

            await HubSandbox.WaitUntilAsync(() => first.BotTextsInChatOf(before[0]).Count >= 5, "the bot's replies");
            var connections = await ConnectionsAsync(control, appId);
            Assert.Single(connections);
            var holderDevice = connections[0];

            firstStopped = true;
            await first.DisposeAsync();

            // The other replica connects (a new device), and events still arrive exactly once.
            await WaitForConnectionsAsync(control, appId, c => c is [var d] && d != holderDevice, "the standby's connection");
            var after = new List<string>();
            for (var i = 1; i <= 5; i++)
            {
                after.Add(await second.SayToBotAsync($"/echo after {i}"));
            }

            await HubSandbox.WaitUntilAsync(() => second.BotTextsInChatOf(after[0]).Count >= 10, "the bot's replies after the handover");
            await AdminApi.WaitAllDoneAsync(second.Host.BaseUrl, HubSandbox.AdminKey, 10);
            var texts = second.BotTextsInChatOf(after[0]);
            Assert.Equal(10, texts.Count);
            foreach (var expected in Enumerable.Range(1, 5).SelectMany(i => new[] { $"before {i}", $"after {i}" }))
            {
                Assert.Single(texts, t => t == expected);
            }

            Assert.Single(await ConnectionsAsync(control, appId));
        }
        finally
        {
            if (!firstStopped)
            {
                await first.DisposeAsync();
            }
        }
    }

    /// <summary>Polls the Emulator until the app's connections satisfy <paramref name="condition"/> (a hang guard, not a timing assertion).</summary>
    private static async Task WaitForConnectionsAsync(HttpClient control, string appId, Func<IReadOnlyList<string>, bool> condition, string what)
    {
        // A generous bound: on a loaded machine a takeover may wait out the dead holder's lease (9 s) plus a reconnect.
        for (var i = 0; i < 3000; i++)
        {
            if (condition(await ConnectionsAsync(control, appId)))
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"Gave up waiting for: {what}");
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
