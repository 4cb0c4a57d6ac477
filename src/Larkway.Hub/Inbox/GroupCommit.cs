using System.Threading.Channels;

namespace Larkway.Hub.Inbox;

/// <summary>
/// Group commit for inbox appends. Every ack waits for its event to be durable, and a durable commit
/// costs a disk flush; one flush per event caps ingest at the disk's flush rate and queues concurrent
/// writers on SQLite's single write lock. So appends that arrive together are written together: one
/// transaction, one flush, then every waiting caller gets its own result. Under light load a batch is
/// one event and nothing waits; under heavy load batches grow, which is where it pays.
/// </summary>
internal sealed class InboxAppendBatcher : GroupCommitQueue<PendingAppend>
{
    public InboxAppendBatcher(Func<IReadOnlyList<PendingAppend>, Task> write)
        : base(write)
    {
    }

    public Task<InboxAppendResult> AppendAsync(PendingAppend pending, CancellationToken cancellationToken)
    {
        Enqueue(pending);

        // A caller that gives up stops waiting; the write still happens, and a redelivery dedupes against it.
        return pending.Result.Task.WaitAsync(cancellationToken);
    }

    protected override void Fail(PendingAppend item, Exception exception) => item.Result.TrySetException(exception);
}

/// <summary>
/// A single writer that takes whatever requests have queued up (at most <see cref="MaxBatch"/>) and hands
/// them to one write: the mechanism behind group commit. Requests complete themselves in the write; a write
/// that throws fails every request of its batch.
/// </summary>
internal abstract class GroupCommitQueue<T> : IAsyncDisposable
{
    /// <summary>Upper bound per transaction, so one batch never holds the write lock for long.</summary>
    internal const int MaxBatch = 256;

    private readonly Channel<T> _queue = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<T>, Task> _write;
    private readonly Lazy<Task> _loop;

    protected GroupCommitQueue(Func<IReadOnlyList<T>, Task> write)
    {
        _write = write;
        _loop = new Lazy<Task>(() => Task.Run(RunAsync), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    protected void Enqueue(T item)
    {
        if (!_queue.Writer.TryWrite(item))
        {
            throw new ObjectDisposedException(GetType().Name, "The inbox is shutting down.");
        }

        _ = _loop.Value;
    }

    protected abstract void Fail(T item, Exception exception);

    private async Task RunAsync()
    {
        var batch = new List<T>(MaxBatch);
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
                foreach (var item in batch)
                {
                    Fail(item, ex);
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

/// <summary>One append waiting for its batch; with a lease owner, it is stored already claimed by it; done, already handled.</summary>
internal sealed class PendingAppend
{
    /// <summary>An event as its platform's door read it: its keys, lane and body (already verified, decrypted and redacted) stored as they are.</summary>
    public PendingAppend(PlatformInbound inbound, string? leaseOwner = null, bool done = false)
    {
        LeaseOwner = leaseOwner;
        Done = done;
        AppName = inbound.AppName;
        EventType = inbound.EventType;
        Transport = inbound.Transport;
        Keys = [.. inbound.Keys.Distinct(StringComparer.Ordinal)];
        ListedKey = inbound.ListedKey ?? (Keys.Length > 0 ? Keys[0] : null);
        TimeOrderedKey = inbound.TimeOrderedKey;
        Body = inbound.Body;
        Lane = inbound.Lane;
    }

    public string AppName { get; }

    public string EventType { get; }

    public InboxTransport Transport { get; }

    /// <summary>The body to store, as the door left it.</summary>
    public byte[] Body { get; }

    public string? LeaseOwner { get; }

    /// <summary>Nothing would act on it (its door's triage said so): stored Done, never claimed.</summary>
    public bool Done { get; }

    /// <summary>The conversation it belongs to (<see cref="InboxLane"/>), or null.</summary>
    public string? Lane { get; }

    /// <summary>The event's first dedup key, stored in its row and listed.</summary>
    public string? ListedKey { get; }

    /// <summary>The dedup keys stored in the index (<see cref="PlatformInbound.Keys"/>), the dedup guarantee.</summary>
    public string[] Keys { get; }

    /// <summary>The event's key in creation order, for a store that indexes it instead of <see cref="Keys"/> (SQLite).</summary>
    public InboxTimeOrderedKey? TimeOrderedKey { get; }

    /// <summary>The receiving request's trace (taken here: the batch is written on another thread, outside it).</summary>
    public string? TraceParent { get; } = System.Diagnostics.Activity.Current is { Recorded: true } receiving ? receiving.Id : null;

    public TaskCompletionSource<InboxAppendResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Group commit for completions: the processor finishes many events a second, each needing a durable write.</summary>
internal sealed class InboxCompletionBatcher(Func<IReadOnlyList<PendingCompletion>, Task> write) : GroupCommitQueue<PendingCompletion>(write)
{
    public Task<bool> CompleteAsync(long id, string owner, CancellationToken cancellationToken)
    {
        var pending = new PendingCompletion(id, owner);
        Enqueue(pending);
        return pending.Result.Task.WaitAsync(cancellationToken);
    }

    protected override void Fail(PendingCompletion item, Exception exception) => item.Result.TrySetException(exception);
}

/// <summary>One completion waiting for its batch; the result says whether the lease was still held.</summary>
internal sealed class PendingCompletion(long id, string owner)
{
    public long Id { get; } = id;

    public string Owner { get; } = owner;

    public TaskCompletionSource<bool> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
