namespace Larkway.Shared.Clients;

/// <summary>
/// The work a long connection's client runs beside its receive loop (its supervisor, connections' readers, handlers,
/// acks, connections being retired): tracked while it runs, so that a stopping client can wait for it to end. A task
/// that fails or is cancelled does not fail the wait: each piece reports its own failures.
/// </summary>
internal sealed class BackgroundWork
{
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _running = [];

    /// <summary>Runs <paramref name="work"/> on the thread pool, tracked.</summary>
    public void Start(Func<Task> work) => Track(Task.Run(work));

    /// <summary>Tracks <paramref name="task"/>, already started, until it ends.</summary>
    public void Track(Task task)
    {
        lock (_gate)
        {
            _running.Add(task);
        }

        // Registered after Add, so the removal can never run before it.
        _ = task.ContinueWith(
            static (ended, state) =>
            {
                var work = (BackgroundWork)state!;
                lock (work._gate)
                {
                    work._running.Remove(ended);
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Waits until no tracked work runs, work tracked meanwhile included, or until <paramref name="cancellationToken"/> is
    /// cancelled: the caller stopped waiting, and what is left ends on its own. Never throws.
    /// </summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task[] running;
            lock (_gate)
            {
                running = [.. _running.Where(t => !t.IsCompleted)];
            }

            if (running.Length == 0)
            {
                return;
            }

            await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
