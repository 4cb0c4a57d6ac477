using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Inbox;

/// <summary>
/// The inbox as a work queue. The contract and every rare transition (failures, renewals, replay, backlog) are
/// <see cref="EfWorkQueue{TRow}"/>'s; the two that run once per event — the claim, and completion — go through the
/// engine's own <see cref="IInboxWriter"/>, completions grouped so events finishing together share one transaction.
/// </summary>
internal sealed class InboxQueue : EfWorkQueue<InboxEvent>, IAsyncDisposable
{
    /// <summary>The queue's name.</summary>
    public const string QueueName = "inbox";

    private readonly IInboxWriter _writer;
    private readonly InboxCompletionBatcher _completions;

    public InboxQueue(IDbContextFactory<HubDbContext> contexts, IHubStorageProvider provider, IInboxWriter writer, WorkSignals signals, TimeProvider time)
        : base(QueueName, contexts, provider, time, scope: null, signals.For(QueueName))
    {
        _writer = writer;
        _completions = new InboxCompletionBatcher(WriteCompletionsAsync);
    }

    /// <inheritdoc />
    public override async Task<IReadOnlyList<InboxEvent>> ClaimAsync(string owner, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var now = Time.GetUtcNow();
        return await _writer.ClaimAsync(owner, max, now, now + lease, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>A plain completion joins the next group commit; anything else is one conditional statement.</remarks>
    public override Task<bool> RecordAsync(long id, string owner, WorkOutcome<InboxEvent> outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome is { Kind: WorkOutcomeKind.Done, Also: null })
        {
            ArgumentException.ThrowIfNullOrEmpty(owner);
            return _completions.CompleteAsync(id, owner, cancellationToken);
        }

        return base.RecordAsync(id, owner, outcome, cancellationToken);
    }

    /// <summary>Replays an event, clearing when it was done.</summary>
    public Task<ReplayResult> ReplayEventAsync(long id, CancellationToken cancellationToken) =>
        ReplayAsync(id, s => s.SetProperty(e => e.CompletedAt, (DateTimeOffset?)null), cancellationToken);

    /// <summary>Waits for the completions queued to be written.</summary>
    public ValueTask DisposeAsync() => _completions.DisposeAsync();

    private async Task WriteCompletionsAsync(IReadOnlyList<PendingCompletion> batch)
    {
        var completions = new InboxCompletion[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            completions[i] = new InboxCompletion(batch[i].Id, batch[i].Owner);
        }

        var held = await _writer.CompleteAsync(completions, Time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        foreach (var completion in batch)
        {
            completion.Result.TrySetResult(held.Contains(completion.Id));
        }
    }
}
