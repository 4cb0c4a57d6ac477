using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Tests.TestSupport;
using Larkway.Hub.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Webhooks;

/// <summary>The webhook outbox on a real database of each provider: idempotent fan-out, exclusive claims, replay.</summary>
public abstract class WebhookStoreTests
{
    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task Fan_out_queues_one_delivery_per_matching_subscription_however_often_and_concurrently_it_runs()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var store = hub.Provider.GetRequiredService<WebhookStore>();
        var all = await store.CreateSubscriptionAsync(new Uri("http://127.0.0.1:9/all"), ["*"], "", CancellationToken.None);
        var messages = await store.CreateSubscriptionAsync(new Uri("http://127.0.0.1:9/messages"), ["im.message.*"], "", CancellationToken.None);
        var cards = await store.CreateSubscriptionAsync(new Uri("http://127.0.0.1:9/cards"), ["card.action.trigger"], "", CancellationToken.None);
        var message = Context(1, TestEvents.Message("ev_1", "om_1"));

        var added = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.FanOutAsync(message, CancellationToken.None)));
        await store.FanOutAsync(message, CancellationToken.None);

        added.Sum().ShouldBe(2);
        (await store.ListDeliveriesAsync(all.Id, null, 10, CancellationToken.None)).Count.ShouldBe(1);
        (await store.ListDeliveriesAsync(messages.Id, null, 10, CancellationToken.None)).Single().EventId.ShouldBe("ev_1");
        (await store.ListDeliveriesAsync(cards.Id, null, 10, CancellationToken.None)).ShouldBeEmpty();

        (await store.FanOutAsync(Context(2, TestEvents.CardAction("ev_2")), CancellationToken.None)).ShouldBe(2);
        (await store.FanOutAsync(Context(3, TestEvents.Custom("ev_3", type: "some.unknown_v9")), CancellationToken.None)).ShouldBe(1);
    }

    [Fact]
    public async Task Of_two_senders_exactly_one_claims_a_delivery_and_only_the_holder_records_its_outcome_and_replay_requeues_it()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var store = hub.Provider.GetRequiredService<WebhookStore>();
        var queue = hub.Provider.GetRequiredService<IWorkQueue<WebhookDeliveryRow>>();
        var subscription = await store.CreateSubscriptionAsync(new Uri("http://127.0.0.1:9/all"), ["*"], "", CancellationToken.None);
        await store.FanOutAsync(Context(1, TestEvents.Custom("ev_1")), CancellationToken.None);

        var claims = await Task.WhenAll(
            queue.ClaimAsync("a", 10, TimeSpan.FromMinutes(1), CancellationToken.None),
            queue.ClaimAsync("b", 10, TimeSpan.FromMinutes(1), CancellationToken.None));
        claims.Sum(c => c.Count).ShouldBe(1);
        var (winner, loser) = claims[0].Count == 1 ? ("a", "b") : ("b", "a");
        var claimed = claims.SelectMany(c => c).Single();
        (await store.GetSubscriptionAsync(claimed.SubscriptionId, CancellationToken.None))!.Secret.ShouldBe(subscription.Secret);
        (await queue.ReplayAsync(claimed.Id, CancellationToken.None)).ShouldBe(ReplayResult.InProgress);

        var refused = WorkOutcome<WebhookDeliveryRow>.DeadLetter("HTTP 400", s => s.SetProperty(d => d.StatusCode, 400));
        (await queue.RecordAsync(claimed.Id, loser, refused, CancellationToken.None)).ShouldBeFalse();
        (await queue.RecordAsync(claimed.Id, winner, refused, CancellationToken.None)).ShouldBeTrue();
        (await store.ListDeliveriesAsync(subscription.Id, WorkState.DeadLetter, 10, CancellationToken.None)).Single().StatusCode.ShouldBe(400);
        (await queue.ClaimAsync("a", 10, TimeSpan.FromMinutes(1), CancellationToken.None)).ShouldBeEmpty();

        (await queue.ReplayAsync(claimed.Id, CancellationToken.None)).ShouldBe(ReplayResult.Replayed);
        (await queue.ReplayAsync(999_999, CancellationToken.None)).ShouldBe(ReplayResult.NotFound);
        var again = (await queue.ClaimAsync("a", 10, TimeSpan.FromMinutes(1), CancellationToken.None)).Single();
        again.Attempts.ShouldBe(1);
        DateTimeOffset? at = DateTimeOffset.UtcNow;
        (await queue.RecordAsync(again.Id, "a", WorkOutcome<WebhookDeliveryRow>.Done(s => s.SetProperty(d => d.DeliveredAt, at)), CancellationToken.None)).ShouldBeTrue();
        (await store.ListDeliveriesAsync(subscription.Id, WorkState.Done, 10, CancellationToken.None)).Single().DeliveredAt.ShouldNotBeNull();

        (await store.DeleteSubscriptionAsync(subscription.Id, CancellationToken.None)).ShouldBeTrue();
        (await store.ListDeliveriesAsync(subscription.Id, null, 10, CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_rotation_keeps_the_previous_secret_for_the_configured_window_encrypted_and_a_second_rotation_drops_the_oldest()
    {
        await using var database = await CreateDatabaseAsync();
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        await using var hub = new HubServices(database, time, settings: new Dictionary<string, string?> { ["Larkway:Webhooks:SenderEnabled"] = "false" },
            services: s => s.AddHubWebhooks(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), o => o.SecretRotationWindow = TimeSpan.FromHours(3)));
        var store = hub.Provider.GetRequiredService<WebhookStore>();
        var created = await store.CreateSubscriptionAsync(new Uri("http://127.0.0.1:9/all"), ["*"], "", CancellationToken.None);

        var rotated = (await store.RotateSecretAsync(created.Id, CancellationToken.None))!;

        rotated.Secret.ShouldStartWith("whsec_");
        rotated.Secret.ShouldNotBe(created.Secret);
        rotated.PreviousSecretExpiresAt.ShouldBe(time.GetUtcNow() + TimeSpan.FromHours(3));
        var read = (await store.GetSubscriptionAsync(created.Id, CancellationToken.None))!;
        (read.Secret, read.PreviousSecret, read.PreviousSecretExpiresAt).ShouldBe((rotated.Secret, created.Secret, rotated.PreviousSecretExpiresAt));
        var stored = (await store.ListSubscriptionsAsync(CancellationToken.None)).Single();
        stored.Secret.ShouldStartWith("dp1:");
        stored.PreviousSecret!.ShouldStartWith("dp1:");

        time.Advance(TimeSpan.FromHours(1));
        var again = (await store.RotateSecretAsync(created.Id, CancellationToken.None))!;
        again.PreviousSecretExpiresAt.ShouldBe(time.GetUtcNow() + TimeSpan.FromHours(3));
        read = (await store.GetSubscriptionAsync(created.Id, CancellationToken.None))!;
        (read.Secret, read.PreviousSecret).ShouldBe((again.Secret, rotated.Secret));

        (await store.RotateSecretAsync("whk_none", CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task With_a_window_of_zero_a_rotation_drops_the_previous_secret_at_once()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = new HubServices(database, TimeProvider.System, settings: new Dictionary<string, string?> { ["Larkway:Webhooks:SenderEnabled"] = "false" },
            services: s => s.AddHubWebhooks(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), o => o.SecretRotationWindow = TimeSpan.Zero));
        var store = hub.Provider.GetRequiredService<WebhookStore>();
        var created = await store.CreateSubscriptionAsync(new Uri("http://127.0.0.1:9/all"), ["*"], "", CancellationToken.None);

        var rotated = (await store.RotateSecretAsync(created.Id, CancellationToken.None))!;

        rotated.PreviousSecretExpiresAt.ShouldBeNull();
        var read = (await store.GetSubscriptionAsync(created.Id, CancellationToken.None))!;
        (read.Secret, read.PreviousSecret).ShouldBe((rotated.Secret, (string?)null));
    }

    private static HubServices Services(IHubTestDatabase database) =>
        new(database, TimeProvider.System, settings: new Dictionary<string, string?> { ["Larkway:Webhooks:SenderEnabled"] = "false" },
            services: s => s.AddHubWebhooks(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()));

    private static InboxEventContext Context(long id, Larkway.Feishu.Events.Ingest.FeishuInboundEvent inbound) =>
        FeishuEventContexts.Of(id, inbound.AppName, DateTimeOffset.UtcNow, inbound.Envelope);
}

public sealed class SqliteWebhookStoreTests : WebhookStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresWebhookStoreTests(PostgresCluster cluster) : WebhookStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
