using System.Threading.Channels;
using Larkway.Feishu.Events.Ingest;

namespace Larkway.Hub.Inbox;

/// <summary>
/// Group commit for inbox appends. Every ack waits for its event to be durable, and a durable commit
/// costs a disk flush; one flush per event caps ingest at the disk's flush rate and queues concurrent
/// writers on SQLite's single write lock. So appends that arrive together are written together: one
/// transaction, one flush, then every waiting caller gets its own result. Under light load a batch is
/// one event and nothing waits; under heavy load batches grow, which is where it pays.
/// </summary>
internal sealed class InboxAppendBatcher : IAsyncDisposable
{
    /// <summary>Upper bound per transaction, so one batch never holds the write lock for long.</summary>
    internal const int MaxBatch = 256;

    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<PendingAppend>, Task> _write;
    private readonly Lazy<Task> _loop;

    public InboxAppendBatcher(Func<IReadOnlyList<PendingAppend>, Task> write)
    {
        _write = write;
        _loop = new Lazy<Task>(() => Task.Run(RunAsync), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public Task<InboxAppendResult> AppendAsync(FeishuInboundEvent inbound, CancellationToken cancellationToken)
    {
        var pending = new PendingAppend(inbound);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(InboxAppendBatcher), "The inbox is shutting down.");
        }

        _ = _loop.Value;

        // A caller that gives up stops waiting; the write still happens, and a redelivery dedupes against it.
        return pending.Result.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingAppend>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                await _write(batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                foreach (var pending in batch)
                {
                    pending.Result.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>Takes no more appends.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop.IsValueCreated)
        {
            await _loop.Value.ConfigureAwait(false);
        }
    }
}

/// <summary>One append waiting for its batch.</summary>
internal sealed class PendingAppend(FeishuInboundEvent inbound)
{
    public FeishuInboundEvent Inbound { get; } = inbound;

    public string[] Keys { get; } = inbound.DedupKeys.Distinct(StringComparer.Ordinal).ToArray();

    public TaskCompletionSource<InboxAppendResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
