using System.Net.Http.Json;
using Larkway.Emulator.Hosting;
using Larkway.Hub.Alerts;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// A WeCom AI bot whose secret the Emulator refuses: the Hub holds its lease but cannot connect, and says so in readiness
/// and in the alert "a long connection is not held" — the same rule DingTalk's Stream has — until the secret is fixed.
/// </summary>
public sealed class HubWeComAiBotAlertTests
{
    [Fact]
    public async Task An_AI_bot_that_cannot_connect_opens_an_alert_which_clears_once_it_connects()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0 });
        await using var hub = await HubSandbox.StartAgainstAsync(emulator, "webhook", new Dictionary<string, string?>
        {
            ["Larkway:Alerts:Interval"] = "00:10:00",
            ["Larkway:Alerts:Rules:WeComAiBotDown:Threshold"] = "0.1",
        });
        using var admin = HubWeComAiBot.Admin(hub);
        var services = hub.Host.App.Services;

        var body = HubWeComAiBot.AppBody(emulator);
        body["ai_bot_secret"] = "not-the-secret";
        using (var added = await admin.PostAsJsonAsync("/api/v1/apps", body))
        {
            added.IsSuccessStatusCode.ShouldBeTrue(await added.Content.ReadAsStringAsync());
        }

        // The holder says it cannot connect once down for DownAfter; the alert opens once past its threshold.
        await HubSandbox.WaitUntilAsync(() => OpenAlert(services)?.Detail is { } detail && detail.Contains($"No open AI bot connection for {HubWeComAiBot.AppName} (since ", StringComparison.Ordinal), "the alert naming the bot's app", seconds: 120);
        OpenAlert(services)!.Detail.ShouldContain("Check the bot id and secret");
        (await hub.Api.GetStringAsync("/readyz")).ShouldContain(HubWeComAiBot.AppName);

        // Fixed: the bot connects, the holder clears its mark, and the alert clears.
        using (var fixedSecret = await admin.PatchAsJsonAsync($"/api/v1/apps/{HubWeComAiBot.AppName}", new { ai_bot_secret = Larkway.Emulator.WeCom.AiBot.AiBotOptions.DefaultSecret }))
        {
            fixedSecret.IsSuccessStatusCode.ShouldBeTrue(await fixedSecret.Content.ReadAsStringAsync());
        }

        await HubSandbox.WaitUntilAsync(() => HubWeComAiBot.Duty(hub)?.IsConnected == true, "the Hub's AI bot connection", seconds: 60);
        await HubSandbox.WaitUntilAsync(() => OpenAlert(services) is null, "the alert cleared", seconds: 60);
        var cleared = (await services.GetRequiredService<AlertStore>().ListAsync(100, default)).Single(a => a.Alert.Rule == "wecom_aibot_down").Alert;
        cleared.ClearedAt.ShouldNotBeNull();
    }

    /// <summary>Evaluates the rules now (the job's interval is long), then reads the AI bot alert still open, if any.</summary>
    private static AlertRow? OpenAlert(IServiceProvider services)
    {
        services.GetRequiredService<AlertEvaluator>().RunAsync(default).GetAwaiter().GetResult();
        return services.GetRequiredService<AlertStore>().ListAsync(100, default).GetAwaiter().GetResult()
            .Select(a => a.Alert).SingleOrDefault(a => a.Rule == "wecom_aibot_down" && a.ClearedAt is null);
    }
}
