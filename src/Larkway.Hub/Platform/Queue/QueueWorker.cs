using Larkway.Hub.Platform.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Platform.Queue;

/// <summary>
/// The one worker host of every queue. It runs up to <see cref="IQueueOptions.Concurrency"/> handlers at once, claiming
/// more under a lease as soon as one finishes (a slow item holds one slot, never the loop), renews its leases while
/// items are in hand, records each outcome through the queue, gives items back when the Hub stops, and when nothing is
/// due waits for the queue's signal, the poll interval, a finished item, or the time a deferred item comes due.
/// A slot is freed when its handler returns, not when the outcome is written: the write joins the queue's next
/// transaction (which may wait behind other writers), and holding the slot for it left handlers idle under a backlog.
/// </summary>
/// <typeparam name="TRow">The queue's row type.</typeparam>
internal sealed partial class QueueWorker<TRow> : BackgroundService
    where TRow : class, IWorkItem
{
    private readonly IWorkQueue<TRow> _queue;
    private readonly IWorkHandler<TRow> _handler;
    private readonly IQueueOptions _options;
    private readonly WorkSignal _signal;
    private readonly HubDatabaseInitializer _database;
    private readonly QueueMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PriorityQueue<DateTimeOffset, DateTimeOffset> _wakeAt = new();
    private readonly Lock _wakeLock = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> _recording = new();
    private int _inHand;

    public QueueWorker(
        IWorkQueue<TRow> queue,
        IWorkHandler<TRow> handler,
        IQueueOptions options,
        WorkSignal signal,
        HubDatabaseInitializer database,
        QueueMetrics metrics,
        TimeProvider time,
        ILogger logger)
    {
        _queue = queue;
        _handler = handler;
        _options = options;
        _signal = signal;
        _database = database;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        Owner = QueueOwner.Create(queue.Name);
    }

    /// <summary>This worker's lease owner name.</summary>
    public string Owner { get; }

    /// <summary>The queue it drains.</summary>
    public string Queue => _queue.Name;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.WorkerEnabled)
        {
            return;
        }

        try
        {
            await _database.EnsureInitializedAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        LogStarted(_logger, _queue.Name, Owner);
        var renewing = RenewLeasesAsync(stoppingToken);
        var running = new List<Task>();
        var concurrency = Math.Max(1, _options.Concurrency);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                running.RemoveAll(t => t.IsCompleted);
                var wanted = Math.Min(Math.Max(1, _options.BatchSize), concurrency - running.Count);
                IReadOnlyList<TRow> claimed = [];
                if (wanted > 0)
                {
                    try
                    {
                        claimed = await _queue.ClaimAsync(Owner, wanted, _options.LeaseDuration, stoppingToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        break;
                    }
                    catch (Exception ex)
                    {
                        // The database is away or similar: wait a poll interval rather than spin.
                        LogClaimFailed(_logger, ex, _queue.Name);
                        await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
                        continue;
                    }

                    foreach (var item in claimed)
                    {
                        running.Add(Task.Run(() => HandleOneAsync(item, stoppingToken), CancellationToken.None));
                    }
                }

                if (claimed.Count < wanted)
                {
                    // Nothing more is due: wait for new work, a free slot or a deferred item's time, then let more gather.
                    await WaitForWorkAsync(running, stoppingToken).ConfigureAwait(false);
                    if (_options.ClaimDelay > TimeSpan.Zero)
                    {
                        await Task.Delay(_options.ClaimDelay, _time, stoppingToken).ConfigureAwait(false);
                    }
                }
                else if (running.Count >= concurrency)
                {
                    await Task.WhenAny(running).WaitAsync(stoppingToken).ConfigureAwait(false);
                    await GatherFreeSlotsAsync(running, concurrency, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Items in hand give themselves back (or record their outcome) as they stop.
        await Task.WhenAll(running).ConfigureAwait(false);
        await Task.WhenAll(_recording.Keys).ConfigureAwait(false);
        await renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        LogStopped(_logger, _queue.Name, Owner);
    }

    /// <summary>
    /// A backlog (the last claim was full) and one slot just freed: wait up to <see cref="IQueueOptions.ClaimDelay"/> for a
    /// quarter of the slots to be free, so that one claim (a write transaction) serves several items instead of one each.
    /// </summary>
    private async Task GatherFreeSlotsAsync(List<Task> running, int concurrency, CancellationToken stoppingToken)
    {
        var gather = Math.Min(Math.Max(1, _options.BatchSize), concurrency / 4);
        if (gather <= 1 || _options.ClaimDelay <= TimeSpan.Zero)
        {
            return;
        }

        running.RemoveAll(t => t.IsCompleted);
        if (running.Count <= concurrency - gather)
        {
            return;
        }

        var deadline = Task.Delay(_options.ClaimDelay, _time, stoppingToken);
        while (running.Count > concurrency - gather && !deadline.IsCompleted)
        {
            await Task.WhenAny([deadline, .. running]).ConfigureAwait(false);
            running.RemoveAll(t => t.IsCompleted);
        }

        stoppingToken.ThrowIfCancellationRequested();
    }

    private async Task WaitForWorkAsync(List<Task> running, CancellationToken stoppingToken)
    {
        var timeout = _options.PollInterval;
        if (NextWake() is { } wake)
        {
            var untilWake = wake - _time.GetUtcNow();
            if (untilWake <= TimeSpan.Zero)
            {
                return;
            }

            timeout = untilWake < timeout ? untilWake : timeout;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var signalled = _signal.WaitAsync(timeout, _time, cts.Token);
        await Task.WhenAny([signalled, .. running]).ConfigureAwait(false);
        await cts.CancelAsync().ConfigureAwait(false);
        try
        {
            await signalled.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // A finished item woke the loop first.
        }
    }

    /// <summary>Keeps this worker's leases alive while it holds items, so a slow handler is not taken over.</summary>
    private async Task RenewLeasesAsync(CancellationToken stoppingToken)
    {
        var every = _options.LeaseDuration / 3;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(every, _time, stoppingToken).ConfigureAwait(false);
            if (Volatile.Read(ref _inHand) == 0)
            {
                continue;
            }

            try
            {
                await _queue.RenewAsync(Owner, _options.LeaseDuration, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRenewFailed(_logger, _queue.Name, QueueErrors.ForLog(ex));
            }
        }
    }

    /// <summary>Runs the handler (the slot's part), then leaves the outcome to be recorded apart from the slot.</summary>
    private async Task HandleOneAsync(TRow item, CancellationToken stoppingToken)
    {
        Interlocked.Increment(ref _inHand);
        var started = _time.GetTimestamp();
        var outcome = await AttemptAsync(item, stoppingToken).ConfigureAwait(false);
        var recording = RecordAsync(item, outcome, started);
        if (!recording.IsCompleted)
        {
            _recording.TryAdd(recording, 0);
            _ = recording.ContinueWith(static (t, state) => ((System.Collections.Concurrent.ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _),
                _recording, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Records an outcome; the item stays in hand (its lease renewed) until the write is done. Never throws.</summary>
    private async Task RecordAsync(TRow item, WorkOutcome<TRow> outcome, long started)
    {
        try
        {
            var recorded = await _queue.RecordAsync(item.Id, Owner, outcome, CancellationToken.None).ConfigureAwait(false);
            _metrics.Attempted(_queue.Name, recorded ? outcome.Kind : null, _time.GetElapsedTime(started));
            if (!recorded)
            {
                LogLeaseLost(_logger, _queue.Name, item.Id, Owner);
                return;
            }

            if (_handler is IWorkRecordedHandler<TRow> after)
            {
                await after.OnRecordedAsync(item, outcome, CancellationToken.None).ConfigureAwait(false);
            }

            switch (outcome.Kind)
            {
                case WorkOutcomeKind.Retry:
                    LogRetrying(_logger, _queue.Name, item.Id, item.Attempts, outcome.At!.Value);
                    break;
                case WorkOutcomeKind.DeadLetter:
                    LogDeadLettered(_logger, _queue.Name, item.Id, item.Attempts);
                    break;
            }

            if (outcome.At is { } at)
            {
                WakeNoLaterThan(at);
            }
        }
        catch (Exception ex)
        {
            // Recording the outcome failed: the lease expires and the item is tried again; nothing is lost.
            LogRecordFailed(_logger, _queue.Name, item.Id, QueueErrors.ForLog(ex));
        }
        finally
        {
            Interlocked.Decrement(ref _inHand);
        }
    }

    private async Task<WorkOutcome<TRow>> AttemptAsync(TRow item, CancellationToken stoppingToken)
    {
        var now = _time.GetUtcNow();
        if (stoppingToken.IsCancellationRequested)
        {
            return WorkOutcome<TRow>.Defer(now);
        }

        if (item.Attempts > _options.Retry.MaxAttempts)
        {
            // Claimed again and again without an outcome: its handler keeps killing the process or outliving the lease.
            return WorkOutcome<TRow>.DeadLetter("Lease expired on every attempt without an outcome (process crash or stuck handler).");
        }

        try
        {
            return await _handler.HandleAsync(item, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: given back at once, so another worker need not wait for the lease to expire.
            return WorkOutcome<TRow>.Defer(_time.GetUtcNow());
        }
        catch (Exception ex)
        {
            LogHandlerFailed(_logger, _queue.Name, item.Id, item.Attempts, QueueErrors.ForLog(ex));
            return WorkOutcome<TRow>.Failed(_options.Retry.NextAttempt(_time.GetUtcNow(), item.Attempts), QueueErrors.Describe(ex));
        }
    }

    /// <summary>Makes the idle loop look again at <paramref name="at"/> (a deferral or retry due before the next poll).</summary>
    private void WakeNoLaterThan(DateTimeOffset at)
    {
        if (at - _time.GetUtcNow() >= _options.PollInterval)
        {
            return;
        }

        lock (_wakeLock)
        {
            _wakeAt.Enqueue(at, at);
        }

        _signal.Notify();
    }

    /// <summary>The earliest wake-up still ahead, dropping those that have passed (the claim after them took their items).</summary>
    private DateTimeOffset? NextWake()
    {
        var now = _time.GetUtcNow();
        lock (_wakeLock)
        {
            DateTimeOffset? passed = null;
            while (_wakeAt.TryPeek(out var at, out _) && at <= now)
            {
                passed = _wakeAt.Dequeue();
            }

            // One that passed since the last claim: claim again at once.
            return passed ?? (_wakeAt.TryPeek(out var next, out _) ? next : null);
        }
    }

    [LoggerMessage(EventId = LogEvents.QueueStarted, Level = LogLevel.Information, Message = "Queue {Queue}: worker {Owner} started.")]
    private static partial void LogStarted(ILogger logger, string queue, string owner);

    [LoggerMessage(EventId = LogEvents.QueueStopped, Level = LogLevel.Information, Message = "Queue {Queue}: worker {Owner} stopped.")]
    private static partial void LogStopped(ILogger logger, string queue, string owner);

    [LoggerMessage(EventId = LogEvents.QueueClaimFailed, Level = LogLevel.Warning, Message = "Queue {Queue}: claiming failed; trying again after the poll interval.")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception, string queue);

    [LoggerMessage(EventId = LogEvents.QueueRenewFailed, Level = LogLevel.Warning, Message = "Queue {Queue}: renewing leases failed ({Failure}).")]
    private static partial void LogRenewFailed(ILogger logger, string queue, string failure);

    [LoggerMessage(EventId = LogEvents.QueueHandlerFailed, Level = LogLevel.Warning, Message = "Queue {Queue}: item {ItemId} attempt {Attempt} failed with {Failure}.")]
    private static partial void LogHandlerFailed(ILogger logger, string queue, long itemId, int attempt, string failure);

    [LoggerMessage(EventId = LogEvents.QueueRetrying, Level = LogLevel.Information, Message = "Queue {Queue}: item {ItemId} attempt {Attempt} failed; tried again at {RetryAt:o}.")]
    private static partial void LogRetrying(ILogger logger, string queue, long itemId, int attempt, DateTimeOffset retryAt);

    [LoggerMessage(EventId = LogEvents.QueueDeadLettered, Level = LogLevel.Warning, Message = "Queue {Queue}: item {ItemId} dead-lettered after {Attempts} attempt(s).")]
    private static partial void LogDeadLettered(ILogger logger, string queue, long itemId, int attempts);

    [LoggerMessage(EventId = LogEvents.QueueLeaseLost, Level = LogLevel.Warning, Message = "Queue {Queue}: item {ItemId} is no longer leased by {Owner}; another worker took it over after the lease expired.")]
    private static partial void LogLeaseLost(ILogger logger, string queue, long itemId, string owner);

    [LoggerMessage(EventId = LogEvents.QueueRecordFailed, Level = LogLevel.Error, Message = "Queue {Queue}: recording the outcome of item {ItemId} failed ({Failure}); it is tried again after its lease expires.")]
    private static partial void LogRecordFailed(ILogger logger, string queue, long itemId, string failure);
}

/// <summary>Lease owner names and error texts shared by the queues.</summary>
public static class QueueOwner
{
    /// <summary>A name unique to this process and component, e.g. <c>host/1234/inbox/9f2c…</c>.</summary>
    public static string Create(string component)
    {
        var name = $"{Environment.MachineName}/{Environment.ProcessId}/{component}/{Guid.NewGuid():N}";
        return name.Length <= 128 ? name : name[^128..];
    }
}

/// <summary>How a failure is written on an item.</summary>
public static class QueueErrors
{
    /// <summary>Exception type and message (messages of the Hub's handlers carry no payloads), innermost cause appended.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var text = $"{exception.GetType().FullName}: {exception.Message}";
        var inner = exception.GetBaseException();
        if (!ReferenceEquals(inner, exception))
        {
            text += $" ---> {inner.GetType().FullName}: {inner.Message}";
        }

        return text.Length > QueueLimits.MaxErrorLength ? text[..QueueLimits.MaxErrorLength] : text;
    }

    /// <summary>
    /// For a log line: the exception's type, and the database's own message when a database exception is inside (it
    /// names a constraint, a lock or the connection, not row values). EF Core's own error line is turned down
    /// (<see cref="Storage.HubDbLogging"/>), so this is where an unexpected database failure shows its cause.
    /// </summary>
    public static string ForLog(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var type = exception.GetType().FullName ?? exception.GetType().Name;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Data.Common.DbException database)
            {
                return $"{type} ({database.GetType().Name}: {database.Message.ReplaceLineEndings(" ")})";
            }
        }

        return type;
    }
}
