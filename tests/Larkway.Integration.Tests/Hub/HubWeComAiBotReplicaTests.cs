using System.Net.Http.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Tests.TestSupport;
using Larkway.Integration.Tests.WeCom.AiBot;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Three Hubs on one PostgreSQL database against one Emulator, one WeCom app with an AI bot stored: exactly one replica
/// holds the bot's long connection through a soak (WeCom keeps one per bot, so a second subscribe would show as a new
/// connection), a stopped holder is replaced by another replica, every message is answered once across the handover,
/// and a message WeCom delivers again to the new holder is not answered twice.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HubWeComAiBotReplicaTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Three_replicas_hold_an_AI_bots_connection_on_one_of_them_and_hand_it_over_when_it_stops_answering_each_message_once()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, EnforceRateLimits = false });
        using var control = new AiBotControl(emulator.BaseUrl);
        var data = Directory.CreateTempSubdirectory("larkway-hub-aibot-replicas-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Larkway:Storage:Provider"] = "Postgres",
            ["Larkway:Storage:ConnectionString"] = await cluster.CreateDatabaseAsync(),
            // Renewed every 6 s, dropped by its holder after 12 s without one: a test host starved for a few seconds
            // (CI runs the browser tests beside these) must not read as a lost lease. The soak spans two renewals.
            ["Larkway:Leases:Duration"] = "00:00:18",
            ["Larkway:Leases:RetryInterval"] = "00:00:00.100",
        };
        var hubs = new List<HubSandbox>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                hubs.Add(await HubSandbox.StartAgainstAsync(emulator, "webhook", settings, data));
            }

            using (var admin = HubWeComAiBot.Admin(hubs[0]))
            {
                using var added = await admin.PostAsJsonAsync("/api/v1/apps", HubWeComAiBot.AppBody(emulator));
                added.EnsureSuccessStatusCode();
            }

            // Every replica notices the app and competes; one holds the lease, then subscribes.
            await HubSandbox.WaitUntilAsync(() => hubs.Count(h => HubWeComAiBot.Duty(h)?.IsConnected == true) == 1 && HubWeComAiBot.OpenConnections(control).Count == 1, "one replica's AI bot connection", seconds: 60);
            var holder = hubs.Single(h => HubWeComAiBot.Duty(h)?.IsConnected == true);

            // The soak: for a few lease renewals nobody else subscribes (which would replace the connection).
            var seen = new HashSet<string>(HubWeComAiBot.OpenConnections(control), StringComparer.Ordinal);
            for (var sample = 0; sample < 56; sample++)
            {
                await Task.Delay(250);
                hubs.Count(h => HubWeComAiBot.Duty(h)?.IsHolding == true).ShouldBeLessThanOrEqualTo(1);
                seen.UnionWith(HubWeComAiBot.OpenConnections(control));
            }

            seen.Count.ShouldBe(1, "the connection was replaced or another replica subscribed during the soak");
            var before = await control.MessageAsync("/echo before the handover");
            var beforeId = before.GetProperty("message").GetProperty("id").GetString()!;
            await HubSandbox.WaitUntilAsync(() => HubWeComAiBot.Replies(control).Contains("before the handover"), "the answer before the handover", seconds: 60);

            // The holder stops (closing its connection, then releasing the lease); another replica takes over and subscribes.
            hubs.Remove(holder);
            await holder.DisposeAsync();
            await HubSandbox.WaitUntilAsync(() => hubs.Count(h => HubWeComAiBot.Duty(h)?.IsConnected == true) == 1 && HubWeComAiBot.OpenConnections(control).Any(c => !seen.Contains(c)), "the takeover", seconds: 60);

            // WeCom delivers the first message again, to the new holder: the inbox knows its msgid.
            var again = await control.RedeliverAsync(beforeId);
            again.GetProperty("delivery").GetString().ShouldBe("connection");
            await control.MessageAsync("/echo after the handover");
            await HubSandbox.WaitUntilAsync(() => HubWeComAiBot.Replies(control).Contains("after the handover"), "the answer after the handover", seconds: 60);

            var replies = HubWeComAiBot.Replies(control);
            replies.Count(r => r == "before the handover").ShouldBe(1);
            replies.Count(r => r == "after the handover").ShouldBe(1);
            using var admin2 = HubWeComAiBot.Admin(hubs[0]);
            (await HubWeComAiBot.EventsAsync(admin2, "wecom.aibot.message.text")).Count.ShouldBe(2);
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }
        }
    }
}
