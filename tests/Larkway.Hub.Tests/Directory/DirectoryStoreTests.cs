using System.Text;
using System.Text.Json;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Directory;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Larkway.Hub.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Directory;

/// <summary>
/// The directory's writes on both providers: sync pages (a person in several departments written once), contact events
/// through the inbox observer (out of order, duplicated, deleted with old_object, rehired, split mobile/email changes,
/// departments and their paths, scope changes), webhooks queued once per change with stable ids, another app's open_ids linked.
/// </summary>
public abstract class DirectoryStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    private long _inboxId;

    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    [Fact]
    public async Task A_person_listed_in_two_departments_is_written_once_with_both_memberships_and_one_created_webhook()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var store = hub.Provider.GetRequiredService<DirectoryStore>();
        await Subscribe(hub, "directory.*");
        var alice = Alice() with { DepartmentIds = ["od-a", "od-b"] };

        var first = await store.ApplyUsersAsync(Page("od-a"), [alice], CancellationToken.None);
        var second = await store.ApplyUsersAsync(Page("od-b"), [alice], CancellationToken.None);

        (first.Seen, first.Created).ShouldBe((1, 1));
        (second.Seen, second.Created, second.Updated).ShouldBe((0, 0, 0));
        await using var db = await Db(hub);
        (await db.People.CountAsync()).ShouldBe(1);
        (await db.Memberships.Select(m => m.DepartmentId).OrderBy(d => d).ToListAsync()).ShouldBe(["od-a", "od-b"]);
        var delivery = (await db.WebhookDeliveries.ToListAsync()).ShouldHaveSingleItem();
        delivery.EventType.ShouldBe("directory.person.created");
        delivery.EventId.ShouldBe("dirchg_" + (await db.DirectoryChanges.SingleAsync()).Id);
        var body = Encoding.UTF8.GetString(delivery.Payload);
        body.ShouldNotContain("13800000001");
        using var json = JsonDocument.Parse(delivery.Payload);
        json.RootElement.GetProperty("person").GetProperty("mobile").GetString().ShouldBe("+86*******0001");
        json.RootElement.GetProperty("person").GetProperty("open_ids").GetProperty("default").GetString().ShouldBe("ou_alice");
    }

    [Fact]
    public async Task Contact_events_in_any_order_and_twice_end_in_the_newest_state_with_one_change_each()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var observer = Observer(hub);
        await Subscribe(hub, "directory.person.*");

        await Observe(observer, "e1", "contact.user.created_v3", T0, new { @object = UserJson("alice@example.com", "+8613800000001", "Alice") });

        // The email change (later) arrives before the mobile change (earlier); then the mobile change twice.
        var emailChange = new { @object = UserJson("alice@new.example", "+8613800000002", "Alice"), old_object = new { email = "alice@example.com" } };
        var mobileChange = new { @object = UserJson("alice@example.com", "+8613800000002", "Alice"), old_object = new { mobile = "+8613800000001" } };
        await Observe(observer, "e3", "contact.user.updated_v3", T0.AddMinutes(2), emailChange);
        await Observe(observer, "e2", "contact.user.updated_v3", T0.AddMinutes(1), mobileChange);
        await Observe(observer, "e2", "contact.user.updated_v3", T0.AddMinutes(1), mobileChange);

        await using var db = await Db(hub);
        var person = await db.People.SingleAsync();
        person.Email.ShouldBe("alice@new.example");
        person.Mobile.ShouldBe("+8613800000002");
        (await db.DirectoryChanges.OrderBy(c => c.Id).Select(c => c.Kind).ToListAsync()).ShouldBe([DirectoryChangeKind.Created, DirectoryChangeKind.Updated]);
        (await db.WebhookDeliveries.OrderBy(d => d.Id).Select(d => d.EventType).ToListAsync()).ShouldBe(["directory.person.created", "directory.person.updated"]);
    }

    [Fact]
    public async Task A_resignation_deactivates_at_once_with_departments_from_old_object_and_a_rehire_reactivates_the_same_person()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var observer = Observer(hub);
        await Subscribe(hub, "directory.person.*");
        await Observe(observer, "e1", "contact.user.created_v3", T0, new { @object = UserJson("alice@example.com", null, "Alice") });
        var id = (await hub.Provider.GetRequiredService<PeopleStore>().FindByOpenIdAsync("", "ou_alice"))!.Id;

        // deleted_v3: object has no departments; old_object has them.
        await Observe(observer, "e2", "contact.user.deleted_v3", T0.AddDays(1),
            new { @object = new { open_id = "ou_alice", union_id = "on_alice" }, old_object = new { open_id = "ou_alice", department_ids = new[] { "od-sales" } } });
        (await hub.Provider.GetRequiredService<PeopleStore>().FindAsync(id))!.Status.ShouldBe(PersonStatus.Resigned);

        // A late update from before the resignation does not bring her back.
        await Observe(observer, "e0", "contact.user.updated_v3", T0.AddHours(1), new { @object = UserJson("alice@example.com", null, "Alice") with { status = new { is_resigned = false } } });
        (await hub.Provider.GetRequiredService<PeopleStore>().FindAsync(id))!.Status.ShouldBe(PersonStatus.Resigned);

        await using (var before = await Db(hub))
        {
            (await before.Memberships.CountAsync()).ShouldBe(0);
        }

        await Observe(observer, "e3", "contact.user.created_v3", T0.AddDays(40), new { @object = UserJson("alice@example.com", null, "Alice") with { department_ids = ["od-support"] } });

        await using var db = await Db(hub);
        var person = await db.People.SingleAsync();
        person.Id.ShouldBe(id);
        person.Status.ShouldBe(PersonStatus.Active);
        var deactivated = await db.DirectoryChanges.SingleAsync(c => c.Kind == DirectoryChangeKind.Deactivated);
        DirectoryRules.FromJson(deactivated.Fields)["departments"].Old.ShouldBe("od-sales");
        (await db.WebhookDeliveries.OrderBy(d => d.Id).Select(d => d.EventType).ToListAsync())
            .ShouldBe(["directory.person.created", "directory.person.deactivated", "directory.person.reactivated"]);
        (await db.Memberships.Select(m => m.DepartmentId).ToListAsync()).ShouldBe(["od-support"]);
    }

    [Fact]
    public async Task Department_events_keep_paths_and_publish_created_updated_and_deleted()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var observer = Observer(hub);
        await Subscribe(hub, "directory.department.*");
        await Observe(observer, "d1", "contact.department.created_v3", T0, new { @object = new { open_department_id = "od-eng", name = "Engineering", parent_department_id = "0" } });
        await Observe(observer, "d2", "contact.department.created_v3", T0.AddSeconds(1), new { @object = new { open_department_id = "od-plat", name = "Platform", parent_department_id = "od-eng" } });
        await Observe(observer, "d3", "contact.department.updated_v3", T0.AddSeconds(2),
            new { @object = new { open_department_id = "od-eng", name = "R&D", parent_department_id = "0" }, old_object = new { name = "Engineering" } });
        await Observe(observer, "d4", "contact.department.deleted_v3", T0.AddSeconds(3), new { @object = new { open_department_id = "od-plat" } });

        await using var db = await Db(hub);
        var platform = await db.Departments.SingleAsync(d => d.OpenDepartmentId == "od-plat");
        (platform.Path, platform.PathNames, platform.Status).ShouldBe(("od-eng/od-plat", "R&D / Platform", DepartmentStatus.Deleted));
        (await db.WebhookDeliveries.OrderBy(d => d.Id).Select(d => d.EventType).ToListAsync())
            .ShouldBe(["directory.department.created", "directory.department.created", "directory.department.updated", "directory.department.deleted"]);
    }

    [Fact]
    public async Task A_scope_change_starts_a_partial_resync_of_what_was_added_and_reports_what_was_removed()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var observer = Observer(hub);
        await Observe(observer, "s1", "contact.scope.updated_v3", T0, new
        {
            added = new { departments = new[] { new { open_department_id = "od-new", name = "New" } }, users = new[] { new { open_id = "ou_bob", name = "Bob" } } },
            removed = new { departments = new[] { new { open_department_id = "od-gone", name = "Gone" } } },
        });

        await using var db = await Db(hub);
        var run = await db.DirectorySyncRuns.SingleAsync();
        (run.Kind, run.Status, run.Trigger).ShouldBe((DirectorySyncKind.Scope, DirectorySyncStatus.Running, "scope_event"));
        (await db.WorkItems.Where(w => w.Queue == DirectorySync.QueueName).Select(w => w.Key).OrderBy(k => k).ToListAsync())
            .ShouldBe([$"{run.Id}/batch/0", $"{run.Id}/finish", $"{run.Id}/tree/od-new/0"]);
        var problem = await db.DirectorySyncProblems.SingleAsync();
        problem.Kind.ShouldBe(DirectoryProblemKind.RemovedFromScope);
        problem.Detail.ShouldContain("od-gone");
    }

    [Fact]
    public async Task Another_apps_events_link_its_open_ids_by_union_id_and_email_lookups_answer_only_for_active_people()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var observer = Observer(hub);
        var store = hub.Provider.GetRequiredService<DirectoryStore>();
        await Observe(observer, "e1", "contact.user.created_v3", T0, new { @object = UserJson("alice@example.com", null, "Alice") with { enterprise_email = "alice@corp.example" } });
        await Observe(observer, "e2", "contact.user.updated_v3", T0, new { @object = new { open_id = "ou_ops_alice", union_id = "on_alice", name = "Alice" } }, app: "ops");
        await Observe(observer, "e3", "contact.user.created_v3", T0, new { @object = new { open_id = "ou_bob", union_id = "on_bob", name = "Bob", email = "bob@example.com", status = new { is_resigned = true } } });

        var people = hub.Provider.GetRequiredService<PeopleStore>();
        (await people.FindByOpenIdAsync("ops", "ou_ops_alice"))!.Id.ShouldBe((await people.FindByOpenIdAsync("", "ou_alice"))!.Id);
        (await store.ActiveOpenIdsByEmailAsync("ops", ["ALICE@corp.example", "bob@example.com", "nobody@example.com"], CancellationToken.None))
            .ShouldBe(new Dictionary<string, string> { ["ALICE@corp.example"] = "ou_ops_alice" });
        (await store.OnlyInactiveHaveEmailAsync("bob@example.com", CancellationToken.None)).ShouldBeTrue();
        await using var db = await Db(hub);
        (await db.People.CountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task A_directory_kept_under_the_placeholder_moves_to_the_tenant_learned_from_an_event()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var store = hub.Provider.GetRequiredService<DirectoryStore>();
        var tenant = hub.Provider.GetRequiredService<DirectoryTenant>();
        var placeholder = await tenant.CurrentAsync(CancellationToken.None);
        placeholder.ShouldBe("app:default");
        await store.ApplyUsersAsync(new DirectoryWrite(placeholder, "", DirectorySource.FullSync, "dsr_1", T0, "dsr_1"), [Alice()], CancellationToken.None);

        await Observe(Observer(hub), "x1", "im.message.receive_v1", T0, new { message = new { message_id = "om_1" } }, tenant: "tenant_real");

        (await tenant.CurrentAsync(CancellationToken.None)).ShouldBe("tenant_real");
        await using var db = await Db(hub);
        (await db.People.SingleAsync()).TenantKey.ShouldBe("tenant_real");
    }

    [Fact]
    public async Task While_no_tenant_is_known_the_people_are_looked_through_for_one_at_most_once_a_minute()
    {
        await using var database = await CreateDatabaseAsync();
        var time = new ManualTimeProvider(T0);
        await using var hub = Services(database, time);
        var store = hub.Provider.GetRequiredService<DirectoryStore>();
        var tenant = hub.Provider.GetRequiredService<DirectoryTenant>();
        (await tenant.CurrentAsync(CancellationToken.None)).ShouldBe("app:default");

        // A person of the app already under a real tenant (a directory kept before the tenant was a setting).
        await store.ApplyUsersAsync(new DirectoryWrite("tenant_old", "", DirectorySource.FullSync, "dsr_1", T0, "dsr_1"), [Alice()], CancellationToken.None);
        (await tenant.CurrentAsync(CancellationToken.None)).ShouldBe("app:default", "the people were looked through a moment ago: not again within the minute (every event would pay for it)");

        time.Advance(TimeSpan.FromMinutes(1));
        (await tenant.CurrentAsync(CancellationToken.None)).ShouldBe("tenant_old");
    }

    [Fact]
    public async Task Only_one_run_at_a_time_and_its_counters_add_up()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var service = hub.Provider.GetRequiredService<DirectoryService>();
        var store = hub.Provider.GetRequiredService<DirectoryStore>();

        var starts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => service.StartSyncAsync(DirectorySyncKind.Full, "api", CancellationToken.None)));
        starts.Count(s => s.Started).ShouldBe(1);
        starts.Select(s => s.Run.Id).Distinct().ShouldHaveSingleItem();
        var run = starts[0].Run;
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => store.AddCountsAsync(run.Id, new RunCounts(ApiCalls: 1, People: 2), CancellationToken.None)));
        (await store.AddProblemAsync(run.Id, DirectoryProblemKind.MissingFieldScope, "contact:user.email:readonly", "x", CancellationToken.None)).ShouldBeTrue();
        (await store.AddProblemAsync(run.Id, DirectoryProblemKind.MissingFieldScope, "contact:user.email:readonly", "x", CancellationToken.None)).ShouldBeFalse();

        var finished = await store.FinishRunAsync(DirectorySync.QueueName, run.Id, DirectorySyncStatus.Completed, 0, CancellationToken.None);
        (finished!.ApiCalls, finished.People, finished.Problems, finished.Status).ShouldBe((5, 10, 1, DirectorySyncStatus.Completed));
        (await service.StartSyncAsync(DirectorySyncKind.Reconciliation, "schedule", CancellationToken.None)).Started.ShouldBeTrue();
    }

    [Fact]
    public async Task The_dashboards_data_lost_in_sync_is_breached_by_an_incomplete_run_and_met_by_complete_ones()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var store = hub.Provider.GetRequiredService<DirectoryStore>();
        var loss = hub.Provider.GetRequiredService<Larkway.Hub.Monitoring.ISyncLossSource>();
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);
        (await loss.ReadAsync(since, CancellationToken.None)).Status.ShouldBe(Larkway.Hub.Monitoring.MetricStatus.NoData);

        var first = await hub.Provider.GetRequiredService<DirectoryService>().StartSyncAsync(DirectorySyncKind.Full, "api", CancellationToken.None);
        await store.FinishRunAsync(DirectorySync.QueueName, first.Run.Id, DirectorySyncStatus.Completed, 0, CancellationToken.None);
        (await loss.ReadAsync(since, CancellationToken.None)).Status.ShouldBe(Larkway.Hub.Monitoring.MetricStatus.Met);

        var second = await hub.Provider.GetRequiredService<DirectoryService>().StartSyncAsync(DirectorySyncKind.Reconciliation, "schedule", CancellationToken.None);
        await store.FinishRunAsync(DirectorySync.QueueName, second.Run.Id, DirectorySyncStatus.Incomplete, 3, CancellationToken.None);
        var reading = await loss.ReadAsync(since, CancellationToken.None);
        (reading.Status, reading.Value).ShouldBe((Larkway.Hub.Monitoring.MetricStatus.Breached, "3 pages"));
    }

    [Fact]
    public async Task People_are_listed_by_name_then_id_and_paging_by_the_last_id_goes_on_in_that_order()
    {
        await using var database = await CreateDatabaseAsync();
        await using var hub = Services(database);
        var store = hub.Provider.GetRequiredService<DirectoryStore>();
        string[] names = ["Erin", "Carol", "Alice", "Bob", "Alice"];
        await store.ApplyUsersAsync(Page("od-a"), [.. names.Select((name, i) => Alice() with { Id = $"ou_{i}", UnionId = $"on_{i}", UserId = $"u_{i}", Name = name, Email = $"p{i}@example.com", Mobile = null })], CancellationToken.None);

        var listed = new List<PersonRow>();
        string? after = null;
        do
        {
            var page = await store.ListPeopleAsync(new PeopleQuery(null, null, null, null, after, 2), "", CancellationToken.None);
            listed.AddRange(page.Take(2).Select(p => p.Person));
            after = page.Count > 2 ? page[1].Person.Id : null;
        }
        while (after is not null);

        listed.Select(p => p.Name).ShouldBe(["Alice", "Alice", "Bob", "Carol", "Erin"]);
        listed.Select(p => p.Id).Distinct().Count().ShouldBe(5, "each person once across the pages");
        string.CompareOrdinal(listed[0].Id, listed[1].Id).ShouldBeLessThan(0, "the same name is ordered by id");
        (await store.ListPeopleAsync(new PeopleQuery(null, null, null, null, "per_" + new string('0', 32), 2), "", CancellationToken.None)).ShouldBeEmpty("a cursor naming no one");
    }

    private static DirectoryUser Alice() => new("ou_alice")
    {
        UnionId = "on_alice",
        UserId = "u_alice",
        Name = "Alice",
        Email = "alice@example.com",
        Mobile = "+8613800000001",
        Status = PersonStatus.Active,
    };

    private static DirectoryWrite Page(string department) =>
        new("tenant_1", "", DirectorySource.FullSync, "dsr_1", T0, "dsr_1") { ListedDepartment = department };

    private static UserBody UserJson(string email, string? mobile, string name) =>
        new("ou_alice", "on_alice", "u_alice", name, email, mobile, new { is_resigned = false, is_frozen = false }, null, null);

    private sealed record UserBody(string open_id, string union_id, string user_id, string name, string email, string? mobile, object status, string? enterprise_email, string[]? department_ids);

    private async Task Observe(DirectoryEventObserver observer, string eventId, string type, DateTimeOffset at, object body, string app = "", string tenant = "tenant_1")
    {
        var envelope = JsonSerializer.Serialize(new
        {
            schema = "2.0",
            header = new { event_id = eventId, event_type = type, create_time = at.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), token = "t", app_id = "cli_test", tenant_key = tenant },
            @event = body,
        });
        await observer.OnEventAsync(FeishuEventContexts.Of(++_inboxId, app, at, FeishuEventEnvelope.Parse(Encoding.UTF8.GetBytes(envelope))), CancellationToken.None);
    }

    private static DirectoryEventObserver Observer(HubServices hub) =>
        hub.Provider.GetServices<IInboxEventObserver>().OfType<DirectoryEventObserver>().Single();

    private static async Task Subscribe(HubServices hub, string types) =>
        await hub.Provider.GetRequiredService<WebhookStore>().CreateSubscriptionAsync(new Uri("http://127.0.0.1:9/hook"), [types], "", CancellationToken.None);

    private static async Task<HubDbContext> Db(HubServices hub) =>
        await hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();

    internal static HubServices Services(IHubTestDatabase database, TimeProvider? time = null) =>
        new(database, time ?? TimeProvider.System,
            settings: new Dictionary<string, string?> { ["Larkway:Webhooks:SenderEnabled"] = "false", ["Larkway:Directory:WorkerEnabled"] = "false" },
            services: s =>
            {
                var configuration = new ConfigurationBuilder().Build();
                s.AddHubWebhooks(configuration);
                s.AddHubApps(configuration);
                s.AddHubFeishuDirectory();
                s.AddHubDirectory(configuration, o => o.WorkerEnabled = false);
            });
}

public sealed class SqliteDirectoryStoreTests : DirectoryStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDirectoryStoreTests(PostgresCluster cluster) : DirectoryStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
