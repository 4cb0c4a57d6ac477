namespace Larkway.Hub.Inbox;

/// <summary>
/// The inbox's hot writes — appends, claims, completions — in each provider's own SQL. They run for every
/// event, so they skip EF Core's change tracking and query pipeline; everything else in the inbox (fail,
/// release, replay, listing) stays on EF Core. Implementations serialise their own writes as the engine needs.
/// </summary>
internal interface IInboxWriter : IAsyncDisposable
{
    /// <summary>
    /// Stores the rows in one durable transaction, in order. A row whose dedup key is already stored, or taken
    /// by an earlier row of the same call, is not stored: its result is Duplicate with the first copy's id.
    /// </summary>
    Task<IReadOnlyList<InboxAppendResult>> AppendAsync(IReadOnlyList<InboxAppendRow> rows, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically moves up to <paramref name="batchSize"/> claimable rows (Pending or Failed and due, or InProgress
    /// with an expired lease) to InProgress under <paramref name="owner"/>'s lease, counting an attempt, and returns
    /// them (bodies included) in id order. A row is claimed by exactly one caller, across processes.
    /// </summary>
    Task<IReadOnlyList<InboxEvent>> ClaimAsync(string owner, int batchSize, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Marks the events Done, each only while its owner still holds the lease; returns the ids that were.</summary>
    Task<IReadOnlySet<long>> CompleteAsync(IReadOnlyList<InboxCompletion> completions, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>
/// One event to append: the row as it will be stored (its id is assigned) and all its dedup keys; for a received message
/// also its key in creation order, which a writer may index instead (<see cref="InboxTimeOrderedKey"/>).
/// </summary>
internal sealed record InboxAppendRow(InboxEvent Event, IReadOnlyList<string> Keys, InboxTimeOrderedKey? TimeOrderedKey = null);

/// <summary>One completion: the event and the lease owner finishing it.</summary>
internal readonly record struct InboxCompletion(long Id, string Owner);
