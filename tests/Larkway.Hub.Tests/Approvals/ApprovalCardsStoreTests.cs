using System.Text;
using Larkway.Hub.Approvals;
using Larkway.Hub.Approvals.Cards;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Tests.TestSupport;
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

    private static async Task<ApprovalRow> PendingAsync(ApprovalStore store, string key, params (string Id, string OpenId, string Status)[] tasks)
    {
        var problems = new List<ApprovalProblem>();
        var json = $$"""{"approval_code":"CODE-1","applicant":{"open_id":"ou_alice"},"form":{"reason":"offsite"},"title":"Offsite","reference":"PO-1","idempotency_key":"{{key}}"}""";
        var request = ApprovalRequest.Parse(Encoding.UTF8.GetBytes(json), null, problems) ?? throw new InvalidOperationException(string.Join("; ", problems));
        var id = (await store.CreateAsync(request, "key_a", "ou_alice", CancellationToken.None)).Approval.Id;
        await store.MarkCreatedAsync(id, "inst_" + key, "api", CancellationToken.None);
        return (await store.ApplyAsync(id, Snapshot("PENDING", tasks), "api", CancellationToken.None))!.Approval;
    }

    private static ApprovalSnapshot Snapshot(string status, params (string Id, string OpenId, string Status)[] tasks) =>
        new(status, false, [.. tasks.Select(t => new ApprovalTaskSnapshot(t.Id, t.OpenId, t.Status, "n1", "Node"))]);

    private static HubServices Services(IHubTestDatabase database, TimeProvider time) =>
        new(database, time, settings: new Dictionary<string, string?> { ["Larkway:Webhooks:SenderEnabled"] = "false" },
            services: s =>
            {
                s.AddHubWebhooks(new ConfigurationBuilder().Build());
                s.AddOptions<ApprovalOptions>();
                s.AddSingleton<ApprovalSignal>();
                s.AddSingleton<ApprovalStore>();
                s.AddSingleton<NotificationSignal>();
                s.AddSingleton<NotificationStore>();
                s.AddSingleton<NotificationTypeStore>();
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
