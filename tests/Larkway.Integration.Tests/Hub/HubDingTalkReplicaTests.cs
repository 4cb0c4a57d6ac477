using System.Net.Http.Headers;
using System.Net.Http.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.DingTalk;
using Larkway.Hub.Tests.TestSupport;
using Larkway.Integration.Tests.DingTalk;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// Three Hubs on one PostgreSQL database against one Emulator, one DingTalk app stored: exactly one replica holds the
/// app's Stream connections through a soak (no replica takes them from another, no connection is replaced), a stopped
/// holder is replaced by another replica, and every robot message is answered once across the handover.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HubDingTalkReplicaTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Three_replicas_hold_a_DingTalk_apps_Stream_on_one_of_them_without_kick_loops_and_hand_it_over_when_it_stops()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, EnforceRateLimits = false });
        using var stream = new DingTalkStreamControl(emulator.BaseUrl, EmulatorOptions.DefaultDingTalkAppKey);
        var data = Directory.CreateTempSubdirectory("larkway-hub-dt-replicas-").FullName;
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

            using (var admin = new HttpClient { BaseAddress = hubs[0].Host.BaseUrl })
            {
                admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HubSandbox.AdminKey);
                using var added = await admin.PostAsJsonAsync("/api/v1/apps", new
                {
                    name = "dt-org",
                    platform = "dingtalk",
                    app_id = EmulatorOptions.DefaultDingTalkAppKey,
                    app_secret = EmulatorOptions.DefaultDingTalkAppSecret,
                    base_url = new Uri(emulator.BaseUrl, "/dingtalk").AbsoluteUri,
                });
                added.EnsureSuccessStatusCode();
            }

            // Every replica notices the app (within the apps' refresh) and competes; one holds, its connections open.
            await HubSandbox.WaitUntilAsync(() => hubs.Count(h => Duty(h)?.IsConnected == true) == 1 && OpenConnections(stream).Count == 2, "one replica's two Stream connections", seconds: 60);
            var holder = hubs.Single(h => Duty(h)?.IsConnected == true);

            // The soak: for a few lease renewals nobody else takes the connection, and no connection is replaced.
            var seen = new HashSet<string>(OpenConnections(stream), StringComparer.Ordinal);
            for (var sample = 0; sample < 56; sample++)
            {
                await Task.Delay(250);
                hubs.Count(h => Duty(h)?.IsHolding == true).ShouldBeLessThanOrEqualTo(1);
                seen.UnionWith(OpenConnections(stream));
            }

            seen.Count.ShouldBe(2, "connections were replaced or opened by another replica during the soak");
            Duty(holder)!.IsHolding.ShouldBeTrue();
            await stream.RobotMessageAsync("/echo before the handover");

            // DingTalk never sends a robot message twice: it is the holder's once acked, so wait for its answer first.
            await HubSandbox.WaitUntilAsync(() => Replies(stream).Any(r => r.Contains("before the handover", StringComparison.Ordinal)), "the answer before the handover", seconds: 60);

            // The holder stops; another replica takes the lease over and opens its own connections.
            hubs.Remove(holder);
            await holder.DisposeAsync();
            await HubSandbox.WaitUntilAsync(() => hubs.Count(h => Duty(h)?.IsConnected == true) == 1 && OpenConnections(stream).Any(c => !seen.Contains(c)), "the takeover", seconds: 60);
            await stream.RobotMessageAsync("/echo after the handover");

            await HubSandbox.WaitUntilAsync(() => Replies(stream).Any(r => r.Contains("after the handover", StringComparison.Ordinal)), "the answer after the handover", seconds: 60);
            Replies(stream).Count(r => r.Contains("before the handover", StringComparison.Ordinal)).ShouldBe(1);
            Replies(stream).Count(r => r.Contains("after the handover", StringComparison.Ordinal)).ShouldBe(1);
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }
        }
    }

    private static DingTalkStreamDuty? Duty(HubSandbox hub) =>
        hub.Host.Services.GetRequiredService<DingTalkStreamSupervisor>().Duties.GetValueOrDefault("dt-org");

    private static IReadOnlyList<string> OpenConnections(DingTalkStreamControl stream) => stream.OpenConnectionIdsAsync().GetAwaiter().GetResult();

    private static IReadOnlyList<string> Replies(DingTalkStreamControl stream) =>
        [.. stream.SessionRepliesAsync().GetAwaiter().GetResult().Select(r => r.GetRawText())];
}
