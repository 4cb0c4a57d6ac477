using System.Text;
using System.Text.Json;
using Larkway.Hub.Approvals;
using Larkway.Hub.Platform.Http;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Larkway.Hub.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Approvals;

/// <summary>
/// The approval store on a real database of each provider: idempotent creation, snapshots applied once and in order with
/// their callbacks in the webhook outbox, concurrent appliers, reconciliation's due list.
/// </summary>
public abstract class ApprovalStoreTests
{
    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task One_approval_per_caller_and_key_whatever_the_race_and_a_different_request_under_the_key_is_told_apart()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database, TimeProvider.System);
        var store = hub.Provider.GetRequiredService<ApprovalStore>();
        var request = Request("k1", """{"reason":"offsite"}""");

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.CreateAsync(request, "key_a", new ApprovalApplicant("feishu", "ou_alice", null), "inline", CancellationToken.None)));

        results.Count(r => r.Status == ApprovalCreateStatus.Created).ShouldBe(1);
        results.Select(r => r.Approval.Id).Distinct().Count().ShouldBe(1);
        var created = results.Single(r => r.Status == ApprovalCreateStatus.Created).Approval;
        created.Status.ShouldBe(ApprovalState.Submitting);
        created.Uuid.ShouldBe(ApprovalStore.UuidOf(created.Id));

        (await store.FindExistingAsync(Request("k1", """{"reason":"other"}"""), "key_a", CancellationToken.None))!.Status.ShouldBe(ApprovalCreateStatus.KeyReused);
        (await store.CreateAsync(request, "key_b", new ApprovalApplicant("feishu", "ou_alice", null), "inline", CancellationToken.None)).Status.ShouldBe(ApprovalCreateStatus.Created);
    }

    [Fact]
    public async Task Snapshots_are_applied_once_in_order_with_one_callback_each_and_never_regress()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database, TimeProvider.System);
        var store = hub.Provider.GetRequiredService<ApprovalStore>();
        var webhooks = hub.Provider.GetRequiredService<WebhookStore>();
        var all = await webhooks.CreateSubscriptionAsync(new Uri("http://127.0.0.1:9/approvals"), ["larkway.approval.*"], "", CancellationToken.None);
        var tasksOnly = await webhooks.CreateSubscriptionAsync(new Uri("http://127.0.0.1:9/decisions"), ["larkway.approval.approved"], "", CancellationToken.None);
        var id = (await store.CreateAsync(Request("k1", "{}"), "key_a", new ApprovalApplicant("feishu", "ou_alice", null), "inline", CancellationToken.None)).Approval.Id;

        (await store.MarkCreatedAsync(id, "inst_1", "api", CancellationToken.None))!.Added.Single().EventType.ShouldBe("larkway.approval.submitted");
        (await store.MarkCreatedAsync(id, "inst_1", "api", CancellationToken.None))!.Added.ShouldBeEmpty();
        var pending = new ApprovalSnapshot("PENDING", false, [new("t1", "ou_bob", "PENDING", "n1", "Manager")]);
        var approved = new ApprovalSnapshot("APPROVED", false, [new("t1", "ou_bob", "APPROVED", "n1", "Manager", "Looks right", DateTimeOffset.UnixEpoch)]);

        (await store.ApplyAsync(id, pending, "event", CancellationToken.None))!.Added.Select(t => t.EventType).ShouldBe(["larkway.approval.task_pending"]);

        // The same outcome from an event and reconciliation at once: recorded once.
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => store.ApplyAsync(id, approved, i % 2 == 0 ? "event" : "reconcile", CancellationToken.None)));
        concurrent.Sum(c => c!.Added.Count).ShouldBe(2);

        // A duplicate and an older snapshot arriving late change nothing.
        (await store.ApplyAsync(id, approved, "event", CancellationToken.None))!.Added.ShouldBeEmpty();
        var late = await store.ApplyAsync(id, pending, "event", CancellationToken.None);
        late!.Added.ShouldBeEmpty();
        late.Approval.Status.ShouldBe(ApprovalState.Approved);

        var (approval, history) = (await store.GetAsync(id, CancellationToken.None))!.Value;
        approval.Status.ShouldBe(ApprovalState.Approved);
        approval.InstanceCode.ShouldBe("inst_1");
        // Approved is not final (Feishu may revert or delete it): read again later, inside the revert window.
        approval.EndedAt.ShouldNotBeNull();
        approval.NextSyncAt.ShouldNotBeNull().ShouldBeGreaterThan(approval.SyncedAt!.Value);
        history.Select(t => t.Sequence).ShouldBe([1, 2, 3, 4]);
        history.Select(t => t.EventType).ShouldBe(["larkway.approval.submitted", "larkway.approval.task_pending", "larkway.approval.task_approved", "larkway.approval.approved"]);
        history[3].OperatorUserId.ShouldBe("ou_bob");
        history[3].Comment.ShouldBe("Looks right");

        // One delivery per transition and matching subscription, written with it.
        var deliveries = await webhooks.ListDeliveriesAsync(all.Id, null, 100, CancellationToken.None);
        deliveries.Select(d => d.EventId).Order(StringComparer.Ordinal).ShouldBe(new[] { 1, 2, 3, 4 }.Select(n => $"{id}.{n}"));
        deliveries.ShouldAllBe(d => d.InboxEventId == null);
        var decision = (await webhooks.ListDeliveriesAsync(tasksOnly.Id, null, 100, CancellationToken.None)).Single();
        using var payload = JsonDocument.Parse(decision.Payload);
        payload.RootElement.GetProperty("type").GetString().ShouldBe("larkway.approval.approved");
        payload.RootElement.GetProperty("approval").GetProperty("reference").GetString().ShouldBe("PO-1");
        payload.RootElement.GetProperty("approval").GetProperty("sequence").GetInt32().ShouldBe(4);
        payload.RootElement.GetProperty("platform").GetString().ShouldBe("feishu");
        var operatorOf = payload.RootElement.GetProperty("transition").GetProperty("operator");
        (operatorOf.GetProperty("platform").GetString(), operatorOf.GetProperty("user_id").GetString()).ShouldBe(("feishu", "ou_bob"));
    }

    [Fact]
    public async Task A_failed_create_is_final_and_reconciliation_reads_open_approvals_once_their_sync_is_due()
    {
        await using var database = await CreateDatabaseAsync();
        var time = new ManualTimeProvider(DateTimeOffset.Parse("2026-11-22T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var hub = Services(database, time);
        var store = hub.Provider.GetRequiredService<ApprovalStore>();
        var failed = (await store.CreateAsync(Request("k1", "{}"), "key_a", new ApprovalApplicant("feishu", null, null), "inline", CancellationToken.None)).Approval.Id;
        var open = (await store.CreateAsync(Request("k2", "{}"), "key_a", new ApprovalApplicant("feishu", null, null), "inline", CancellationToken.None)).Approval.Id;

        var result = await store.MarkFailedAsync(failed, PlatformFailure.Numbered("feishu", 1390002, "approval code not found", "log-1"), "api", CancellationToken.None);
        result!.Approval.Status.ShouldBe(ApprovalState.Failed);
        result.Added.Single().EventType.ShouldBe("larkway.approval.failed");
        (await store.MarkCreatedAsync(failed, "inst_x", "api", CancellationToken.None))!.Added.ShouldBeEmpty();
        (await store.ApplyAsync(failed, new ApprovalSnapshot("APPROVED", false, []), "event", CancellationToken.None))!.Added.ShouldBeEmpty();

        await store.MarkCreatedAsync(open, "inst_2", "api", CancellationToken.None);
        (await store.DueForSyncAsync(10, CancellationToken.None)).ShouldBeEmpty();
        time.Advance(TimeSpan.FromMinutes(11));
        (await store.DueForSyncAsync(10, CancellationToken.None)).Single().Id.ShouldBe(open);
        await store.ApplyAsync(open, new ApprovalSnapshot("PENDING", false, []), "reconcile", CancellationToken.None);
        (await store.DueForSyncAsync(10, CancellationToken.None)).ShouldBeEmpty();

        // The submitter's claim: due only after the caller's own attempt had its time, and then to one claimer.
        var third = (await store.CreateAsync(Request("k3", "{}"), "key_a", new ApprovalApplicant("feishu", null, null), "inline", CancellationToken.None)).Approval.Id;
        var submissions = new EfWorkQueue<WorkItemRow>(
            ApprovalSubmissions.QueueName, hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>(), hub.Provider.GetRequiredService<IHubStorageProvider>(), time,
            new QueueScope(nameof(WorkItemRow.Queue), ApprovalSubmissions.QueueName));
        (await submissions.ClaimAsync("worker", 10, TimeSpan.FromMinutes(1), CancellationToken.None)).ShouldNotContain(c => c.Key == third);
        time.Advance(TimeSpan.FromMinutes(2));
        var claims = await Task.WhenAll(
            submissions.ClaimAsync("a", 10, TimeSpan.FromMinutes(1), CancellationToken.None),
            submissions.ClaimAsync("b", 10, TimeSpan.FromMinutes(1), CancellationToken.None));
        var claimed = claims.SelectMany(c => c).Where(c => c.Key == third).ShouldHaveSingleItem();
        claimed.Attempts.ShouldBe(2);
    }

    [Fact]
    public async Task An_instance_is_claimed_by_one_approval_whatever_the_race_and_per_app()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database, TimeProvider.System);
        var store = hub.Provider.GetRequiredService<ApprovalStore>();
        async Task<string> SubmittingAsync(string key, string? app = null) =>
            (await store.CreateAsync(Request(key, "{}", app), "key_a", new ApprovalApplicant("wecom", "alice", null), "inline", CancellationToken.None)).Approval.Id;
        var twins = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => SubmittingAsync($"twin{i}")));

        // Identical approvals whose searches found the same instance at once: one takes it, and only that one records it.
        var claims = await Task.WhenAll(twins.Select(id => store.ClaimInstanceAsync(id, "202611300001", CancellationToken.None)));
        claims.Count(c => c).ShouldBe(1);
        var winner = twins[Array.IndexOf(claims, true)];
        (await store.MarkCreatedAsync(winner, "202611300001", "api", CancellationToken.None))!.Approval.InstanceCode.ShouldBe("202611300001");
        (await store.FindByInstanceAsync(null, "202611300001", CancellationToken.None))!.Id.ShouldBe(winner);
        foreach (var loser in twins.Where(id => id != winner))
        {
            (await store.FindAsync(loser, CancellationToken.None))!.InstanceCode.ShouldBeNull();
            (await store.ClaimInstanceAsync(loser, "202611300002", CancellationToken.None)).ShouldBe(loser == twins.First(id => id != winner));
        }

        // The same number in another app (WeCom numbers its approvals per company) is another instance.
        var other = await SubmittingAsync("other", "wecom-two");
        (await store.ClaimInstanceAsync(other, "202611300001", CancellationToken.None)).ShouldBeTrue();
        (await store.FindByInstanceAsync("wecom-two", "202611300001", CancellationToken.None))!.Id.ShouldBe(other);
        var third = await SubmittingAsync("third", "wecom-two");
        (await store.ClaimInstanceAsync(third, "202611300001", CancellationToken.None)).ShouldBeFalse();
    }

    private static HubServices Services(IHubTestDatabase database, TimeProvider time) =>
        new(database, time, settings: new Dictionary<string, string?> { ["Larkway:Webhooks:SenderEnabled"] = "false" },
            services: s =>
            {
                s.AddHubWebhooks(new ConfigurationBuilder().Build());
                s.AddOptions<ApprovalOptions>();
                s.AddSingleton<ApprovalStore>();
            });

    private static ApprovalRequest Request(string key, string form, string? app = null)
    {
        var problems = new List<ApprovalProblem>();
        var named = app is null ? "" : $"\"app\":\"{app}\",";
        var json = $$"""{{{named}}"approval_code":"CODE-1","applicant":{"open_id":"ou_alice"},"form":{{form}},"reference":"PO-1","idempotency_key":"{{key}}"}""";
        return ApprovalRequest.Parse(Encoding.UTF8.GetBytes(json), null, problems) ?? throw new InvalidOperationException(string.Join("; ", problems));
    }
}

public sealed class SqliteApprovalStoreTests : ApprovalStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresApprovalStoreTests(PostgresCluster cluster) : ApprovalStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
