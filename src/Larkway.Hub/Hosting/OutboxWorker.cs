using Microsoft.Extensions.Hosting;

namespace Larkway.Hub.Hosting;

/// <summary>
/// The loop of an outbox sender: claim a batch under a lease, handle its items a few at a time, and when nothing is
/// due wait for this process's signal or the poll interval. A failing round (the database away) waits a poll interval
/// rather than spin. Subclasses claim and handle; each item records its own outcome.
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var batch = await ClaimAsync(BatchSize, stoppingToken).ConfigureAwait(false);
                if (batch.Count == 0)
                {
                    await signal.WaitAsync(PollInterval, Time, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                await Parallel.ForEachAsync(
                    batch,
                    new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Concurrency) },
                    async (item, _) => await HandleAsync(item, stoppingToken).ConfigureAwait(false)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                OnRoundFailed(ex);
                try
                {
                    await Task.Delay(PollInterval, Time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }
}
