using Microsoft.Extensions.Hosting;

namespace Larkway.Hub.Hosting;

/// <summary>
/// The loop of an outbox sender: keep up to <see cref="Concurrency"/> items in hand, claiming more under a lease as
/// soon as one finishes, and when nothing is due wait for this process's signal, the poll interval or a finished item.
/// No head-of-line blocking: a slow item (a send waiting out a rate limit) holds one worker, never the loop or the
/// rest of its claim. A failing claim (the database away) waits a poll interval rather than spin. Subclasses claim and
/// handle; each item records its own outcome.
/// </summary>
internal abstract class OutboxWorker<T>(WorkSignal signal, TimeProvider time) : BackgroundService
{
    /// <summary>The clock for back-offs and leases.</summary>
    protected TimeProvider Time { get; } = time;

    /// <summary>Items claimed per round.</summary>
    protected abstract int BatchSize { get; }

    /// <summary>Items handled at once.</summary>
    protected abstract int Concurrency { get; }

    /// <summary>How long an idle worker waits for a signal before looking again.</summary>
    protected abstract TimeSpan PollInterval { get; }

    /// <summary>Claims up to <paramref name="batchSize"/> due items.</summary>
    protected abstract Task<IReadOnlyList<T>> ClaimAsync(int batchSize, CancellationToken cancellationToken);

    /// <summary>Handles one item and records its outcome; never throws for the item's own failures.</summary>
    protected abstract Task HandleAsync(T item, CancellationToken stoppingToken);

    /// <summary>Logs a failed round.</summary>
    protected abstract void OnRoundFailed(Exception exception);

    /// <summary>Wakes the loop now, e.g. when work this process put off becomes due.</summary>
    protected void Wake() => signal.Notify();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                running.RemoveAll(t => t.IsCompleted);
                var free = Math.Max(1, Concurrency) - running.Count;
                var wanted = Math.Min(BatchSize, free);
                IReadOnlyList<T> claimed = [];
                if (wanted > 0)
                {
                    try
                    {
                        claimed = await ClaimAsync(wanted, stoppingToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        break;
                    }
                    catch (Exception ex)
                    {
                        OnRoundFailed(ex);
                        await Task.Delay(PollInterval, Time, stoppingToken).ConfigureAwait(false);
                        continue;
                    }

                    foreach (var item in claimed)
                    {
                        running.Add(Task.Run(() => HandleAsync(item, stoppingToken), CancellationToken.None));
                    }
                }

                if (claimed.Count < wanted || running.Count >= Math.Max(1, Concurrency))
                {
                    // Nothing more is due, or every worker is busy: wait for new work or a free worker.
                    await WaitAsync(running, waitForWork: claimed.Count < wanted, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Items in hand record their outcome (or leave their lease to expire) as they stop.
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task WaitAsync(List<Task> running, bool waitForWork, CancellationToken stoppingToken)
    {
        if (!waitForWork)
        {
            await Task.WhenAny(running).WaitAsync(stoppingToken).ConfigureAwait(false);
            return;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var signalled = signal.WaitAsync(PollInterval, Time, cts.Token);
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
}
