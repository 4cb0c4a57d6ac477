using System.Collections.Concurrent;
using System.Diagnostics;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Larkway.Hub.Platform.Storage;

namespace Larkway.Hub.Tests.Queue;

/// <summary>
/// The one work queue on every provider: enqueue in the caller's transaction, claims under a lease that two claimers
/// never share, outcomes only the holder records, replay, backlog, and the worker host around a handler.
/// </summary>
public abstract class WorkQueueTests : IAsyncLifetime
{
    private const string QueueName = "test.work";
    private IHubTestDatabase _db = null!;

    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => _db = await CreateDatabaseAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Work_is_enqueued_with_the_callers_transaction_and_once_per_key()
    {
        await using var hub = await StartAsync(new ManualTimeProvider());
        var contexts = hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>();
        var now = DateTimeOffset.UtcNow;

        await using (var db = await contexts.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.WorkItems.Add(WorkItemRow.Create(QueueName, "rolled-back", now));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        await EnqueueAsync(hub, now, "k-1");
        var twice = await Should.ThrowAsync<DbUpdateException>(() => EnqueueAsync(hub, now, "k-1"));
        hub.Provider.GetRequiredService<IHubStorageProvider>().IsUniqueViolation(twice).ShouldBeTrue();

        await using var check = await contexts.CreateDbContextAsync();
        (await check.WorkItems.Select(w => w.Key).ToListAsync()).ShouldBe(["k-1"]);
    }

    [Fact]
    public async Task Claims_take_due_items_of_their_own_queue_oldest_first_and_count_an_attempt()
    {
        var time = new ManualTimeProvider();
        await using var hub = await StartAsync(time);
        var now = time.GetUtcNow();
        var first = await EnqueueAsync(hub, now, "a");
        var second = await EnqueueAsync(hub, now, "b");
        await EnqueueAsync(hub, now + TimeSpan.FromMinutes(1), "later");
        await EnqueueAsync(hub, now, "other", queue: "test.other");
        var queue = Queue(hub);

        var claimed = await queue.ClaimAsync("w1", 10, TimeSpan.FromMinutes(1), CancellationToken.None);

        claimed.Select(c => c.Id).ShouldBe([first, second]);
        claimed.ShouldAllBe(c => c.State == WorkState.InProgress && c.Attempts == 1 && c.LeaseOwner == "w1" && c.LeaseUntil == now + TimeSpan.FromMinutes(1));
        (await queue.ClaimAsync("w2", 10, TimeSpan.FromMinutes(1), CancellationToken.None)).ShouldBeEmpty();

        // An expired lease makes the item claimable again, by anyone.
        time.Advance(TimeSpan.FromMinutes(1));
        var again = await queue.ClaimAsync("w2", 10, TimeSpan.FromMinutes(1), CancellationToken.None);
        again.Select(c => (c.Key, c.Attempts)).ShouldBe([("a", 2), ("b", 2), ("later", 1)]);
        (await queue.RecordAsync(first, "w1", WorkOutcome<WorkItemRow>.Done(), CancellationToken.None)).ShouldBeFalse("w1's lease was taken over");
    }

    [Fact]
    public async Task Concurrent_claimers_never_take_the_same_item()
    {
        await using var hub = await StartAsync(TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        var contexts = hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.WorkItems.AddRange(Enumerable.Range(0, 300).Select(i => WorkItemRow.Create(QueueName, $"k-{i}", now)));
            await db.SaveChangesAsync();
        }

        var queue = Queue(hub);
        var taken = new ConcurrentBag<(long Id, string Owner)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 4), async (worker, ct) =>
        {
            var owner = $"w{worker}";
            IReadOnlyList<WorkItemRow> batch;
            do
            {
                batch = await queue.ClaimAsync(owner, 7, TimeSpan.FromMinutes(5), ct);
                foreach (var item in batch)
                {
                    taken.Add((item.Id, owner));
                }
            }
            while (batch.Count > 0);
        });

        taken.Count.ShouldBe(300);
        taken.Select(t => t.Id).Distinct().Count().ShouldBe(300);
    }

    [Fact]
    public async Task Outcomes_set_state_time_and_error_and_a_deferral_gives_its_attempt_back()
    {
        var time = new ManualTimeProvider();
        await using var hub = await StartAsync(time);
        var now = time.GetUtcNow();
        var ids = new List<long>();
        foreach (var key in new[] { "done", "retry", "dead", "defer" })
        {
            ids.Add(await EnqueueAsync(hub, now, key));
        }

        var queue = Queue(hub);
        await queue.ClaimAsync("w", 10, TimeSpan.FromMinutes(1), CancellationToken.None);
        var later = now + TimeSpan.FromSeconds(30);

        (await queue.RecordAsync(ids[0], "w", WorkOutcome<WorkItemRow>.Done(s => s.SetProperty(r => r.Payload, "sent")), CancellationToken.None)).ShouldBeTrue();
        (await queue.RecordAsync(ids[1], "w", WorkOutcome<WorkItemRow>.Retry(later, "HTTP 503"), CancellationToken.None)).ShouldBeTrue();
        (await queue.RecordAsync(ids[2], "w", WorkOutcome<WorkItemRow>.DeadLetter("HTTP 400"), CancellationToken.None)).ShouldBeTrue();
        (await queue.RecordAsync(ids[3], "w", WorkOutcome<WorkItemRow>.Defer(later), CancellationToken.None)).ShouldBeTrue();
        (await queue.RecordAsync(ids[0], "w", WorkOutcome<WorkItemRow>.DeadLetter("again"), CancellationToken.None)).ShouldBeFalse("an item is recorded once per claim");

        var rows = await RowsAsync(hub);
        rows["done"].ShouldSatisfyAllConditions(r => r.State.ShouldBe(WorkState.Done), r => r.Payload.ShouldBe("sent"), r => r.LeaseOwner.ShouldBeNull(), r => r.LastError.ShouldBeNull());
        rows["retry"].ShouldSatisfyAllConditions(r => r.State.ShouldBe(WorkState.Retrying), r => r.NextAttemptAt.ShouldBe(later), r => r.LastError.ShouldBe("HTTP 503"), r => r.Attempts.ShouldBe(1));
        rows["dead"].ShouldSatisfyAllConditions(r => r.State.ShouldBe(WorkState.DeadLetter), r => r.NextAttemptAt.ShouldBeNull(), r => r.LastError.ShouldBe("HTTP 400"));
        rows["defer"].ShouldSatisfyAllConditions(r => r.State.ShouldBe(WorkState.Pending), r => r.NextAttemptAt.ShouldBe(later), r => r.Attempts.ShouldBe(0));
    }

    [Fact]
    public async Task Replay_restarts_an_item_that_is_not_in_progress_and_stats_count_the_backlog()
    {
        var time = new ManualTimeProvider();
        await using var hub = await StartAsync(time);
        var now = time.GetUtcNow();
        var dead = await EnqueueAsync(hub, now, "dead");
        var busy = await EnqueueAsync(hub, now, "busy");
        var queue = Queue(hub);
        await queue.ClaimAsync("w", 10, TimeSpan.FromMinutes(1), CancellationToken.None);
        await queue.RecordAsync(dead, "w", WorkOutcome<WorkItemRow>.DeadLetter("HTTP 400"), CancellationToken.None);
        await EnqueueAsync(hub, now - TimeSpan.FromMinutes(3), "waiting");
        await EnqueueAsync(hub, now + TimeSpan.FromMinutes(3), "not-yet");

        var stats = await queue.StatsAsync(CancellationToken.None);
        // "not-yet" waits (Waiting) but is not due: the backlog (Due) is "waiting" alone.
        stats.ShouldBe(new QueueStats(Waiting: 2, InProgress: 1, DeadLetters: 1, OldestDueAt: now - TimeSpan.FromMinutes(3)) { Due = 1 });

        (await queue.ReplayAsync(dead, CancellationToken.None)).ShouldBe(ReplayResult.Replayed);
        (await queue.ReplayAsync(busy, CancellationToken.None)).ShouldBe(ReplayResult.InProgress);
        (await queue.ReplayAsync(999_999, CancellationToken.None)).ShouldBe(ReplayResult.NotFound);
        var replayed = (await RowsAsync(hub))["dead"];
        replayed.ShouldSatisfyAllConditions(r => r.State.ShouldBe(WorkState.Pending), r => r.Attempts.ShouldBe(0), r => r.LastError.ShouldBeNull(), r => r.NextAttemptAt.ShouldBe(now));
    }

    [Fact]
    public async Task The_worker_retries_a_failing_handler_on_its_schedule_then_dead_letters_it()
    {
        var handler = new ScriptedHandler(key => key switch
        {
            "flaky" => attempt => attempt < 3 ? throw new InvalidOperationException($"attempt {attempt} failed") : WorkOutcome<WorkItemRow>.Done(),
            _ => _ => throw new InvalidOperationException("always"),
        });
        await using var hub = await StartAsync(TimeProvider.System, handler, new TestQueueOptions { MaxAttempts = 3 });
        var now = DateTimeOffset.UtcNow;
        await EnqueueAsync(hub, now, "flaky");
        await EnqueueAsync(hub, now, "broken");

        await RunWorkersAsync(hub, async () => await Eventually.TrueAsync(
            async () => (await RowsAsync(hub)).Values.All(r => r.State is WorkState.Done or WorkState.DeadLetter), "both items finished"));

        var rows = await RowsAsync(hub);
        rows["flaky"].ShouldSatisfyAllConditions(r => r.State.ShouldBe(WorkState.Done), r => r.Attempts.ShouldBe(3));
        rows["broken"].ShouldSatisfyAllConditions(r => r.State.ShouldBe(WorkState.DeadLetter), r => r.Attempts.ShouldBe(3));
        rows["broken"].LastError!.ShouldContain("InvalidOperationException: always");
    }

    [Fact]
    public async Task A_deferred_item_wakes_the_worker_at_its_time_without_waiting_for_a_poll()
    {
        var deferred = 0;
        var handler = new ScriptedHandler(_ => _ => Interlocked.Exchange(ref deferred, 1) == 0
            ? WorkOutcome<WorkItemRow>.Defer(DateTimeOffset.UtcNow.AddMilliseconds(200))
            : WorkOutcome<WorkItemRow>.Done());

        // A poll interval far longer than any test: only the deferral's own wake-up can finish the item.
        await using var hub = await StartAsync(TimeProvider.System, handler, new TestQueueOptions { PollInterval = TimeSpan.FromHours(1) });
        await EnqueueAsync(hub, DateTimeOffset.UtcNow, "paced");

        await RunWorkersAsync(hub, async () =>
        {
            hub.Provider.GetRequiredService<WorkSignals>().For(QueueName).Notify();
            await Eventually.TrueAsync(async () => (await RowsAsync(hub))["paced"].State == WorkState.Done, "the deferred item done");
        });

        handler.Calls.ShouldBe(2);
        (await RowsAsync(hub))["paced"].Attempts.ShouldBe(1); // the deferral gave its attempt back
    }

    [Fact]
    public async Task A_slot_frees_when_its_handler_returns_not_when_its_outcome_is_written()
    {
        // The two first items' recording is held after their write: were a slot held until then, the third (with two
        // slots) would never run. Under a backlog the write waits for the queue's next transaction, and handlers idled.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler(_ => _ => WorkOutcome<WorkItemRow>.Done(),
            onRecorded: item => item.Key.StartsWith("held", StringComparison.Ordinal) ? release.Task : Task.CompletedTask);
        await using var hub = await StartAsync(TimeProvider.System, handler);
        var now = DateTimeOffset.UtcNow;
        await EnqueueAsync(hub, now, "held-1");
        await EnqueueAsync(hub, now, "held-2");
        await EnqueueAsync(hub, now, "free");

        await RunWorkersAsync(hub, async () =>
        {
            try
            {
                // The row is Done before its after-recording step ends, so wait for both (a loaded machine sees the gap).
                await Eventually.TrueAsync(
                    async () => (await RowsAsync(hub))["free"].State == WorkState.Done && handler.Recorded == 1,
                    "the third item done and recorded while the first two are still being recorded");
                handler.Recorded.ShouldBe(1);
            }
            finally
            {
                release.TrySetResult();
            }
        });

        // Stopping waited for the held recordings. A row left undone is named with its state, attempts and owner.
        handler.Recorded.ShouldBe(3);
        (await RowsAsync(hub)).Values.Where(r => r.State != WorkState.Done)
            .Select(r => $"{r.Key}: {r.State}, attempts {r.Attempts}, owner {r.LeaseOwner ?? "none"}, error {r.LastError ?? "none"}")
            .ShouldBeEmpty($"handled {handler.Calls} times for 3 items");
    }

    [Fact]
    public async Task Stopping_gives_items_in_hand_back_without_using_an_attempt()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler(_ => _ => throw new UnreachableException(), async (item, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return WorkOutcome<WorkItemRow>.Done();
        });
        await using var hub = await StartAsync(TimeProvider.System, handler);
        await EnqueueAsync(hub, DateTimeOffset.UtcNow, "long");

        await RunWorkersAsync(hub, () => started.Task);

        var row = (await RowsAsync(hub))["long"];
        row.ShouldSatisfyAllConditions(r => r.State.ShouldBe(WorkState.Pending), r => r.Attempts.ShouldBe(0), r => r.LeaseOwner.ShouldBeNull());
    }

    private async Task<HubServices> StartAsync(TimeProvider time, ScriptedHandler? handler = null, TestQueueOptions? options = null)
    {
        var hub = new HubServices(_db, time, services: s =>
        {
            s.AddSingleton(handler ?? new ScriptedHandler(_ => _ => WorkOutcome<WorkItemRow>.Done()));
            s.AddHubQueue<WorkItemRow, ScriptedHandler>(QueueName, _ => options ?? new TestQueueOptions());
        });
        await hub.Provider.GetRequiredService<HubDatabaseInitializer>().EnsureInitializedAsync(CancellationToken.None);
        return hub;
    }

    private static async Task RunWorkersAsync(HubServices hub, Func<Task> whileRunning)
    {
        var workers = hub.Provider.GetServices<IHostedService>().OfType<QueueWorker<WorkItemRow>>().ToList();
        workers.Count.ShouldBe(1);
        foreach (var worker in workers)
        {
            await worker.StartAsync(CancellationToken.None);
        }

        try
        {
            await whileRunning();
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.StopAsync(CancellationToken.None);
            }
        }
    }

    private static EfWorkQueue<WorkItemRow> Queue(HubServices hub) =>
        (EfWorkQueue<WorkItemRow>)hub.Provider.GetRequiredKeyedService<IWorkQueue<WorkItemRow>>(QueueName);

    private static async Task<long> EnqueueAsync(HubServices hub, DateTimeOffset due, string key, string queue = QueueName)
    {
        await using var db = await hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        var row = WorkItemRow.Create(queue, key, due);
        db.WorkItems.Add(row);
        await db.SaveChangesAsync();
        return row.Id;
    }

    private static async Task<Dictionary<string, WorkItemRow>> RowsAsync(HubServices hub)
    {
        await using var db = await hub.Provider.GetRequiredService<IDbContextFactory<HubDbContext>>().CreateDbContextAsync();
        return await db.WorkItems.AsNoTracking().Where(w => w.Queue == QueueName).ToDictionaryAsync(w => w.Key);
    }

    private sealed class TestQueueOptions : IQueueOptions
    {
        public int MaxAttempts { get; init; } = 5;

        public bool WorkerEnabled => true;

        public int BatchSize => 4;

        public int Concurrency => 2;

        public TimeSpan LeaseDuration => TimeSpan.FromMinutes(1);

        public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

        public RetrySchedule Retry => new([TimeSpan.FromMilliseconds(20)], MaxAttempts);
    }

    /// <summary>A handler whose answer per key and attempt the test scripts.</summary>
    private sealed class ScriptedHandler(
        Func<string, Func<int, WorkOutcome<WorkItemRow>>> script,
        Func<WorkItemRow, CancellationToken, Task<WorkOutcome<WorkItemRow>>>? async = null,
        Func<WorkItemRow, Task>? onRecorded = null) : IWorkHandler<WorkItemRow>, IWorkRecordedHandler<WorkItemRow>
    {
        private int _calls;
        private int _recorded;

        public int Calls => Volatile.Read(ref _calls);

        /// <summary>Outcomes whose after-recording step has finished.</summary>
        public int Recorded => Volatile.Read(ref _recorded);

        public async Task OnRecordedAsync(WorkItemRow item, WorkOutcome<WorkItemRow> outcome, CancellationToken cancellationToken)
        {
            if (onRecorded is not null)
            {
                await onRecorded(item);
            }

            Interlocked.Increment(ref _recorded);
        }

        public Task<WorkOutcome<WorkItemRow>> HandleAsync(WorkItemRow item, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return async is not null ? async(item, cancellationToken) : Task.FromResult(script(item.Key)(item.Attempts));
        }
    }
}

public sealed class SqliteWorkQueueTests : WorkQueueTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresWorkQueueTests(PostgresCluster cluster) : WorkQueueTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
