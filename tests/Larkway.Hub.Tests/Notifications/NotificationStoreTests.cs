using System.Text;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Http;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Notifications;

/// <summary>The notifications outbox on every provider: idempotent creation and exclusive claiming across replicas.</summary>
public abstract class NotificationStoreTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly ManualTimeProvider _time = new();
    private IHubTestDatabase _db = null!;

    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => _db = await CreateDatabaseAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task The_same_key_sent_at_once_to_two_replicas_makes_one_notification()
    {
        await using var a = Replica();
        await using var b = Replica();
        var request = Request("po-1", "ou_1", "ou_2");

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).CreateAsync("key_erp", request))));

        results.Count(r => r.Status == NotificationCreateStatus.Created).ShouldBe(1);
        results.Select(r => r.Id).Distinct().ShouldHaveSingleItem();
        results.Where(r => r.Status != NotificationCreateStatus.Created).ShouldAllBe(r => r.Status == NotificationCreateStatus.Existing);
        (await a.GetAsync(results[0].Id))!.Value.Deliveries.Count.ShouldBe(2);

        (await b.CreateAsync("key_erp", Request("po-1", "ou_3"))).Status.ShouldBe(NotificationCreateStatus.KeyReused);
        (await b.CreateAsync("key_crm", request)).Status.ShouldBe(NotificationCreateStatus.Created);
    }

    [Fact]
    public async Task Two_replicas_claiming_at_once_never_hold_the_same_delivery()
    {
        await using var a = Replica();
        await using var b = Replica();
        for (var i = 0; i < 10; i++)
        {
            await a.CreateAsync("key_erp", Request($"n-{i}", "ou_1", "ou_2", "ou_3"));
        }

        var claimed = new List<long>();
        for (var round = 0; round < 10; round++)
        {
            var both = await Task.WhenAll(Task.Run(() => a.ClaimAsync("a", 4, Lease)), Task.Run(() => b.ClaimAsync("b", 4, Lease)));
            claimed.AddRange(both.SelectMany(batch => batch.Select(c => c.Id)));
        }

        claimed.Count.ShouldBe(30);
        claimed.Distinct().Count().ShouldBe(30);
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_and_the_old_holder_can_no_longer_record_an_outcome()
    {
        await using var a = Replica();
        var created = await a.CreateAsync("key_erp", Request("n-1", "ou_1"));
        var first = (await a.ClaimAsync("a", 10, Lease)).ShouldHaveSingleItem();
        (await a.ClaimAsync("b", 10, Lease)).ShouldBeEmpty();

        _time.Advance(Lease + TimeSpan.FromSeconds(1));
        var second = (await a.ClaimAsync("b", 10, Lease)).ShouldHaveSingleItem();
        second.Id.ShouldBe(first.Id);
        second.Attempts.ShouldBe(2);

        (await a.MarkSentAsync(first.Id, "a", "om_late")).ShouldBeFalse();
        (await a.MarkFailedAsync(second.Id, "b", "Bot is not in the chat", "log-1")).ShouldBeTrue();
        var failed = (await a.GetAsync(created.Id))!.Value.Deliveries.Single();
        failed.State.ShouldBe(WorkState.DeadLetter);
        failed.LogId.ShouldBe("log-1");
        failed.LastError.ShouldBe("Bot is not in the chat");

        (await a.RetryFailedAsync(created.Id)).ShouldBe(1);
        var again = (await a.ClaimAsync("c", 10, Lease)).ShouldHaveSingleItem();
        again.Attempts.ShouldBe(1);
        again.Uuid.ShouldBe(first.Uuid);
        (await a.MarkSentAsync(again.Id, "c", "om_1")).ShouldBeTrue();
        (await a.GetAsync(created.Id))!.Value.Deliveries.Single().MessageId.ShouldBe("om_1");
    }

    [Fact]
    public async Task A_click_delivered_twice_at_once_is_recorded_once_with_its_decision()
    {
        await using var a = Replica();
        await using var b = Replica();
        var created = await a.CreateAsync("key_erp", Request("n-1", "ou_1"));

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).RecordActionAsync(Click(created.Id, "evt-1", "approved")))));
        (await a.RecordActionAsync(Click(created.Id, "evt-2", decision: null))).ShouldBeTrue();

        results.Count(recorded => recorded).ShouldBe(1);
        var actions = await b.ListActionsAsync(created.Id);
        actions.Select(x => x.EventKey).ShouldBe(["evt-1", "evt-2"]);
        actions[0].FormValues.ShouldBe("""{"comment":"ok"}""");
        (await a.GetAsync(created.Id))!.Value.Notification.Decision.ShouldBe("approved");
    }

    private NotificationActionRow Click(string notificationId, string eventKey, string? decision) => new()
    {
        NotificationId = notificationId,
        EventKey = eventKey,
        Action = decision is null ? "comment" : "approve",
        Known = true,
        OperatorOpenId = "ou_1",
        FormValues = """{"comment":"ok"}""",
        Decision = decision,
        At = _time.GetUtcNow(),
    };

    private static NotificationRequest Request(string key, params string[] openIds)
    {
        var recipients = string.Join(",", openIds.Select(id => $"{{\"open_id\":\"{id}\"}}"));
        var json = $$"""{"type":"po.created","idempotency_key":"{{key}}","feishu_template":{"template_id":"AAq1"},"recipients":[{{recipients}}]}""";
        var problems = new List<NotificationProblem>();
        return NotificationRequest.Parse(Encoding.UTF8.GetBytes(json), null, problems) ?? throw new InvalidOperationException(string.Join("; ", problems));
    }

    private Store Replica() => new(new HubServices(_db, _time, services: s =>
    {
        s.AddFeishu(o =>
        {
            o.AppId = "cli_test";
            o.AppSecret = "secret";
        });
        s.AddHubApps(new ConfigurationBuilder().Build());
        s.AddHubFeishuClients();
        s.AddHubNotifications(new ConfigurationBuilder().Build(), o => o.SenderEnabled = false);
    }));

    /// <summary>One replica's store, with its services.</summary>
    private sealed class Store(HubServices services) : IAsyncDisposable
    {
        private readonly NotificationStore _store = services.Provider.GetRequiredService<NotificationStore>();
        private readonly IWorkQueue<NotificationDeliveryRow> _queue = services.Provider.GetRequiredService<IWorkQueue<NotificationDeliveryRow>>();

        public Task<NotificationCreateResult> CreateAsync(string caller, NotificationRequest request) => _store.CreateAsync(caller, request, CancellationToken.None);

        public Task<IReadOnlyList<NotificationDeliveryRow>> ClaimAsync(string owner, int batch, TimeSpan lease) => _queue.ClaimAsync(owner, batch, lease, CancellationToken.None);

        public Task<bool> MarkSentAsync(long id, string owner, string messageId) =>
            _queue.RecordAsync(id, owner, WorkOutcome<NotificationDeliveryRow>.Done(s => s.SetProperty(d => d.MessageId, messageId)), CancellationToken.None);

        public Task<bool> MarkFailedAsync(long id, string owner, string message, string? logId) =>
            _queue.RecordAsync(id, owner, WorkOutcome<NotificationDeliveryRow>.DeadLetter(message, s => s.SetProperty(d => d.LogId, logId)), CancellationToken.None);

        public Task<int> RetryFailedAsync(string id) => _store.RetryFailedAsync(id, CancellationToken.None);

        public Task<bool> RecordActionAsync(NotificationActionRow action) => _store.RecordActionAsync(action, CancellationToken.None);

        public Task<IReadOnlyList<NotificationActionRow>> ListActionsAsync(string id) => _store.ListActionsAsync(id, CancellationToken.None);

        public Task<(NotificationRow Notification, IReadOnlyList<NotificationDeliveryRow> Deliveries)?> GetAsync(string id) => _store.GetAsync(id, CancellationToken.None);

        public ValueTask DisposeAsync() => services.DisposeAsync();
    }
}

public sealed class SqliteNotificationStoreTests : NotificationStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresNotificationStoreTests(PostgresCluster cluster) : NotificationStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
