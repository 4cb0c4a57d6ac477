using Larkway.Hub.AdminConsole.Pages;
using Larkway.Hub.Alerts;
using Larkway.Hub.Approvals;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Tests.Apps;

/// <summary>The default app is called 'default' in log lines too, as in the API and webhook payloads — never ''.</summary>
public sealed class DefaultAppNameTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();
    private readonly LogCapture _log = new();
    private HubServices _hub = null!;

    public Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().Build();
        _hub = new HubServices(_db, TimeProvider.System, settings: new Dictionary<string, string?> { ["Larkway:Webhooks:SenderEnabled"] = "false" }, services: s =>
        {
            s.AddSingleton<ILoggerProvider>(_log);
            s.AddNotificationsWithoutSending(configuration);

            // The default app's Feishu is a closed port: subscribing it fails at once, as an unreachable Feishu would.
            s.PostConfigureAll<Larkway.Feishu.FeishuAppOptions>(o => o.BaseUrl = new Uri("http://127.0.0.1:9/"));
            s.AddHubWebhooks(configuration);
            s.AddHubApprovals(configuration, o =>
            {
                o.ReconcileEnabled = false;
                o.RemindersEnabled = false;
            });
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task A_failed_approval_subscription_of_the_default_app_names_it_default()
    {
        var feishu = _hub.Provider.GetRequiredService<Larkway.Hub.Platform.Units.PlatformPieces<IApprovalPlatform>>().Find("feishu").ShouldNotBeNull();
        await feishu.PrepareAsync("", "A1", CancellationToken.None);

        _log.Lines.Single(l => l.Category == typeof(Larkway.Hub.Feishu.Approvals.FeishuApprovalPlatform).FullName).Message.ShouldStartWith("Could not subscribe app 'default' to approval A1");
    }

    [Theory]
    [InlineData(null, "(app default)")]
    [InlineData("default", "(app default)")]
    [InlineData("ops", "(app ops)")]
    public void The_console_names_the_alerts_app_default_however_the_default_is_configured(string? app, string shown)
    {
        var page = new AlertsModel(null!, Options.Create(new AlertOptions { App = app, Recipient = new AlertRecipientOptions { Email = "alice@example.com" } }), new AlertRules([]));

        page.RecipientText.ShouldBe($"email alice@example.com {shown}");
    }
}
