using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Tests.TestSupport;
using Larkway.Hub.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Tests.Inbox;

/// <summary>
/// An event the Hub handles through an observer — approval events, types a webhook subscription forwards — is handled,
/// not "without a handler"; the line stays for an event nobody looks at.
/// </summary>
public sealed class ObservedEventLogTests : IAsyncLifetime
{
    private const string NoHandler = "No handler for Feishu event type";
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
            s.AddHubWebhooks(configuration);
            s.AddHubApprovals(configuration, o =>
            {
                o.ReconcileEnabled = false;
                o.RemindersEnabled = false;
            });

            // The default app's dispatcher, as the Hub's bot gives it: handlers for some types, none for approvals.
            s.AddHubEventDispatcher("", (_, d) => d.On(TestEvents.CustomType, (_, _, _) => Task.CompletedTask));
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Approval_events_and_forwarded_types_are_handled_and_only_an_event_nobody_looks_at_has_no_handler()
    {
        await _hub.Provider.GetRequiredService<WebhookStore>().CreateSubscriptionAsync(new Uri("http://127.0.0.1:9/hook"), ["test.forwarded_v1"], "", CancellationToken.None);
        await _hub.Store.AppendAsync(ApprovalInstance("ev_approval"));
        await _hub.Store.AppendAsync(TestEvents.Custom("ev_forwarded", type: "test.forwarded_v1"));
        await _hub.Store.AppendAsync(TestEvents.Custom("ev_nobody", type: "test.nobody_v1"));

        var processor = _hub.Provider.GetServices<IHostedService>().OfType<QueueWorker<InboxEvent>>().Single();
        await processor.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(async () => (await _hub.Store.ListAsync(null, WorkState.Done, 10)).Items.Count == 3, "all three events done");
        }
        finally
        {
            await processor.StopAsync(CancellationToken.None);
        }

        _log.Lines.Where(l => l.Message.StartsWith(NoHandler, StringComparison.Ordinal)).ShouldHaveSingleItem().Message.ShouldContain("test.nobody_v1");
        _log.WarningsOrWorse.ShouldBeEmpty();
    }

    /// <summary>An <c>approval_instance</c> event (v1 envelope, as Feishu sends it) for an instance the Hub did not create.</summary>
    private static Larkway.Feishu.Events.Ingest.FeishuInboundEvent ApprovalInstance(string eventId) =>
        TestEvents.Inbound($$$"""
            {"uuid":"{{{eventId}}}","token":"vt","ts":"1700000000.0","type":"event_callback",
             "event":{"type":"approval_instance","app_id":"cli_test","tenant_key":"tk","approval_code":"A1","instance_code":"not-ours","status":"APPROVED",
                      "operate_time":"1700000000000","instance_operate_time":"1700000000000","uuid":""}}
            """);
}
