using Larkway.Feishu.Events;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Hub.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Inbox;

/// <summary>
/// Drains the inbox: claims batches under a lease, parses each stored body, dispatches it through the app's
/// <see cref="Larkway.Feishu.Events.Dispatch.FeishuEventDispatcher"/>, and completes or fails it with back-off.
/// </summary>
/// <remarks>
/// Guarantees: at-least-once dispatch (handlers must be idempotent — a crash between the handler and
/// <c>Complete</c> runs it again after the lease expires); an event is held by one processor at a time.
/// Ordering: batches are claimed oldest first, but events of one batch run concurrently
/// (<see cref="InboxOptions.Concurrency"/>) and failed events retry later, so there is no per-chat or
/// global ordering. Set Concurrency to 1 on a single replica for arrival order among events that succeed first time.
/// </remarks>
internal sealed partial class InboxProcessor(
    InboxStore store,
    InboxSignal signal,
    IHubEventDispatcherProvider dispatchers,
    IEnumerable<IInboxEventObserver> observers,
    HubDatabaseInitializer initializer,
    TimeProvider time,
    IOptions<InboxOptions> options,
    ILogger<InboxProcessor> logger) : BackgroundService
{
    private readonly InboxOptions _options = options.Value;
    private readonly IInboxEventObserver[] _observers = [.. observers];
    private int _batchesRunning;

    /// <summary>This processor's lease owner name.</summary>
    public string Owner { get; } = InboxOwner.Create("processor");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await initializer.EnsureInitializedAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        LogStarted(logger, Owner);
        var renewing = RenewLeasesAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var batch = await store.ClaimAsync(Owner, _options.BatchSize, _options.LeaseDuration, stoppingToken).ConfigureAwait(false);
                if (batch.Count == 0)
                {
                    await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
                    continue;
                }

                await ProcessBatchAsync(batch, stoppingToken).ConfigureAwait(false);
                if (batch.Count < _options.BatchSize)
                {
                    // Nothing else was due at the claim; anything stored since has signalled. Claiming again at once
                    // would cost an empty write transaction per batch, in the appends' way.
                    await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database is unavailable or similar: wait a poll interval rather than spin.
                LogLoopFailed(logger, ex);
                try
                {
                    await Task.Delay(_options.PollInterval, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        LogStopped(logger, Owner);
    }

    /// <summary>Waits for a signal (or the poll interval), then lets events gather for <see cref="InboxOptions.ClaimDelay"/>.</summary>
    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        await signal.WaitAsync(_options.PollInterval, time, stoppingToken).ConfigureAwait(false);
        if (_options.ClaimDelay > TimeSpan.Zero)
        {
            await Task.Delay(_options.ClaimDelay, time, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task ProcessBatchAsync(IReadOnlyList<InboxEvent> batch, CancellationToken stoppingToken)
    {
        Interlocked.Increment(ref _batchesRunning);
        try
        {
            // No cancellation token here: on shutdown every remaining item is released rather than skipped.
            await Parallel.ForEachAsync(
                batch,
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Concurrency) },
                async (item, _) => await ProcessOneAsync(item, stoppingToken).ConfigureAwait(false)).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _batchesRunning);
        }
    }

    /// <summary>
    /// Keeps this processor's leases alive while a batch runs, so a slow handler is not taken over. One loop for
    /// the processor's lifetime: a timer per batch would cost a cancelled delay, and its exception, per batch.
    /// </summary>
    private async Task RenewLeasesAsync(CancellationToken stoppingToken)
    {
        var every = _options.LeaseDuration / 3;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(every, time, stoppingToken).ConfigureAwait(false);
            if (Volatile.Read(ref _batchesRunning) == 0)
            {
                continue;
            }

            try
            {
                await store.RenewLeasesAsync(Owner, _options.LeaseDuration, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRenewFailed(logger, ex.GetType().Name);
            }
        }
    }

    private async Task ProcessOneAsync(InboxEvent item, CancellationToken stoppingToken)
    {
        try
        {
            if (stoppingToken.IsCancellationRequested)
            {
                await store.ReleaseAsync(item.Id, Owner, CancellationToken.None).ConfigureAwait(false);
                return;
            }

            if (item.Attempts > _options.MaxAttempts)
            {
                // Claimed again and again without an outcome: its handler keeps killing the process or outliving the lease.
                await store.FailAsync(item.Id, Owner, "Lease expired on every attempt without an outcome (process crash or stuck handler).", cancellationToken: CancellationToken.None)
                    .ConfigureAwait(false);
                return;
            }

            await DispatchAsync(item, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Recording the outcome failed: the lease expires and the event is retried; nothing is lost.
            LogRecordFailed(logger, item.Id, ex.GetType().Name);
        }
    }

    private async Task DispatchAsync(InboxEvent item, CancellationToken stoppingToken)
    {
        try
        {
            var dispatcher = dispatchers.GetDispatcher(item.AppName);
            if (dispatcher is null && _observers.Length == 0)
            {
                LogNoDispatcher(logger, item.Id, item.AppName);
                await store.CompleteAsync(item.Id, Owner, CancellationToken.None).ConfigureAwait(false);
                return;
            }

            var envelope = FeishuEventEnvelope.Parse(item.Body);

            // Observers (webhook fan-out) first: a failing handler then does not hold back forwarding, and both are idempotent.
            var context = new InboxEventContext(item.Id, item.AppName, item.ReceivedAt, envelope);
            foreach (var observer in _observers)
            {
                await observer.OnEventAsync(context, stoppingToken).ConfigureAwait(false);
            }

            if (dispatcher is null)
            {
                LogNoDispatcher(logger, item.Id, item.AppName);
                await store.CompleteAsync(item.Id, Owner, CancellationToken.None).ConfigureAwait(false);
                return;
            }

            var result = await dispatcher.DispatchAsync(envelope, stoppingToken).ConfigureAwait(false);
            await store.CompleteAsync(item.Id, Owner, CancellationToken.None).ConfigureAwait(false);
            LogDispatched(logger, item.Id, item.EventType, result.Handled);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await store.ReleaseAsync(item.Id, Owner, CancellationToken.None).ConfigureAwait(false);
        }
        catch (FeishuEventException ex) when (ex.Reason == FeishuEventErrorReason.Malformed)
        {
            // The stored body does not match its event model: every retry would fail the same way.
            await store.DeadLetterAsync(item.Id, Owner, InboxOwner.Describe(ex), CancellationToken.None).ConfigureAwait(false);
            LogMalformed(logger, item.Id, item.EventType);
        }
        catch (Exception ex)
        {
            var status = await store.FailAsync(item.Id, Owner, InboxOwner.Describe(ex), cancellationToken: CancellationToken.None).ConfigureAwait(false);
            LogHandlerFailed(logger, item.Id, item.EventType, item.Attempts, ex.GetType().FullName ?? ex.GetType().Name, status?.ToString() ?? "lease lost");
        }
    }

    [LoggerMessage(EventId = 4030, Level = LogLevel.Information, Message = "Inbox processor {Owner} started.")]
    private static partial void LogStarted(ILogger logger, string owner);

    [LoggerMessage(EventId = 4031, Level = LogLevel.Information, Message = "Inbox processor {Owner} stopped.")]
    private static partial void LogStopped(ILogger logger, string owner);

    [LoggerMessage(EventId = 4032, Level = LogLevel.Debug, Message = "Inbox event {EventId} ({EventType}) dispatched; handled: {Handled}.")]
    private static partial void LogDispatched(ILogger logger, long eventId, string eventType, bool handled);

    [LoggerMessage(EventId = 4033, Level = LogLevel.Warning, Message = "Inbox event {EventId} ({EventType}) attempt {Attempt} failed with {ExceptionType}; now {Status}.")]
    private static partial void LogHandlerFailed(ILogger logger, long eventId, string eventType, int attempt, string exceptionType, string status);

    [LoggerMessage(EventId = 4034, Level = LogLevel.Error, Message = "Inbox processor loop failed; retrying after the poll interval.")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4035, Level = LogLevel.Warning, Message = "Renewing inbox leases failed ({ExceptionType}).")]
    private static partial void LogRenewFailed(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 4036, Level = LogLevel.Error, Message = "Inbox event {EventId}: recording its outcome failed ({ExceptionType}); it will be retried after its lease expires.")]
    private static partial void LogRecordFailed(ILogger logger, long eventId, string exceptionType);

    [LoggerMessage(EventId = 4038, Level = LogLevel.Warning, Message = "Inbox event {EventId} ({EventType}) is malformed for its event type; dead-lettered without retries.")]
    private static partial void LogMalformed(ILogger logger, long eventId, string eventType);

    [LoggerMessage(EventId = 4037, Level = LogLevel.Warning, Message = "Inbox event {EventId}: no dispatcher for app '{AppName}'; marked Done without handling.")]
    private static partial void LogNoDispatcher(ILogger logger, long eventId, string appName);
}
