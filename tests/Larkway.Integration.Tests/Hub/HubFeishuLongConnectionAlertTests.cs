using System.Net.Http.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Alerts;
using Larkway.Hub.Feishu.LongConnection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A Hub in long-connection mode whose holder cannot reach Feishu: it keeps the lease and says so in readiness and in the
/// alert "Long connection down" — the rule DingTalk's Stream and WeCom's AI bot have — until Feishu answers again. Before
/// Feishu's connection was on that rule, a held lease read as connected, and neither said anything.
/// </summary>
public sealed class HubFeishuLongConnectionAlertTests
{
    [Fact]
    public async Task A_holder_that_cannot_reach_Feishu_opens_the_alert_and_says_so_in_readiness_until_it_connects_again()
    {
        var options = new EmulatorOptions { Port = 0, EnforceRateLimits = false };
        options.LongConnection.ReconnectNonceSeconds = 1;
        options.LongConnection.ReconnectIntervalSeconds = 1;
        await using var emulator = await EmulatorServer.StartAsync(options);
        using var control = new HttpClient { BaseAddress = emulator.BaseUrl };
        var appId = emulator.State.Apps[0].AppId;
        using (var subscribed = await control.PutAsJsonAsync($"/_emulator/apps/{appId}/event-subscription", new { mode = "long-connection", verification_token = HubSandbox.ExternalVerificationToken }))
        {
            subscribed.EnsureSuccessStatusCode();
        }

        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "long-connection", new Dictionary<string, string?>
        {
            ["Larkway:Alerts:Interval"] = "00:10:00",
            ["Larkway:Alerts:Rules:LongConnectionDown:Threshold"] = "0.1",
            ["Larkway:Apps:StreamHandOverAfter"] = "00:10:00", // one replica: nobody to hand over to within the test
        });
        var services = hub.Host.App.Services;
        var duty = services.GetServices<IHostedService>().OfType<FeishuLongConnectionDuty>().Single();
        await HubSandbox.WaitUntilAsync(() => duty.IsConnected, "the Hub's long connection", seconds: 60);
        OpenAlert(services).ShouldBeNull();

        // The console's Apps page shows it on the deployment's app, as DingTalk's Stream and WeCom's AI bot are shown.
        using var console = new ConsoleClient(hub.Host.BaseUrl);
        (await console.SignInAsync(hub.Host.BootstrapAdminPassword!)).Dispose();
        (await console.Http.GetStringAsync("/console/apps")).ShouldContain("<span class=\"sub app-long-connection\">Long connection connected</span>");

        // Feishu's endpoint goes away (discovery and handshakes answer 503), and the open connection drops.
        await FaultAsync(control, new { app_id = appId, kind = "endpoint_down", seconds = 3600 });
        await FaultAsync(control, new { app_id = appId, kind = "drop" });

        await HubSandbox.WaitUntilAsync(
            () => OpenAlert(services)?.Detail is { } detail && detail.Contains("No open long connection for default (since ", StringComparison.Ordinal),
            "the alert naming the deployment's app",
            seconds: 120);
        OpenAlert(services)!.Detail.ShouldContain("Feishu's events");
        duty.IsHolding.ShouldBeTrue("the holder keeps the lease while it cannot connect, rather than hiding the outage");
        (await hub.Api.GetStringAsync("/readyz")).ShouldContain("cannot open a long connection");
        (await console.Http.GetStringAsync("/console/apps")).ShouldContain("<span class=\"sub app-long-connection error-text\">Long connection: no connection since ");

        // Feishu answers again: the client reconnects, the holder clears its mark, and the alert clears.
        using (var cleared = await control.DeleteAsync("/_emulator/long-connection/faults"))
        {
            cleared.EnsureSuccessStatusCode();
        }

        await HubSandbox.WaitUntilAsync(() => duty.IsConnected, "the long connection again", seconds: 90);
        await HubSandbox.WaitUntilAsync(() => OpenAlert(services) is null, "the alert cleared", seconds: 60);
        (await services.GetRequiredService<AlertStore>().ListAsync(100, default)).Single(a => a.Alert.Rule == "long_connection_down").Alert.ClearedAt.ShouldNotBeNull();
        (await hub.Api.GetStringAsync("/readyz")).ShouldNotContain("cannot open a long connection");
    }

    private static async Task FaultAsync(HttpClient control, object fault)
    {
        using var added = await control.PostAsJsonAsync("/_emulator/long-connection/faults", fault);
        added.IsSuccessStatusCode.ShouldBeTrue(await added.Content.ReadAsStringAsync());
    }

    /// <summary>Evaluates the rules now (the job's interval is long), then reads the long-connection alert still open, if any.</summary>
    private static AlertRow? OpenAlert(IServiceProvider services)
    {
        services.GetRequiredService<AlertEvaluator>().RunAsync(default).GetAwaiter().GetResult();
        return services.GetRequiredService<AlertStore>().ListAsync(100, default).GetAwaiter().GetResult()
            .Select(a => a.Alert).SingleOrDefault(a => a.Rule == "long_connection_down" && a.ClearedAt is null);
    }
}
