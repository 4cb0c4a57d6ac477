namespace Larkway.Feishu.Events.LongConnection;

/// <summary>Background work started for frames, tracked so that a stopping client can wait for it. The work must not throw.</summary>
internal sealed class InFlightWork
{
    private readonly Lock _lock = new();
    private readonly HashSet<Task> _tasks = [];

    public void Start(Func<Task> work)
    {
        var task = Task.Run(work);
        lock (_lock)
        {
            _tasks.Add(task);
        }

        // Registered after Add, so the removal can never run before it.
        _ = task.ContinueWith(
            t =>
            {
                lock (_lock)
                {
                    _tasks.Remove(t);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public async Task WhenIdleAsync()
    {
        while (true)
        {
            Task[] running;
            lock (_lock)
            {
                running = [.. _tasks.Where(t => !t.IsCompleted)];
            }

            if (running.Length == 0)
            {
                return;
            }

            await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}

/// <summary>
/// A bounded allowance of handler slots: <c>concurrency</c> run at once and up to <c>backlog</c> more wait.
/// Reserving never blocks, so the receive loop (and with it pings and other frames) never waits here.
/// </summary>
internal sealed class HandlerLane(int concurrency, int backlog)
{
    private readonly SemaphoreSlim _gate = new(concurrency, concurrency);
    private readonly int _limit = concurrency + backlog;
    private int _reserved;

    public bool TryReserve()
    {
        if (Interlocked.Increment(ref _reserved) <= _limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _reserved);
        return false;
    }

    public void Unreserve() => Interlocked.Decrement(ref _reserved);

    public Task EnterAsync(CancellationToken cancellationToken) => _gate.WaitAsync(cancellationToken);

    public void Exit() => _gate.Release();
}
