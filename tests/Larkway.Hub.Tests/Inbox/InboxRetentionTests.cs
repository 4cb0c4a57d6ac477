using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Inbox;

/// <summary>
/// The inbox's retention job on a real database of each provider, on a manual clock: handled events deleted with their
/// dedup keys once Retention has passed since they were handled, dead letters kept for DeadLetterRetention, nothing
/// waiting touched however old, ids never reused, and a backlog worked off in batches.
/// </summary>
public abstract class InboxRetentionTests : IAsyncLifetime
{
    private const string Owner = "worker-1";
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private readonly ManualTimeProvider _time = new();
    private IHubTestDatabase _db = null!;

    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => _db = await CreateDatabaseAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task An_event_handled_longer_ago_than_Retention_goes_with_its_dedup_keys_and_nothing_waiting_goes_however_old()
    {
        await using var hub = new HubServices(_db, _time, o => o.Retention = TimeSpan.FromDays(7));
        var handled = await AppendAsync(hub, "ev_handled", "om_handled");
        var failing = await AppendAsync(hub, "ev_failing", "om_failing");
        (await hub.Store.CompleteAsync(handled, Owner)).ShouldBeTrue();
        (await hub.Store.FailAsync(failing, Owner, "the handler threw")).ShouldBe(WorkState.Retrying);
        var pending = await AppendAsync(hub, "ev_pending", "om_pending", claim: false);
        (await KeysOfAsync(hub, handled)).ShouldNotBeEmpty("a message event has its dedup keys");

        // Exactly Retention after it was handled it is kept, and a redelivery is still recognised.
        _time.Advance(TimeSpan.FromDays(7));
        (await Retention(hub).PruneAsync(CancellationToken.None)).ShouldBe(0);
        (await hub.Store.AppendAsync(TestEvents.Message("ev_handled", "om_handled"))).Status.ShouldBe(InboxAppendStatus.Duplicate);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        (await Retention(hub).PruneAsync(CancellationToken.None)).ShouldBe(1);
        (await hub.Store.GetAsync(handled)).ShouldBeNull();
        (await KeysOfAsync(hub, handled)).ShouldBeEmpty("the event's dedup keys went with it");
        (await hub.Store.GetAsync(pending))!.State.ShouldBe(WorkState.Pending, "never claimed: waiting, however old");
        (await hub.Store.GetAsync(failing))!.State.ShouldBe(WorkState.Retrying, "to be tried again: waiting");

        // Past its retention a redelivery is a new event, under a new id: ids are never reused, so an inbox_{id} key
        // made from the deleted event names nothing else.
        var again = await hub.Store.AppendAsync(TestEvents.Message("ev_handled", "om_handled"));
        again.Status.ShouldBe(InboxAppendStatus.Accepted);
        again.EventId.ShouldBeGreaterThan(pending);
    }

    [Fact]
    public async Task Ids_are_not_reused_after_every_event_was_deleted()
    {
        await using var hub = new HubServices(_db, _time, o => o.Retention = TimeSpan.FromDays(1));
        var last = 0L;
        foreach (var i in Enumerable.Range(0, 3))
        {
            last = await AppendAsync(hub, $"ev_{i}", $"om_{i}");
            (await hub.Store.CompleteAsync(last, Owner)).ShouldBeTrue();
        }

        _time.Advance(TimeSpan.FromDays(2));
        (await Retention(hub).PruneAsync(CancellationToken.None)).ShouldBe(3);
        await using (var db = await DbAsync(hub))
        {
            (await db.InboxEvents.CountAsync()).ShouldBe(0);
        }

        (await AppendAsync(hub, "ev_next", "om_next", claim: false)).ShouldBeGreaterThan(last, "the highest id was deleted, and still not handed out again");
    }

    [Fact]
    public async Task A_dead_lettered_event_is_kept_for_DeadLetterRetention_after_it_arrived_and_a_replayed_one_is_waiting_again()
    {
        await using var hub = new HubServices(_db, _time, o =>
        {
            o.MaxAttempts = 1;
            o.Retention = TimeSpan.FromDays(30);
            o.DeadLetterRetention = TimeSpan.FromDays(90);
        });
        var dead = await AppendAsync(hub, "ev_dead", "om_dead");
        (await hub.Store.FailAsync(dead, Owner, "no handler could take it")).ShouldBe(WorkState.DeadLetter);
        var replayed = await AppendAsync(hub, "ev_replayed", "om_replayed");
        (await hub.Store.FailAsync(replayed, Owner, "no handler could take it")).ShouldBe(WorkState.DeadLetter);

        _time.Advance(TimeSpan.FromDays(31));
        (await Retention(hub).PruneAsync(CancellationToken.None)).ShouldBe(0, "past Retention, yet a dead letter waits for someone to look");
        (await hub.Store.ReplayAsync(replayed)).ShouldBe(ReplayResult.Replayed);

        _time.Advance(TimeSpan.FromDays(59) + TimeSpan.FromMilliseconds(1));
        (await Retention(hub).PruneAsync(CancellationToken.None)).ShouldBe(1);
        (await hub.Store.GetAsync(dead)).ShouldBeNull();
        (await hub.Store.GetAsync(replayed))!.State.ShouldBe(WorkState.Pending, "replayed: pending again, so kept");
    }

    [Fact]
    public async Task A_backlog_of_more_events_than_one_batch_is_worked_off_in_one_run()
    {
        await using var hub = new HubServices(_db, _time, o => o.Retention = TimeSpan.FromDays(1));
        const int Old = (InboxRetention.BatchSize * 2) + 300, Recent = 20;
        var now = _time.GetUtcNow();
        await hub.Provider.GetRequiredService<HubDatabaseInitializer>().EnsureInitializedAsync(CancellationToken.None);
        await using (var db = await DbAsync(hub))
        {
            db.InboxEvents.AddRange(Enumerable.Range(0, Old + Recent).Select(i => new InboxEvent
            {
                EventType = "test.custom_v1",
                Body = "{}"u8.ToArray(),
                ReceivedAt = now - TimeSpan.FromDays(3),
                CompletedAt = i < Old ? now - TimeSpan.FromDays(2) : now - TimeSpan.FromHours(1),
                State = WorkState.Done,
            }));
            await db.SaveChangesAsync();
        }

        (await Retention(hub).PruneAsync(CancellationToken.None)).ShouldBe(Old);
        await using (var db = await DbAsync(hub))
        {
            (await db.InboxEvents.CountAsync()).ShouldBe(Recent);
        }
    }

    private static InboxRetention Retention(HubServices hub) => hub.Provider.GetRequiredService<InboxRetention>();

    private static Task<HubDbContext> DbAsync(HubServices hub) => hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();

    private static async Task<List<string>> KeysOfAsync(HubServices hub, long eventId)
    {
        await using var db = await DbAsync(hub);
        return await db.Set<InboxDedupKey>().Where(k => k.EventId == eventId).Select(k => k.Key).ToListAsync();
    }

    /// <summary>Appends a message event and, unless told not to, claims it (so the test can finish or fail it).</summary>
    private static async Task<long> AppendAsync(HubServices hub, string eventId, string messageId, bool claim = true)
    {
        var result = await hub.Store.AppendAsync(TestEvents.Message(eventId, messageId));
        result.Status.ShouldBe(InboxAppendStatus.Accepted);
        if (claim)
        {
            (await hub.Store.ClaimAsync(Owner, 10, Lease)).ShouldContain(e => e.Id == result.EventId);
        }

        return result.EventId;
    }
}

public sealed class SqliteInboxRetentionTests : InboxRetentionTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresInboxRetentionTests(PostgresCluster cluster) : InboxRetentionTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
