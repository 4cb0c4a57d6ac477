using System.Net.Http.Json;
using Larkway.Emulator.State;
using Larkway.Hub.Alerts;
using Larkway.Hub.Monitoring;
using Larkway.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Integration.Tests.Hub;

/// <summary>
/// The alerts end to end in a sandbox Hub: Open Platform errors injected by the Emulator breach the API error-rate rule,
/// the alert's card is posted once through the notifications outbox however often the rule is evaluated, and when the
/// window has passed the alert clears, says so once more, and the console lists it cleared.
/// </summary>
public sealed class HubAlertsTests
{
    private const string Headline = "Alert: Open Platform API error rate";
    private const string ClearedHeadline = "Cleared: Open Platform API error rate";

    [Fact]
    public async Task A_breach_posts_one_card_and_its_clearing_one_more_and_the_console_lists_it_cleared()
    {
        var clock = new ShiftableTimeProvider();
        await using var hub = await HubSandbox.StartAsync(
            new Dictionary<string, string?>
            {
                // The test evaluates; the job's own first run (at start) finds nothing yet.
                ["Larkway:Alerts:Interval"] = "00:10:00",
                ["Larkway:Alerts:Recipient:Email"] = "alice@example.com",
                ["Larkway:Alerts:Rules:ApiErrorRate:Window"] = "00:02:00",
                ["Larkway:Alerts:Rules:ApiErrorRate:MinSamples"] = "1",
                ["Larkway:Notifications:RetryDelays:0"] = "00:00:00.200",
                ["Larkway:Notifications:MaxAttempts"] = "50",
                ["Larkway:Notifications:PollInterval"] = "00:00:00.100",
            },
            configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var services = hub.Host.App.Services;
        var evaluator = services.GetRequiredService<AlertEvaluator>();
        var dashboard = services.GetRequiredService<MonitoringDashboard>();

        // Feishu answers 500 to every message send until disarmed: the sender's calls fail.
        using (var armed = await hub.Control.PostAsJsonAsync("/_emulator/faults", new { endpoint = "POST /open-apis/im/v1/messages", kind = "server_error", count = 1000 }))
        {
            armed.EnsureSuccessStatusCode();
        }

        var general = hub.State.Chats.Single(c => c.Name == Larkway.Emulator.Seed.DefaultSeed.GeneralChatName).ChatId;
        using var api = new HttpClient { BaseAddress = hub.Host.BaseUrl };
        api.DefaultRequestHeaders.Authorization = new("Bearer", HubSandbox.AdminKey);
        using (var sent = await api.PostAsJsonAsync("/api/v1/notifications", new
        {
            type = "ops.test",
            idempotency_key = "alerts-test-1",
            card = new { header = new { title = new { tag = "plain_text", content = "Hello" } }, elements = new[] { new { tag = "div", text = new { tag = "plain_text", content = "Hi" } } } },
            recipients = new[] { new { chat_id = general } },
        }))
        {
            sent.EnsureSuccessStatusCode();
        }

        await WaitAsync(async () => (await dashboard.ReadAsync(DashboardRange.Hour, default)).Hour.ApiErrors > 0, "a failed Open Platform call recorded");
        (await hub.Control.DeleteAsync("/_emulator/faults")).EnsureSuccessStatusCode();

        await evaluator.RunAsync(default);
        var alert = (await Alerts(services)).Single(a => a.Alert.Rule == "api_error_rate").Alert;
        alert.ClearedAt.ShouldBeNull();
        alert.Detail.ShouldContain("Open Platform calls failed in the last 2 min");
        alert.NotificationId.ShouldNotBeNull();
        await WaitAsync(() => Task.FromResult(Cards(hub.State, Headline) == 1), "the alert card posted to Alice");

        // Evaluated again while the breach lasts: the same alert, no second card.
        await evaluator.RunAsync(default);
        await evaluator.RunAsync(default);
        (await Alerts(services)).Count(a => a.Alert.Rule == "api_error_rate").ShouldBe(1);

        // The window passes without errors: cleared, said once.
        clock.Advance(TimeSpan.FromMinutes(3));
        await evaluator.RunAsync(default);
        await evaluator.RunAsync(default);
        var cleared = (await Alerts(services)).Single(a => a.Alert.Rule == "api_error_rate").Alert;
        cleared.ClearedAt.ShouldNotBeNull();
        cleared.ClearedNotificationId.ShouldNotBeNull();
        await WaitAsync(() => Task.FromResult(Cards(hub.State, ClearedHeadline) == 1), "the clearing card posted to Alice");
        Cards(hub.State, Headline).ShouldBe(1);

        using var console = new ConsoleClient(hub.Host.BaseUrl);
        (await console.SignInAsync(hub.Host.BootstrapAdminPassword!)).Dispose();
        var html = await console.Http.GetStringAsync("/console/alerts");
        html.ShouldContain($"data-alert=\"{cleared.Id}\" data-rule=\"api_error_rate\" data-state=\"cleared\"");
        html.ShouldContain(cleared.ClearedAt!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        html.ShouldContain(cleared.NotificationId!);
    }

    [Fact]
    public async Task An_api_error_alert_opened_after_a_restart_names_the_call_that_failed()
    {
        var data = Directory.CreateTempSubdirectory("larkway-alerts-restart-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Larkway:Alerts:Interval"] = "00:10:00",
            ["Larkway:Alerts:Rules:ApiErrorRate:MinSamples"] = "1",
            ["Larkway:Notifications:MaxAttempts"] = "1",
        };
        await using (var first = await HubSandbox.StartAsync(settings, dataDirectory: data))
        {
            using (var armed = await first.Control.PostAsJsonAsync("/_emulator/faults", new { endpoint = "POST /open-apis/im/v1/messages", kind = "server_error", count = 1000 }))
            {
                armed.EnsureSuccessStatusCode();
            }

            var general = first.State.Chats.Single(c => c.Name == Larkway.Emulator.Seed.DefaultSeed.GeneralChatName).ChatId;
            using var api = new HttpClient { BaseAddress = first.Host.BaseUrl };
            api.DefaultRequestHeaders.Authorization = new("Bearer", HubSandbox.AdminKey);
            using (var sent = await api.PostAsJsonAsync("/api/v1/notifications", new
            {
                type = "ops.test",
                idempotency_key = "alerts-restart-1",
                card = new { elements = new[] { new { tag = "div", text = new { tag = "plain_text", content = "Hi" } } } },
                recipients = new[] { new { chat_id = general } },
            }))
            {
                sent.EnsureSuccessStatusCode();
            }

            var dashboard = first.Host.App.Services.GetRequiredService<MonitoringDashboard>();
            await WaitAsync(async () => (await dashboard.ReadAsync(DashboardRange.Hour, default)).Hour.ApiErrors > 0, "a failed Open Platform call recorded");
        }

        // A new process on the same database: what it knows of the failure is what the first one stored.
        await using var second = await HubSandbox.StartAsync(settings, dataDirectory: data);
        await second.Host.App.Services.GetRequiredService<AlertEvaluator>().RunAsync(default);

        var alert = (await Alerts(second.Host.App.Services)).Single(a => a.Alert.Rule == "api_error_rate").Alert;
        alert.Detail.ShouldContain($"Last failed: POST /open-apis/im/v1/messages (app {second.Host.Settings.AppId}) failed with code ");
    }

    private static Task<IReadOnlyList<AlertListItem>> Alerts(IServiceProvider services) =>
        services.GetRequiredService<AlertStore>().ListAsync(100, default);

    /// <summary>Alert cards with <paramref name="headline"/> in any chat.</summary>
    private static int Cards(EmulatorState state, string headline) =>
        state.Chats.SelectMany(c => state.MessagesIn(c.ChatId)).Count(m => m.MsgType == "interactive" && m.Content.Contains(headline, StringComparison.Ordinal));

    /// <summary>A hang guard, not a timing assertion.</summary>
    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            try
            {
                await Task.Delay(100, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Gave up waiting for: {what}");
            }
        }
    }
}
