using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Tests.TestSupport;
using Larkway.Hub.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Webhooks;

/// <summary>
/// The webhook outbox's retention job on a real database of each provider, on a manual clock: a delivered delivery (and
/// its payload) deleted once Retention has passed since it was delivered, a dead letter kept for DeadLetterRetention
/// after it was queued, one still waiting never touched.
/// </summary>
public abstract class WebhookDeliveryRetentionTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task Delivered_deliveries_go_after_Retention_dead_letters_after_DeadLetterRetention_and_waiting_ones_never()
    {
        var time = new ManualTimeProvider();
        await using var database = await CreateDatabaseAsync();
        await using var hub = new HubServices(database, time, settings: new Dictionary<string, string?> { ["Larkway:Webhooks:SenderEnabled"] = "false" },
            services: s => s.AddHubWebhooks(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), o =>
            {
                o.Retention = TimeSpan.FromDays(7);
                o.DeadLetterRetention = TimeSpan.FromDays(30);
            }));
        var store = hub.Provider.GetRequiredService<WebhookStore>();
        var queue = hub.Provider.GetRequiredService<IWorkQueue<WebhookDeliveryRow>>();
        var retention = hub.Provider.GetRequiredService<WebhookDeliveryRetention>();
        var subscription = await store.CreateSubscriptionAsync(new Uri("http://127.0.0.1:9/all"), ["*"], "", CancellationToken.None);
        foreach (var id in new[] { 1L, 2L, 3L })
        {
            await store.FanOutAsync(FeishuEventContexts.Of(id, "", time.GetUtcNow(), TestEvents.Custom($"ev_{id}").Envelope), CancellationToken.None);
        }

        var claimed = await queue.ClaimAsync("sender", 2, Lease, CancellationToken.None);
        claimed.Count.ShouldBe(2);
        var (delivered, dead) = (claimed[0].Id, claimed[1].Id);
        var waiting = (await store.ListDeliveriesAsync(subscription.Id, null, 10, CancellationToken.None)).Select(d => d.Id).Except([delivered, dead]).Single();
        DateTimeOffset? at = time.GetUtcNow() + TimeSpan.FromDays(1);
        (await queue.RecordAsync(delivered, "sender", WorkOutcome<WebhookDeliveryRow>.Done(s => s.SetProperty(d => d.DeliveredAt, at)), CancellationToken.None)).ShouldBeTrue();
        (await queue.RecordAsync(dead, "sender", WorkOutcome<WebhookDeliveryRow>.DeadLetter("HTTP 410 Gone"), CancellationToken.None)).ShouldBeTrue();

        // Retention counts from the delivery, not from the fan-out.
        time.Advance(TimeSpan.FromDays(8));
        (await retention.PruneAsync(CancellationToken.None)).ShouldBe(0);
        time.Advance(TimeSpan.FromMilliseconds(1));
        (await retention.PruneAsync(CancellationToken.None)).ShouldBe(1);
        var left = await store.ListDeliveriesAsync(subscription.Id, null, 10, CancellationToken.None);
        left.Select(d => d.Id).Order().ShouldBe(new[] { dead, waiting }.Order(), "the dead letter and the one never sent are kept");

        // The dead letter goes 30 days after it was queued; the waiting one stays, however old.
        time.Advance(TimeSpan.FromDays(22));
        (await retention.PruneAsync(CancellationToken.None)).ShouldBe(1);
        time.Advance(TimeSpan.FromDays(3650));
        (await retention.PruneAsync(CancellationToken.None)).ShouldBe(0);
        (await store.ListDeliveriesAsync(subscription.Id, null, 10, CancellationToken.None)).Single().Id.ShouldBe(waiting);
    }
}

public sealed class SqliteWebhookDeliveryRetentionTests : WebhookDeliveryRetentionTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresWebhookDeliveryRetentionTests(PostgresCluster cluster) : WebhookDeliveryRetentionTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
