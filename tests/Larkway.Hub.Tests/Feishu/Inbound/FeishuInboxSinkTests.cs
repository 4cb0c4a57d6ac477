using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Platform.Queue;
using Larkway.Feishu.Events.Dispatch;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Feishu.Events.Models.Im;
using Larkway.Hub.Inbox;
using Larkway.Hub.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Tests.Feishu.Inbound;

/// <summary>The event sink on every provider (<see cref="SqliteFeishuInboxSinkTests"/>, <see cref="PostgresFeishuInboxSinkTests"/>).</summary>
public abstract class FeishuInboxSinkTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private IHubTestDatabase _db = null!;
    private int _cardCalls;

    /// <summary>An empty database of the provider under test.</summary>
    protected abstract Task<IHubTestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => _db = await CreateDatabaseAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private HubServices Services(Func<CardActionTriggerEvent, CancellationToken, Task<CardActionResponse?>> onCard) =>
        new(_db, _time, services: s => s.AddHubEventDispatcher("", (_, d) => d.OnCardAction(async (e, _, ct) =>
        {
            Interlocked.Increment(ref _cardCalls);
            return await onCard(e, ct);
        })));

    [Fact]
    public async Task Events_are_persisted_pending_before_accepting_and_redeliveries_are_duplicates()
    {
        await using var hub = Services((_, _) => Task.FromResult<CardActionResponse?>(null));
        IFeishuEventSink sink = hub.Provider.GetRequiredService<IFeishuEventSink>();

        var first = await sink.AcceptAsync(TestEvents.Message("ev_1", "om_1"), CancellationToken.None);
        var again = await sink.AcceptAsync(TestEvents.Message("ev_9", "om_1"), CancellationToken.None);

        first.ShouldBe(FeishuIngestResult.Accepted);
        again.ShouldBe(FeishuIngestResult.Duplicate);
        (await hub.Store.ListAsync(null, null, 10)).Items.ShouldHaveSingleItem().Status.ShouldBe(WorkState.Pending);
    }

    [Fact]
    public async Task A_card_action_is_answered_inline_with_the_handler_response_and_stored_done()
    {
        await using var hub = Services((e, _) => Task.FromResult<CardActionResponse?>(
            CardActionResponse.WithToast(CardToastType.Success, $"got {e.Action.Tag}")));

        var result = await hub.Sink.AcceptAsync(TestEvents.CardAction("card_1"), CancellationToken.None);

        result.Status.ShouldBe(FeishuIngestStatus.Accepted);
        result.CardResponse.ShouldNotBeNull().Toast!.Content.ShouldBe("got button");
        var stored = (await hub.Store.ListAsync(null, null, 10)).Items.ShouldHaveSingleItem();
        stored.EventType.ShouldBe(CardActionTriggerEvent.Type);
        stored.Status.ShouldBe(WorkState.Done);
        stored.Attempts.ShouldBe(1);
    }

    [Fact]
    public async Task A_redelivered_card_action_is_a_duplicate_and_not_handled_again()
    {
        await using var hub = Services((_, _) => Task.FromResult<CardActionResponse?>(CardActionResponse.Empty));

        await hub.Sink.AcceptAsync(TestEvents.CardAction("card_1"), CancellationToken.None);
        var again = await hub.Sink.AcceptAsync(TestEvents.CardAction("card_1"), CancellationToken.None);

        again.ShouldBe(FeishuIngestResult.Duplicate);
        _cardCalls.ShouldBe(1);
    }

    [Fact]
    public async Task A_slow_card_action_is_answered_without_a_card_at_the_deadline_and_finishes_later()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = Services(async (_, _) =>
        {
            await release.Task;
            return CardActionResponse.WithToast(CardToastType.Info, "too late");
        });

        var accepting = hub.Sink.AcceptAsync(TestEvents.CardAction("card_slow"), CancellationToken.None).AsTask();
        await Eventually.TrueAsync(() => Task.FromResult(_time.ActiveTimers > 0), "the deadline timer is set");
        accepting.IsCompleted.ShouldBeFalse();
        _time.Advance(TimeSpan.FromMilliseconds(2500));
        var result = await accepting.WaitAsync(TimeSpan.FromSeconds(30));

        result.Status.ShouldBe(FeishuIngestStatus.Accepted);
        result.CardResponse.ShouldBeNull();
        var stored = (await hub.Store.ListAsync(null, null, 10)).Items.ShouldHaveSingleItem();
        stored.Status.ShouldBe(WorkState.InProgress);

        release.SetResult();
        await Eventually.TrueAsync(async () => (await hub.Store.GetAsync(stored.Id))!.State == WorkState.Done, "the handler finished and recorded it");
    }

    [Fact]
    public async Task A_failing_card_action_handler_is_answered_empty_and_stored_failed_for_retry()
    {
        await using var hub = Services((_, _) => throw new InvalidOperationException("card handler broke"));

        var result = await hub.Sink.AcceptAsync(TestEvents.CardAction("card_bad"), CancellationToken.None);

        result.Status.ShouldBe(FeishuIngestStatus.Accepted);
        result.CardResponse.ShouldBeNull();
        var stored = (await hub.Store.ListAsync(null, null, 10)).Items.ShouldHaveSingleItem();
        stored.Status.ShouldBe(WorkState.Retrying);
        stored.LastError.ShouldBe("System.InvalidOperationException: card handler broke");
        stored.NextAttemptAt.ShouldBe(_time.GetUtcNow() + TimeSpan.FromSeconds(5));
    }

    private HubServices IgnoringServices(bool leavesAlone, bool observerWants = false, bool handler = true) =>
        new(_db, _time, services: s =>
        {
            if (handler)
            {
                s.AddHubEventDispatcher("", (_, d) => d.On<MessageReceivedEvent>((_, _, _) =>
                {
                    Interlocked.Increment(ref _messageCalls);
                    return Task.CompletedTask;
                }));
            }

            s.AddHubEventIgnoreRule("", _ => _ => leavesAlone);
            s.AddSingleton<IInboxEventObserver>(new WantingObserver(observerWants));
        });

    private int _messageCalls;

    [Fact]
    public async Task An_event_its_handler_leaves_alone_is_stored_done_at_ingest_and_replay_hands_it_to_the_handler()
    {
        await using var hub = IgnoringServices(leavesAlone: true);

        var first = await hub.Sink.AcceptAsync(TestEvents.Message("ev_1", "om_1"), CancellationToken.None);
        var again = await hub.Sink.AcceptAsync(TestEvents.Message("ev_2", "om_1"), CancellationToken.None);

        first.ShouldBe(FeishuIngestResult.Accepted);
        again.ShouldBe(FeishuIngestResult.Duplicate);
        var stored = (await hub.Store.ListAsync(null, null, 10)).Items.ShouldHaveSingleItem();
        stored.Status.ShouldBe(WorkState.Done);
        stored.Attempts.ShouldBe(0);
        stored.CompletedAt.ShouldNotBeNull();
        (await hub.Store.ClaimAsync("worker", 10, TimeSpan.FromMinutes(1))).ShouldBeEmpty();

        (await hub.Store.ReplayAsync(stored.Id)).ShouldBe(ReplayResult.Replayed);
        (await hub.Store.ClaimAsync("worker", 10, TimeSpan.FromMinutes(1))).ShouldHaveSingleItem().Id.ShouldBe(stored.Id);
    }

    [Theory]
    [InlineData(false, false, true)]
    [InlineData(true, true, true)]
    [InlineData(true, false, false)]
    public async Task An_event_is_queued_when_its_handler_wants_it_an_observer_does_or_no_handler_judges_it(bool leavesAlone, bool observerWants, bool handler)
    {
        await using var hub = IgnoringServices(leavesAlone, observerWants, handler);

        await hub.Sink.AcceptAsync(TestEvents.Message("ev_1", "om_1"), CancellationToken.None);

        (await hub.Store.ListAsync(null, null, 10)).Items.ShouldHaveSingleItem().Status.ShouldBe(WorkState.Pending);
    }

    private sealed class WantingObserver(bool wants) : IInboxEventObserver
    {
        public Task<bool> OnEventAsync(InboxEventContext context, CancellationToken cancellationToken) => Task.FromResult(wants);

        public ValueTask<bool> WantsAsync(InboxEventContext context, CancellationToken cancellationToken) => ValueTask.FromResult(wants);
    }

    [Fact]
    public async Task A_url_verification_that_reaches_the_sink_is_not_stored()
    {
        await using var hub = Services((_, _) => Task.FromResult<CardActionResponse?>(null));

        var result = await hub.Sink.AcceptAsync(
            TestEvents.Inbound("""{"type":"url_verification","challenge":"c","token":"vt"}"""), CancellationToken.None);

        result.ShouldBe(FeishuIngestResult.Accepted);
        (await hub.Store.ListAsync(null, null, 10)).Items.ShouldBeEmpty();
    }
}

public sealed class SqliteFeishuInboxSinkTests : FeishuInboxSinkTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => Task.FromResult<IHubTestDatabase>(new TempDatabase());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresFeishuInboxSinkTests(PostgresCluster cluster) : FeishuInboxSinkTests
{
    protected override Task<IHubTestDatabase> CreateDatabaseAsync() => cluster.CreateTestDatabaseAsync();
}
