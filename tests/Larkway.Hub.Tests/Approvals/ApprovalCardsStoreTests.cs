using System.Text;
using Larkway.Hub.Approvals;
using Larkway.Hub.Approvals.Cards;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Approvals;

/// <summary>
/// Approval cards on a real database of each provider: one card per pending task however many appliers refresh at once,
/// cards re-rendered once per state, reminders due by age and interval, counted once per number under races, and never
/// for a decided task.
/// </summary>
public abstract class ApprovalCardsStoreTests
{
    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task Concurrent_refreshes_queue_one_card_per_pending_task_and_a_decision_re_renders_it_once()
    {
        await using var database = await CreateDatabaseAsync();
        var time = new ManualTimeProvider();
        await using var hub = Services(database, time);
        var (store, cards, notifications) = (hub.Provider.GetRequiredService<ApprovalStore>(), hub.Provider.GetRequiredService<ApprovalCards>(), hub.Provider.GetRequiredService<NotificationStore>());
        var approval = await PendingAsync(store, "k1", ("t1", "ou_bob", "PENDING"), ("t2", "ou_carol", "PENDING"));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => cards.RefreshAsync(approval, CancellationToken.None)));

        var bob = (await cards.FindAsync(approval.Id, "t1", CancellationToken.None)).ShouldNotBeNull();
        var carol = (await cards.FindAsync(approval.Id, "t2", CancellationToken.None)).ShouldNotBeNull();
        bob.NotificationId.ShouldNotBe(carol.NotificationId);
        var (notification, deliveries) = (await notifications.GetAsync(bob.NotificationId, CancellationToken.None))!.Value;
        notification.Type.ShouldBe(ApprovalCards.TaskType);
        deliveries.Single().Recipient.ShouldBe("ou_bob");
        notification.Content.ShouldContain(ApprovalCardRenderer.ApproveAction);

        // Bob approves: his card is re-rendered (version 2) without buttons; refreshing again changes nothing more.
        var decided = (await store.ApplyAsync(approval.Id, Snapshot("PENDING", ("t1", "ou_bob", "APPROVED"), ("t2", "ou_carol", "PENDING")), "card", CancellationToken.None))!.Approval;
        await cards.RefreshAsync(decided, CancellationToken.None);
        await cards.RefreshAsync(decided, CancellationToken.None);
        var after = (await notifications.GetAsync(bob.NotificationId, CancellationToken.None))!.Value.Notification;
        after.Version.ShouldBe(2);
        after.Content.ShouldNotContain(ApprovalCardRenderer.ApproveAction);
        after.Content.ShouldContain("Approved by you");
        (await notifications.GetAsync(carol.NotificationId, CancellationToken.None))!.Value.Notification.Version.ShouldBe(1);
    }

    [Fact]
    public async Task Reminders_are_due_by_age_and_interval_counted_once_under_races_capped_and_stop_after_a_decision()
    {
        await using var database = await CreateDatabaseAsync();
        var time = new ManualTimeProvider();
        await using var hub = Services(database, time);
        var (store, cards) = (hub.Provider.GetRequiredService<ApprovalStore>(), hub.Provider.GetRequiredService<ApprovalCards>());
        var approval = await PendingAsync(store, "k2", ("t1", "ou_bob", "PENDING"), ("t2", "ou_carol", "PENDING"));
        await cards.RefreshAsync(approval, CancellationToken.None);

        (await cards.DueForReminderAsync(10, CancellationToken.None)).ShouldBeEmpty();
        time.Advance(TimeSpan.FromHours(4));
        var due = await cards.DueForReminderAsync(10, CancellationToken.None);
        due.Select(c => c.TaskId).Order(StringComparer.Ordinal).ShouldBe(["t1", "t2"]);

        // Two replicas holding the same due row: one counts and queues it.
        var bobs = due.Single(c => c.TaskId == "t1");
        var raced = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => cards.RemindAsync(bobs, approval, CancellationToken.None)));
        raced.Count(r => r).ShouldBe(1);
        (await cards.DueForReminderAsync(10, CancellationToken.None)).Select(c => c.TaskId).ShouldBe(["t2"]);

        // Bob decides; only Carol is reminded from now on, up to MaxReminders (3).
        var decided = (await store.ApplyAsync(approval.Id, Snapshot("PENDING", ("t1", "ou_bob", "APPROVED"), ("t2", "ou_carol", "PENDING")), "event", CancellationToken.None))!.Approval;
        await cards.RefreshAsync(decided, CancellationToken.None);
        for (var round = 0; round < 5; round++)
        {
            foreach (var card in await cards.DueForReminderAsync(10, CancellationToken.None))
            {
                card.TaskId.ShouldBe("t2");
                (await cards.RemindAsync(card, decided, CancellationToken.None)).ShouldBeTrue();
            }

            time.Advance(TimeSpan.FromDays(1));
        }

        (await cards.FindAsync(approval.Id, "t1", CancellationToken.None))!.Reminders.ShouldBe(1);
        (await cards.FindAsync(approval.Id, "t2", CancellationToken.None))!.Reminders.ShouldBe(3);
        (await cards.DueForReminderAsync(10, CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_outcome_commits_with_its_card_refresh_due_and_a_fresh_hub_over_the_same_database_re_renders_the_payment_card_once()
    {
        await using var database = await CreateDatabaseAsync();
        var time = new ManualTimeProvider();
        string approvalId, notificationId;
        await using (var first = Services(database, time))
        {
            var (store, cards, notifications) = (first.Provider.GetRequiredService<ApprovalStore>(), first.Provider.GetRequiredService<ApprovalCards>(), first.Provider.GetRequiredService<NotificationStore>());
            notificationId = await PaymentNotificationAsync(first);
            var approval = await PendingAsync(store, "k3", notificationId, ("t1", "ou_bob", "PENDING"));
            approvalId = approval.Id;
            await cards.RefreshAsync(approval, CancellationToken.None);
            (await store.FindAsync(approvalId, CancellationToken.None))!.CardsDue.ShouldBeFalse();

            // The outcome commits; the Hub stops before the cards show it (a crash between the two).
            var applied = (await store.ApplyAsync(approvalId, Snapshot("APPROVED", ("t1", "ou_bob", "APPROVED")), "event", CancellationToken.None))!.Approval;
            applied.Status.ShouldBe(ApprovalState.Approved);
            var stored = (await store.FindAsync(approvalId, CancellationToken.None))!;
            (stored.Status, stored.CardsDue).ShouldBe((ApprovalState.Approved, true));
            (await notifications.GetAsync(notificationId, CancellationToken.None))!.Value.Notification.Content.ShouldNotContain("Payment approved");
        }

        await using var second = Services(database, time);
        var (store2, cards2, notifications2) = (second.Provider.GetRequiredService<ApprovalStore>(), second.Provider.GetRequiredService<ApprovalCards>(), second.Provider.GetRequiredService<NotificationStore>());

        // Left alone for SyncAge (the applier's own refresh may still be running), then due for reconciliation.
        (await store2.DueForCardRefreshAsync(10, CancellationToken.None)).ShouldBeEmpty();
        time.Advance(new ApprovalOptions().SyncAge);
        var due = await store2.DueForCardRefreshAsync(10, CancellationToken.None);
        due.Select(a => a.Id).ShouldBe([approvalId]);
        await cards2.RefreshAsync(due[0], CancellationToken.None);
        var payment = (await notifications2.GetAsync(notificationId, CancellationToken.None))!.Value.Notification;
        payment.Content.ShouldContain("Payment approved");
        payment.Version.ShouldBe(2);

        // Refreshing again from the same stale row (two reconcilers, or a crash before the marker was cleared) shows the
        // same card; from the row as it is now, nothing is re-rendered.
        await cards2.RefreshAsync(due[0], CancellationToken.None);
        (await notifications2.GetAsync(notificationId, CancellationToken.None))!.Value.Notification.Content.ShouldBe(payment.Content);
        var version = (await notifications2.GetAsync(notificationId, CancellationToken.None))!.Value.Notification.Version;
        await cards2.RefreshAsync((await store2.FindAsync(approvalId, CancellationToken.None))!, CancellationToken.None);
        (await notifications2.GetAsync(notificationId, CancellationToken.None))!.Value.Notification.Version.ShouldBe(version);
        var bob = (await cards2.FindAsync(approvalId, "t1", CancellationToken.None))!;
        (await notifications2.GetAsync(bob.NotificationId, CancellationToken.None))!.Value.Notification.Content.ShouldContain("Approved by you");
        var finished = (await store2.FindAsync(approvalId, CancellationToken.None))!;
        (finished.CardsDue, finished.CardsShowStatus).ShouldBe((false, "approved"));
        (await store2.DueForCardRefreshAsync(10, CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Ended_approvals_are_read_again_for_a_revert_backing_off_within_the_window_and_final_ones_never()
    {
        await using var database = await CreateDatabaseAsync();
        var time = new ManualTimeProvider();
        await using var hub = Services(database, time);
        var store = hub.Provider.GetRequiredService<ApprovalStore>();
        var approved = await PendingAsync(store, "k4", null, ("t1", "ou_bob", "PENDING"));
        var canceled = await PendingAsync(store, "k5", null, ("t1", "ou_bob", "PENDING"));
        await store.ApplyAsync(approved.Id, Snapshot("APPROVED", ("t1", "ou_bob", "APPROVED")), "event", CancellationToken.None);
        await store.ApplyAsync(canceled.Id, Snapshot("CANCELED", ("t1", "ou_bob", "DONE")), "event", CancellationToken.None);
        var options = new ApprovalOptions();

        (await store.DueForRevertCheckAsync(10, CancellationToken.None)).ShouldBeEmpty();
        (await store.DueForSyncAsync(10, CancellationToken.None)).ShouldBeEmpty();

        // Read after SyncAge, then after waits as long as the time since it ended (about doubling), up to MaxRevertSyncAge,
        // nothing due in between; a last read when the window closes, then never again.
        var waits = new List<TimeSpan>();
        var next = (await store.FindAsync(approved.Id, CancellationToken.None))!.NextSyncAt;
        while (next is { } at)
        {
            waits.Add(at - time.GetUtcNow());
            time.Advance(at - time.GetUtcNow() - TimeSpan.FromSeconds(1));
            (await store.DueForRevertCheckAsync(10, CancellationToken.None)).ShouldBeEmpty();
            time.Advance(TimeSpan.FromSeconds(1));
            (await store.DueForRevertCheckAsync(10, CancellationToken.None)).Select(a => a.Id).ShouldBe([approved.Id]);
            next = (await store.ApplyAsync(approved.Id, Snapshot("APPROVED", ("t1", "ou_bob", "APPROVED")), "reconcile", CancellationToken.None))!.Approval.NextSyncAt;
            waits.Count.ShouldBeLessThan(100);
        }

        waits.Take(4).ShouldBe([options.SyncAge, options.SyncAge, options.SyncAge * 2, options.SyncAge * 4]);
        waits.Max().ShouldBe(options.MaxRevertSyncAge);
        waits.Count.ShouldBeInRange(31, 45);
        time.Advance(TimeSpan.FromDays(30));
        (await store.DueForRevertCheckAsync(10, CancellationToken.None)).ShouldBeEmpty();
        var ended = (await store.FindAsync(approved.Id, CancellationToken.None))!;
        ended.NextSyncAt.ShouldBeNull();
        (ended.EndedAt!.Value + options.RevertWindow).ShouldBeLessThanOrEqualTo(ended.SyncedAt!.Value);
        (await store.FindAsync(canceled.Id, CancellationToken.None))!.NextSyncAt.ShouldBeNull();
    }

    private static async Task<string> PaymentNotificationAsync(HubServices hub)
    {
        await hub.Provider.GetRequiredService<NotificationTypeStore>().LoadPackOnceAsync(CancellationToken.None);
        const string data = """{"invoice":{"number":"INV-88","supplier":"ACME","amount":"¥ 47,520.00","amount_value":"47520.00","currency":"CNY","due_date":"2026-12-15"},"po":{"number":"PO-4711"},"finance":{"email":"bob@example.com"}}""";
        var request = new NotificationRequest("payment.pending", "pay-inv-88", NotificationRequest.FromType, "", [], "hash-inv-88") { Data = data };
        var composed = await hub.Provider.GetRequiredService<NotificationComposer>().ComposeAsync(request, forUpdate: false, CancellationToken.None);
        var rendered = composed.Request.ShouldNotBeNull(string.Join("; ", composed.Problems));
        return (await hub.Provider.GetRequiredService<NotificationStore>().CreateAsync("key_erp", rendered, CancellationToken.None)).Id;
    }

    private static Task<ApprovalRow> PendingAsync(ApprovalStore store, string key, params (string Id, string OpenId, string Status)[] tasks) =>
        PendingAsync(store, key, null, tasks);

    private static async Task<ApprovalRow> PendingAsync(ApprovalStore store, string key, string? notificationId, params (string Id, string OpenId, string Status)[] tasks)
    {
        var problems = new List<ApprovalProblem>();
        var json = $$"""{"approval_code":"CODE-1","applicant":{"open_id":"ou_alice"},"form":{"reason":"offsite"},"title":"Offsite","reference":"PO-1","idempotency_key":"{{key}}"}""";
        var request = (ApprovalRequest.Parse(Encoding.UTF8.GetBytes(json), null, problems) ?? throw new InvalidOperationException(string.Join("; ", problems))) with { NotificationId = notificationId };
        var id = (await store.CreateAsync(request, "key_a", "ou_alice", "inline", CancellationToken.None)).Approval.Id;
        await store.MarkCreatedAsync(id, "inst_" + key, "api", CancellationToken.None);
        return (await store.ApplyAsync(id, Snapshot("PENDING", tasks), "api", CancellationToken.None))!.Approval;
    }

    private static ApprovalSnapshot Snapshot(string status, params (string Id, string UserId, string Status)[] tasks) =>
        new(status, false, [.. tasks.Select(t => new ApprovalTaskSnapshot(t.Id, t.UserId, t.Status, "n1", "Node"))]);

    private static HubServices Services(IHubTestDatabase database, TimeProvider time) =>
        new(database, time, settings: new Dictionary<string, string?> { ["Larkway:Webhooks:SenderEnabled"] = "false" },
            services: s =>
            {
                s.AddHubWebhooks(new ConfigurationBuilder().Build());
                s.AddOptions<ApprovalOptions>();
                s.AddSingleton<ApprovalStore>();
                s.AddHubQueues();
                s.AddKeyedSingleton<IWorkQueue<NotificationDeliveryRow>>(NotificationQueue.Name, (sp, _) => new EfWorkQueue<NotificationDeliveryRow>(
                    NotificationQueue.Name, sp.GetRequiredService<IDbContextFactory<HubDbContext>>(), sp.GetRequiredService<IHubStorageProvider>(), sp.GetRequiredService<TimeProvider>()));
                s.AddSingleton<NotificationStore>();
                s.AddSingleton<NotificationTypeStore>();
                s.AddSingleton<Larkway.Hub.Platform.Observability.CardTelemetry>();
                s.AddSingleton<NotificationComposer>();
                s.AddSingleton<ApprovalCards>();
            });
}

public sealed class SqliteApprovalCardsStoreTests : ApprovalCardsStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresApprovalCardsStoreTests(PostgresCluster cluster) : ApprovalCardsStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
