using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Platform.Queue;
using System.Collections.Concurrent;
using Larkway.Feishu.Events;
using Larkway.Feishu.Events.Dispatch;
using Larkway.Hub.Inbox;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Larkway.Hub.Tests.Inbox;

/// <summary>The processor on every provider (<see cref="SqliteInboxProcessorTests"/>, <see cref="PostgresInboxProcessorTests"/>).</summary>
public abstract class InboxProcessorTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private IHubTestDatabase _db = null!;

    /// <summary>An empty database of the provider under test.</summary>
    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => _db = await CreateDatabaseAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private HubServices Services(Func<FeishuEventContext, CancellationToken, Task> handler, Action<InboxOptions>? inbox = null) =>
        new(_db, _time, inbox, services: s => s.AddHubEventDispatcher("", (_, d) => d.On(TestEvents.CustomType, async (_, ctx, ct) =>
        {
            _calls.AddOrUpdate(ctx.EventId!, 1, (_, n) => n + 1);
            await handler(ctx, ct);
        })));

    /// <summary>Starts the inbox queue's worker, which runs the <see cref="InboxProcessor"/>.</summary>
    private static async Task<QueueWorker<InboxEvent>> StartAsync(HubServices hub)
    {
        var processor = hub.Provider.GetServices<IHostedService>().OfType<QueueWorker<InboxEvent>>().Single();
        await processor.StartAsync(CancellationToken.None);
        return processor;
    }

    [Fact]
    public async Task Drains_the_inbox_dispatching_each_event_exactly_once()
    {
        await using var hub = Services((_, _) => Task.CompletedTask);
        for (var i = 0; i < 40; i++)
        {
            await hub.Store.AppendAsync(TestEvents.Custom($"ev_{i}"));
        }

        var processor = await StartAsync(hub);
        await Eventually.TrueAsync(async () => (await hub.Store.ListAsync(null, WorkState.Done, 100)).Items.Count == 40, "all 40 events done");
        await processor.StopAsync(CancellationToken.None);

        _calls.Count.ShouldBe(40);
        _calls.Values.ShouldAllBe(n => n == 1);
        (await hub.Store.ListAsync(null, null, 100)).Items.ShouldAllBe(e => e.Attempts == 1 && e.CompletedAt != null);
    }

    [Fact]
    public async Task Two_replicas_receiving_the_same_events_dispatch_each_exactly_once()
    {
        await using var one = Services((_, _) => Task.CompletedTask);
        await using var two = Services((_, _) => Task.CompletedTask);
        await Task.WhenAll(one.Store.ListAsync(null, null, 1), two.Store.ListAsync(null, null, 1));
        var processors = await Task.WhenAll(StartAsync(one), StartAsync(two));

        // Every event reaches both replicas at once; both processors run against the one database.
        await Task.WhenAll(Enumerable.Range(0, 60).SelectMany(i => new[]
        {
            Task.Run(() => one.Store.AppendAsync(TestEvents.Custom($"ev_{i}"))),
            Task.Run(() => two.Store.AppendAsync(TestEvents.Custom($"ev_{i}"))),
        }));

        await Eventually.TrueAsync(async () => (await one.Store.ListAsync(null, WorkState.Done, 100)).Items.Count == 60, "all 60 events done");
        await Task.WhenAll(processors.Select(p => p.StopAsync(CancellationToken.None)));

        _calls.Count.ShouldBe(60);
        _calls.Values.ShouldAllBe(n => n == 1);
        (await two.Store.ListAsync(null, null, 100)).Items.ShouldAllBe(e => e.Attempts == 1);
    }

    [Fact]
    public async Task Wakes_up_for_a_new_event_without_waiting_for_the_poll_interval()
    {
        await using var hub = Services((_, _) => Task.CompletedTask);
        var processor = await StartAsync(hub);
        await Eventually.TrueAsync(() => Task.FromResult(_time.ActiveTimers > 0), "the processor is idle, waiting");

        // The manual clock never moves here: only the append's signal can wake the processor.
        var id = (await hub.Store.AppendAsync(TestEvents.Custom("ev_late"))).EventId;

        await Eventually.TrueAsync(async () => (await hub.Store.GetAsync(id))!.State == WorkState.Done, "the new event is handled");
        await processor.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_throwing_handler_is_retried_after_the_back_off()
    {
        await using var hub = Services((ctx, _) =>
            _calls[ctx.EventId!] == 1 ? throw new InvalidOperationException("first try fails") : Task.CompletedTask);
        var id = (await hub.Store.AppendAsync(TestEvents.Custom("ev_1"))).EventId;
        var processor = await StartAsync(hub);

        await Eventually.TrueAsync(async () => (await hub.Store.GetAsync(id))!.State == WorkState.Retrying, "the first attempt failed");
        var failed = await hub.Store.GetAsync(id);
        failed!.LastError.ShouldBe("System.InvalidOperationException: first try fails");
        failed.NextAttemptAt.ShouldBe(_time.GetUtcNow() + TimeSpan.FromSeconds(5));

        await Eventually.TrueAsync(async () =>
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            return (await hub.Store.GetAsync(id))!.State == WorkState.Done;
        }, "the retry succeeded");
        await processor.StopAsync(CancellationToken.None);

        _calls["ev_1"].ShouldBe(2);
        var done = await hub.Store.GetAsync(id);
        done!.Attempts.ShouldBe(2);
        done.LastError.ShouldBeNull();
    }

    [Fact]
    public async Task A_handler_that_always_throws_is_dead_lettered_after_max_attempts()
    {
        await using var hub = Services((_, _) => throw new InvalidOperationException("handler broke"), o => o.MaxAttempts = 3);
        var id = (await hub.Store.AppendAsync(TestEvents.Custom("ev_1"))).EventId;
        var processor = await StartAsync(hub);

        await Eventually.TrueAsync(async () =>
        {
            _time.Advance(TimeSpan.FromMinutes(10));
            return (await hub.Store.GetAsync(id))!.State == WorkState.DeadLetter;
        }, "dead-lettered");
        _time.Advance(TimeSpan.FromDays(1));
        await processor.StopAsync(CancellationToken.None);

        _calls["ev_1"].ShouldBe(3);
        var dead = await hub.Store.GetAsync(id);
        dead!.Attempts.ShouldBe(3);
        dead.LastError.ShouldBe("System.InvalidOperationException: handler broke");
    }

    [Fact]
    public async Task Events_without_a_handler_or_dispatcher_are_done()
    {
        await using var hub = Services((_, _) => Task.CompletedTask);
        var unhandledType = (await hub.Store.AppendAsync(TestEvents.Custom("ev_1", type: "other.type_v1"))).EventId;
        var unknownApp = (await hub.Store.AppendAsync(TestEvents.Custom("ev_2", app: "nobody"))).EventId;
        var processor = await StartAsync(hub);

        await Eventually.TrueAsync(async () => (await hub.Store.ListAsync(null, WorkState.Done, 10)).Items.Count == 2, "both done");
        await processor.StopAsync(CancellationToken.None);

        _calls.ShouldBeEmpty();
        (await hub.Store.GetAsync(unhandledType))!.LastError.ShouldBeNull();
        (await hub.Store.GetAsync(unknownApp))!.State.ShouldBe(WorkState.Done);
    }

    [Fact]
    public async Task An_event_of_a_platform_this_Hub_does_not_run_is_dead_lettered_at_once_saying_so()
    {
        // Stored by a platform's room, read back by a Hub without it: no handler names its transport, and no retry would find one.
        await using var hub = Services((_, _) => Task.CompletedTask);
        var inbox = hub.Provider.GetRequiredService<InboxStore>();
        var gone = (await inbox.AppendAsync(new PlatformInbound("ops", "gonechat.message", new InboxTransport("GonechatPush"), ["gc:ops:1"], "{}"u8.ToArray()), CancellationToken.None)).EventId;
        var feishu = (await hub.Store.AppendAsync(TestEvents.Custom("ev_feishu"))).EventId;
        var processor = await StartAsync(hub);

        await Eventually.TrueAsync(async () => (await hub.Store.GetAsync(gone))!.State == WorkState.DeadLetter && (await hub.Store.GetAsync(feishu))!.State == WorkState.Done, "the unknown platform's event dead-lettered, Feishu's done");
        await processor.StopAsync(CancellationToken.None);

        var dead = (await hub.Store.GetAsync(gone))!;
        dead.Attempts.ShouldBe(1);
        dead.LastError!.ShouldContain("'gonechat_push'");
        _calls.Keys.ShouldBe(["ev_feishu"]);
    }

    [Fact]
    public async Task Shutdown_gives_in_flight_events_back_instead_of_losing_them()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = Services(async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
        });
        var id = (await hub.Store.AppendAsync(TestEvents.Custom("ev_1"))).EventId;
        var processor = await StartAsync(hub);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await processor.StopAsync(CancellationToken.None);

        var released = await hub.Store.GetAsync(id);
        released!.State.ShouldBe(WorkState.Pending);
        released.Attempts.ShouldBe(0);
        released.LeaseOwner.ShouldBeNull();
    }

    [Fact]
    public async Task An_event_whose_lease_keeps_expiring_is_dead_lettered_without_running_its_handler_again()
    {
        await using var hub = Services((_, _) => Task.CompletedTask, o => o.MaxAttempts = 2);
        var id = (await hub.Store.AppendAsync(TestEvents.Custom("ev_crashy"))).EventId;

        // Two processes took it and died mid-handler: their leases expired without an outcome.
        for (var i = 0; i < 2; i++)
        {
            (await hub.Store.ClaimAsync($"dead-process-{i}", 1, TimeSpan.FromSeconds(30))).ShouldHaveSingleItem();
            _time.Advance(TimeSpan.FromSeconds(31));
        }

        var processor = await StartAsync(hub);
        await Eventually.TrueAsync(async () => (await hub.Store.GetAsync(id))!.State == WorkState.DeadLetter, "dead-lettered");
        await processor.StopAsync(CancellationToken.None);

        _calls.ShouldBeEmpty();
        (await hub.Store.GetAsync(id))!.LastError!.ShouldContain("Lease expired");
    }

    [Fact]
    public async Task A_malformed_event_is_dead_lettered_at_once()
    {
        await using var hub = Services((_, _) => throw new FeishuEventException("Expected a different shape."));
        var id = (await hub.Store.AppendAsync(TestEvents.Custom("ev_bad"))).EventId;
        var processor = await StartAsync(hub);

        await Eventually.TrueAsync(async () => (await hub.Store.GetAsync(id))!.State == WorkState.DeadLetter, "dead-lettered");
        await processor.StopAsync(CancellationToken.None);

        _calls["ev_bad"].ShouldBe(1);
        var dead = await hub.Store.GetAsync(id);
        dead!.Attempts.ShouldBe(1);
        dead.LastError!.ShouldStartWith("Larkway.Feishu.Events.FeishuEventException: ");
    }
}

public sealed class SqliteInboxProcessorTests : InboxProcessorTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresInboxProcessorTests(PostgresCluster cluster) : InboxProcessorTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
