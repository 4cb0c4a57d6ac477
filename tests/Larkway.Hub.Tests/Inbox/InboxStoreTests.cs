using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Inbox;
using Larkway.Hub.Tests.TestSupport;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Inbox;

/// <summary>The inbox's behaviour, run on every provider (<see cref="SqliteInboxStoreTests"/>, <see cref="PostgresInboxStoreTests"/>).</summary>
public abstract class InboxStoreTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly ManualTimeProvider _time = new();
    private IHubTestDatabase _db = null!;

    /// <summary>An empty database of the provider under test.</summary>
    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => _db = await CreateDatabaseAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private HubServices Services(Action<InboxOptions>? inbox = null) => new(_db, _time, inbox);

    [Fact]
    public async Task Append_stores_a_pending_event_with_its_body_and_first_dedup_key()
    {
        await using var hub = Services();
        var inbound = TestEvents.Message("ev_1", "om_1", app: "ops");

        var result = await hub.Store.AppendAsync(inbound);

        result.Status.ShouldBe(InboxAppendStatus.Accepted);
        var stored = await hub.Store.GetAsync(result.EventId);
        stored.ShouldNotBeNull();
        stored.State.ShouldBe(WorkState.Pending);
        stored.AppName.ShouldBe("ops");
        stored.EventType.ShouldBe("im.message.receive_v1");
        stored.DedupKey.ShouldBe("cli_test/event/ev_1");
        // As received, less the verification token, which would let a reader sign old-style card callbacks.
        var body = System.Text.Encoding.UTF8.GetString(inbound.Body.Span);
        body.ShouldContain("\"token\":\"vt\"");
        System.Text.Encoding.UTF8.GetString(stored.Body).ShouldBe(body.Replace("\"token\":\"vt\"", "\"token\":\"\"", StringComparison.Ordinal));
        stored.ReceivedAt.ShouldBe(_time.GetUtcNow());
        stored.Attempts.ShouldBe(0);
    }

    [Fact]
    public async Task A_received_message_is_stored_in_the_lane_of_its_chat_and_other_events_in_none()
    {
        await using var hub = Services();

        var message = await hub.Store.AppendAsync(TestEvents.Message("ev_1", "om_1", chat: "oc_team"));
        var custom = await hub.Store.AppendAsync(TestEvents.Custom("ev_2"));

        (await hub.Store.GetAsync(message.EventId))!.Lane.ShouldBe("oc_team");
        (await hub.Store.GetAsync(custom.EventId))!.Lane.ShouldBeNull();
    }

    [Fact]
    public async Task DingTalk_and_WeCom_ingest_file_a_message_under_its_conversation_and_an_event_under_none()
    {
        await using var hub = Services();
        var inbox = hub.Provider.GetRequiredService<InboxStore>();
        var dingTalk = new Larkway.Hub.DingTalk.DingTalkIngest(inbox);
        var weCom = new Larkway.Hub.WeCom.WeComIngest(inbox);

        var robot = await dingTalk.RobotMessageAsync("dt", "dingkey", "msg-1", "cid-team", "{}", Larkway.Hub.DingTalk.DingTalkIngest.StreamTransport, CancellationToken.None);
        var dingTalkEvent = await dingTalk.EventAsync("dt", "dingkey", "user_add_org", "evt-1", "{}", Larkway.Hub.DingTalk.DingTalkIngest.StreamTransport, CancellationToken.None);
        var text = new Larkway.WeCom.Callbacks.WeComTextMessage { FromUserName = "zhangsan", MsgType = "text", MsgId = "m-1", Content = "hi" };
        var member = await weCom.AppendAsync("wc", "corp", 1000002, text, "{}"u8.ToArray(), CancellationToken.None);

        (await hub.Store.GetAsync(robot.EventId))!.Lane.ShouldBe("cid-team");
        (await hub.Store.GetAsync(dingTalkEvent.EventId))!.Lane.ShouldBeNull();
        (await hub.Store.GetAsync(member.EventId))!.Lane.ShouldBe("zhangsan");
    }

    [Fact]
    public async Task Only_an_earlier_unread_event_of_the_same_app_and_lane_holds_a_question()
    {
        await using var hub = Services();
        var since = _time.GetUtcNow() - TimeSpan.FromMinutes(1);

        // Unread, but elsewhere: another chat, the same chat through another app, an event of no conversation.
        await hub.Store.AppendAsync(TestEvents.Message("ev_chat", "om_chat", chat: "oc_other"));
        await hub.Store.AppendAsync(TestEvents.Message("ev_app", "om_app", app: "ops", appId: "cli_ops"));
        await hub.Store.AppendAsync(TestEvents.Custom("ev_custom"));

        // The same conversation, but failed once (retrying, or its retry running) or dead: never waited for.
        var retrying = (await hub.Store.AppendAsync(TestEvents.Message("ev_retry", "om_retry"))).EventId;
        var retryRunning = (await hub.Store.AppendAsync(TestEvents.Message("ev_again", "om_again"))).EventId;
        var dead = (await hub.Store.AppendAsync(TestEvents.Message("ev_dead", "om_dead"))).EventId;
        await SetAsync(hub, retrying, WorkState.Retrying, attempts: 1);
        await SetAsync(hub, retryRunning, WorkState.InProgress, attempts: 2);
        await SetAsync(hub, dead, WorkState.DeadLetter, attempts: 8);

        var question = (await hub.Store.AppendAsync(TestEvents.Message("ev_q", "om_q"))).EventId;
        (await hub.Store.HasEarlierUnreadInLaneAsync(question, since)).ShouldBeFalse("nothing unread of its own conversation came before it");

        // A later question of the same conversation waits for the earlier one, pending or in its first handling, until it is read.
        var next = (await hub.Store.AppendAsync(TestEvents.Message("ev_next", "om_next"))).EventId;
        (await hub.Store.HasEarlierUnreadInLaneAsync(next, since)).ShouldBeTrue("the earlier question is still pending");
        await SetAsync(hub, question, WorkState.InProgress, attempts: 1);
        (await hub.Store.HasEarlierUnreadInLaneAsync(next, since)).ShouldBeTrue("the earlier question is being read");
        (await hub.Store.HasEarlierUnreadInLaneAsync(next, _time.GetUtcNow() + TimeSpan.FromSeconds(1))).ShouldBeFalse("an event older than the wait is not waited for");
        await SetAsync(hub, question, WorkState.Done, attempts: 1);
        (await hub.Store.HasEarlierUnreadInLaneAsync(next, since)).ShouldBeFalse("the earlier question was read");
        (await hub.Store.HasEarlierUnreadInLaneAsync(question, since)).ShouldBeFalse("a later event never holds an earlier one");
    }

    private static async Task SetAsync(HubServices hub, long id, WorkState state, int attempts)
    {
        var contexts = hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        await db.InboxEvents.Where(e => e.Id == id).ExecuteUpdateAsync(s => s.SetProperty(e => e.State, state).SetProperty(e => e.Attempts, attempts));
    }

    [Fact]
    public async Task A_burst_of_concurrent_appends_with_duplicates_among_them_stores_each_event_once()
    {
        await using var hub = Services();

        // 300 messages, each delivered twice at once (same event id), and every tenth again under a new event id.
        var deliveries = Enumerable.Range(0, 300)
            .SelectMany(i => new[] { TestEvents.Message($"ev_{i}", $"om_{i}"), TestEvents.Message($"ev_{i}", $"om_{i}") }
                .Concat(i % 10 == 0 ? [TestEvents.Message($"ev_{i}_again", $"om_{i}")] : []))
            .ToList();

        var results = await Task.WhenAll(deliveries.Select(d => Task.Run(() => hub.Store.AppendAsync(d))));

        results.Count(r => r.Status == InboxAppendStatus.Accepted).ShouldBe(300);
        var idsByMessage = deliveries.Zip(results)
            .GroupBy(p => p.First.Envelope.Event.GetProperty("message").GetProperty("message_id").GetString())
            .Select(g => g.Select(p => p.Second.EventId).Distinct().Count());
        idsByMessage.ShouldAllBe(distinctIds => distinctIds == 1);
        (await hub.Store.ListAsync(null, null, 1000)).Items.Count.ShouldBe(300);
    }

    [Fact]
    public async Task A_redelivery_under_the_same_event_id_is_a_duplicate()
    {
        await using var hub = Services();
        var first = await hub.Store.AppendAsync(TestEvents.Custom("ev_1"));

        var again = await hub.Store.AppendAsync(TestEvents.Custom("ev_1"));

        again.ShouldBe(new InboxAppendResult(InboxAppendStatus.Duplicate, first.EventId));
        (await hub.Store.ListAsync(null, null, 10)).Items.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_message_redelivered_under_a_new_event_id_is_a_duplicate_by_message_id()
    {
        await using var hub = Services();
        var first = await hub.Store.AppendAsync(TestEvents.Message("ev_1", "om_1"));

        var again = await hub.Store.AppendAsync(TestEvents.Message("ev_2", "om_1"));

        again.ShouldBe(new InboxAppendResult(InboxAppendStatus.Duplicate, first.EventId));
        (await hub.Store.ListAsync(null, null, 10)).Items.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_message_is_indexed_under_its_message_key_alone_and_its_redeliveries_are_refused_after_a_restart()
    {
        InboxAppendResult first;
        await using (var before = Services())
        {
            first = await before.Store.AppendAsync(TestEvents.Message("ev_1", "om_1"));
        }

        // A restarted Hub on the same database: the same event again, and the message under a new event id.
        await using var hub = Services();
        var sameEvent = await hub.Store.AppendAsync(TestEvents.Message("ev_1", "om_1"));
        var newEvent = await hub.Store.AppendAsync(TestEvents.Message("ev_2", "om_1"));

        sameEvent.ShouldBe(new InboxAppendResult(InboxAppendStatus.Duplicate, first.EventId));
        newEvent.ShouldBe(new InboxAppendResult(InboxAppendStatus.Duplicate, first.EventId));
        var contexts = hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        // One index entry per message (the event key would be a second insert that finds nothing the message key does not);
        // SQLite's names the message's create_time first, so new messages append to its index instead of landing at random.
        (await db.InboxDedupKeys.Select(k => k.Key).ToListAsync()).ShouldBe(
            [_db.Provider == "Sqlite" ? "cli_test/im.message@1700000000000/om_1" : "cli_test/im.message/om_1"]);
        (await hub.Store.GetAsync(first.EventId))!.DedupKey.ShouldBe("cli_test/event/ev_1");
    }

    [Fact]
    public async Task A_message_an_earlier_Hub_indexed_under_its_plain_key_is_refused()
    {
        InboxAppendResult first;
        await using (var before = Services())
        {
            first = await before.Store.AppendAsync(TestEvents.Message("ev_1", "om_1"));
            await before.Store.AppendAsync(TestEvents.Message("ev_9", "om_9", appId: "cli_other"));
            var contexts = before.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>();
            await using var db = await contexts.CreateDbContextAsync();

            // As a Hub before time-ordered keys stored it.
            await db.InboxDedupKeys.Where(k => k.EventId == first.EventId)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.Key, "cli_test/im.message/om_1"));
        }

        await using var hub = Services();
        var sameEvent = await hub.Store.AppendAsync(TestEvents.Message("ev_1", "om_1"));
        var newEvent = await hub.Store.AppendAsync(TestEvents.Message("ev_2", "om_1"));
        var otherApp = await hub.Store.AppendAsync(TestEvents.Message("ev_9", "om_9", appId: "cli_other"));
        var newMessage = await hub.Store.AppendAsync(TestEvents.Message("ev_3", "om_3"));

        sameEvent.ShouldBe(new InboxAppendResult(InboxAppendStatus.Duplicate, first.EventId));
        newEvent.ShouldBe(new InboxAppendResult(InboxAppendStatus.Duplicate, first.EventId));
        otherApp.Status.ShouldBe(InboxAppendStatus.Duplicate);
        newMessage.Status.ShouldBe(InboxAppendStatus.Accepted);
    }

    [Fact]
    public async Task The_same_message_for_two_apps_is_stored_twice()
    {
        await using var hub = Services();

        var a = await hub.Store.AppendAsync(TestEvents.Message("ev_1", "om_1", app: "a", appId: "cli_a"));
        var c = await hub.Store.AppendAsync(TestEvents.Message("ev_1", "om_1", app: "b", appId: "cli_b"));

        a.Status.ShouldBe(InboxAppendStatus.Accepted);
        c.Status.ShouldBe(InboxAppendStatus.Accepted);
    }

    [Fact]
    public async Task Events_without_dedup_keys_are_always_accepted()
    {
        await using var hub = Services();
        const string legacy = """{"open_id":"ou_1","open_message_id":"om_1","tenant_key":"tk","action":{"value":{"k":"v"},"tag":"button"}}""";

        var first = await hub.Store.AppendAsync(TestEvents.Inbound(legacy));
        var second = await hub.Store.AppendAsync(TestEvents.Inbound(legacy));

        first.Status.ShouldBe(InboxAppendStatus.Accepted);
        second.Status.ShouldBe(InboxAppendStatus.Accepted);
        (await hub.Store.GetAsync(first.EventId))!.DedupKey.ShouldBeNull();
    }

    [Fact]
    public async Task Concurrent_appends_of_one_event_from_two_processes_leave_exactly_one_row()
    {
        await using var one = Services();
        await using var two = Services();
        await one.Store.ListAsync(null, null, 1); // migrate once before the race

        // Alternate message/event-id variants so the race hits both unique keys.
        var appends = Enumerable.Range(0, 24).Select(i =>
        {
            var store = i % 2 == 0 ? one.Store : two.Store;
            var inbound = i % 3 == 0 ? TestEvents.Message($"ev_{i}", "om_race") : TestEvents.Message("ev_race", "om_race");
            return Task.Run(() => store.AppendAsync(inbound));
        }).ToArray();
        var results = await Task.WhenAll(appends);

        results.Count(r => r.Status == InboxAppendStatus.Accepted).ShouldBe(1);
        results.Select(r => r.EventId).Distinct().Count().ShouldBe(1);
        (await one.Store.ListAsync(null, null, 100)).Items.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Two_replicas_receiving_the_same_events_concurrently_store_each_once()
    {
        await using var one = Services();
        await using var two = Services();
        await Task.WhenAll(one.Store.ListAsync(null, null, 1), two.Store.ListAsync(null, null, 1)); // both migrate at once

        // Feishu may deliver one event to every replica (a retry lands elsewhere): 150 events, each sent to both at the same time.
        var deliveries = Enumerable.Range(0, 150)
            .SelectMany(i => new[] { (one, TestEvents.Message($"ev_{i}", $"om_{i}")), (two, TestEvents.Message($"ev_{i}", $"om_{i}")) })
            .ToList();

        var results = await Task.WhenAll(deliveries.Select(d => Task.Run(() => d.Item1.Store.AppendAsync(d.Item2))));

        results.Count(r => r.Status == InboxAppendStatus.Accepted).ShouldBe(150);
        results.Count(r => r.Status == InboxAppendStatus.Duplicate).ShouldBe(150);
        deliveries.Zip(results).GroupBy(p => p.First.Item2.Envelope.DedupKey)
            .ShouldAllBe(g => g.Select(p => p.Second.EventId).Distinct().Count() == 1);
        var stored = (await two.Store.ListAsync(null, null, 1000)).Items;
        stored.Count.ShouldBe(150);
        stored.Select(e => e.DedupKey).Distinct().Count().ShouldBe(150);
    }

    [Fact]
    public async Task Two_claimers_on_one_database_never_claim_the_same_event()
    {
        await using var one = Services();
        await using var two = Services();
        for (var i = 0; i < 120; i++)
        {
            await one.Store.AppendAsync(TestEvents.Custom($"ev_{i}"));
        }

        async Task<List<long>> DrainAsync(InboxTestStore store, string owner)
        {
            var claimed = new List<long>();
            while (true)
            {
                var batch = await store.ClaimAsync(owner, 7, Lease);
                if (batch.Count == 0)
                {
                    return claimed;
                }

                batch.ShouldAllBe(e => e.State == WorkState.InProgress && e.LeaseOwner == owner && e.Attempts == 1);
                claimed.AddRange(batch.Select(e => e.Id));
            }
        }

        var results = await Task.WhenAll(Task.Run(() => DrainAsync(one.Store, "A")), Task.Run(() => DrainAsync(two.Store, "B")));

        results[0].Intersect(results[1]).ShouldBeEmpty();
        (results[0].Count + results[1].Count).ShouldBe(120);
    }

    [Fact]
    public async Task Claims_take_the_oldest_due_events_first_and_respect_the_batch_size()
    {
        await using var hub = Services();
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await hub.Store.AppendAsync(TestEvents.Custom($"ev_{i}"))).EventId);
        }

        var batch = await hub.Store.ClaimAsync("A", 3, Lease);

        batch.Select(e => e.Id).ShouldBe(ids.Take(3));
        batch[0].LeaseUntil.ShouldBe(_time.GetUtcNow() + Lease);
    }

    [Fact]
    public async Task An_expired_lease_is_reclaimed_and_the_old_owner_can_no_longer_complete()
    {
        await using var hub = Services();
        var id = (await hub.Store.AppendAsync(TestEvents.Custom("ev_1"))).EventId;
        (await hub.Store.ClaimAsync("A", 10, Lease)).Count.ShouldBe(1);

        (await hub.Store.ClaimAsync("B", 10, Lease)).ShouldBeEmpty();
        _time.Advance(Lease - TimeSpan.FromSeconds(1));
        (await hub.Store.ClaimAsync("B", 10, Lease)).ShouldBeEmpty();
        _time.Advance(TimeSpan.FromSeconds(1));
        var reclaimed = await hub.Store.ClaimAsync("B", 10, Lease);

        reclaimed.ShouldHaveSingleItem().Id.ShouldBe(id);
        reclaimed[0].Attempts.ShouldBe(2);
        (await hub.Store.CompleteAsync(id, "A")).ShouldBeFalse();
        (await hub.Store.CompleteAsync(id, "B")).ShouldBeTrue();
        var done = await hub.Store.GetAsync(id);
        done!.State.ShouldBe(WorkState.Done);
        done.CompletedAt.ShouldBe(_time.GetUtcNow());
        done.LeaseOwner.ShouldBeNull();
    }

    [Fact]
    public async Task Renewing_leases_keeps_an_event_from_being_taken_over()
    {
        await using var hub = Services();
        await hub.Store.AppendAsync(TestEvents.Custom("ev_1"));
        await hub.Store.ClaimAsync("A", 10, Lease);

        _time.Advance(TimeSpan.FromSeconds(20));
        (await hub.Store.RenewLeasesAsync("A", Lease)).ShouldBe(1);
        _time.Advance(TimeSpan.FromSeconds(20));

        (await hub.Store.ClaimAsync("B", 10, Lease)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Failures_back_off_on_the_schedule_then_dead_letter_after_max_attempts()
    {
        await using var hub = Services(o => o.MaxAttempts = 4);
        var id = (await hub.Store.AppendAsync(TestEvents.Custom("ev_1"))).EventId;
        TimeSpan[] expected = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2)];

        foreach (var delay in expected)
        {
            (await hub.Store.ClaimAsync("A", 10, Lease)).ShouldHaveSingleItem();
            (await hub.Store.FailAsync(id, "A", "System.InvalidOperationException: boom")).ShouldBe(WorkState.Retrying);
            var failed = await hub.Store.GetAsync(id);
            failed!.NextAttemptAt.ShouldBe(_time.GetUtcNow() + delay);
            failed.LastError.ShouldBe("System.InvalidOperationException: boom");

            _time.Advance(delay - TimeSpan.FromMilliseconds(1));
            (await hub.Store.ClaimAsync("A", 10, Lease)).ShouldBeEmpty();
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        (await hub.Store.ClaimAsync("A", 10, Lease)).ShouldHaveSingleItem().Attempts.ShouldBe(4);
        (await hub.Store.FailAsync(id, "A", "System.InvalidOperationException: boom")).ShouldBe(WorkState.DeadLetter);

        var dead = await hub.Store.GetAsync(id);
        dead!.State.ShouldBe(WorkState.DeadLetter);
        dead.Attempts.ShouldBe(4);
        _time.Advance(TimeSpan.FromDays(1));
        (await hub.Store.ClaimAsync("A", 10, Lease)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Back_off_jitter_stays_within_its_spread_and_the_last_delay_repeats()
    {
        await using var hub = Services(o => o.RetryJitter = 0.2);
        for (var i = 0; i < 50; i++)
        {
            var delay = hub.Store.RetryDelay(1);
            delay.ShouldBeInRange(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6));
        }

        await using var exact = Services();
        exact.Store.RetryDelay(5).ShouldBe(TimeSpan.FromHours(1));
        exact.Store.RetryDelay(7).ShouldBe(TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task Fail_by_a_non_owner_changes_nothing()
    {
        await using var hub = Services();
        var id = (await hub.Store.AppendAsync(TestEvents.Custom("ev_1"))).EventId;
        await hub.Store.ClaimAsync("A", 10, Lease);

        (await hub.Store.FailAsync(id, "B", "x")).ShouldBeNull();

        (await hub.Store.GetAsync(id))!.State.ShouldBe(WorkState.InProgress);
    }

    [Fact]
    public async Task Replay_brings_back_dead_letters_and_done_events_but_not_in_progress_ones()
    {
        await using var hub = Services(o => o.MaxAttempts = 1);
        var dead = (await hub.Store.AppendAsync(TestEvents.Custom("ev_dead"))).EventId;
        var busy = (await hub.Store.AppendAsync(TestEvents.Custom("ev_busy"))).EventId;
        await hub.Store.ClaimAsync("A", 1, Lease);
        (await hub.Store.FailAsync(dead, "A", "System.Exception: no")).ShouldBe(WorkState.DeadLetter);
        await hub.Store.ClaimAsync("A", 1, Lease);

        (await hub.Store.ReplayAsync(dead)).ShouldBe(ReplayResult.Replayed);
        (await hub.Store.ReplayAsync(busy)).ShouldBe(ReplayResult.InProgress);
        (await hub.Store.ReplayAsync(12345)).ShouldBe(ReplayResult.NotFound);

        var replayed = await hub.Store.GetAsync(dead);
        replayed!.State.ShouldBe(WorkState.Pending);
        replayed.Attempts.ShouldBe(0);
        replayed.LastError.ShouldBeNull();
        (await hub.Store.ClaimAsync("B", 10, Lease)).ShouldHaveSingleItem().Id.ShouldBe(dead);

        (await hub.Store.CompleteAsync(dead, "B")).ShouldBeTrue();
        (await hub.Store.ReplayAsync(dead)).ShouldBe(ReplayResult.Replayed);
        (await hub.Store.GetAsync(dead))!.CompletedAt.ShouldBeNull();
    }

    [Fact]
    public async Task Release_gives_an_event_back_without_counting_the_attempt()
    {
        await using var hub = Services();
        var id = (await hub.Store.AppendAsync(TestEvents.Custom("ev_1"))).EventId;
        await hub.Store.ClaimAsync("A", 1, Lease);

        (await hub.Store.ReleaseAsync(id, "A")).ShouldBeTrue();

        var released = await hub.Store.GetAsync(id);
        released!.State.ShouldBe(WorkState.Pending);
        released.Attempts.ShouldBe(0);
        (await hub.Store.ClaimAsync("B", 1, Lease)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task List_filters_by_type_and_status_newest_first_with_a_limit()
    {
        await using var hub = Services();
        var a1 = (await hub.Store.AppendAsync(TestEvents.Custom("a1", type: "type.a"))).EventId;
        var b1 = (await hub.Store.AppendAsync(TestEvents.Custom("b1", type: "type.b"))).EventId;
        var a2 = (await hub.Store.AppendAsync(TestEvents.Custom("a2", type: "type.a"))).EventId;
        var a3 = (await hub.Store.AppendAsync(TestEvents.Custom("a3", type: "type.a"))).EventId;
        await hub.Store.ClaimAsync("A", 1, Lease);
        await hub.Store.CompleteAsync(a1, "A");

        (await hub.Store.ListAsync(null, null, 10)).Items.Select(e => e.Id).ShouldBe([a3, a2, b1, a1]);
        (await hub.Store.ListAsync("type.a", null, 10)).Items.Select(e => e.Id).ShouldBe([a3, a2, a1]);
        (await hub.Store.ListAsync("type.a", WorkState.Pending, 10)).Items.Select(e => e.Id).ShouldBe([a3, a2]);
        (await hub.Store.ListAsync(null, WorkState.Done, 10)).Items.Select(e => e.Id).ShouldBe([a1]);
        (await hub.Store.ListAsync(null, null, 2)).Items.Select(e => e.Id).ShouldBe([a3, a2]);
    }
}

public sealed class SqliteInboxStoreTests : InboxStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresInboxStoreTests(PostgresCluster cluster) : InboxStoreTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
