using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Query;

namespace Larkway.Hub.Platform.Queue;

/// <summary>
/// One queue's store: claim under a lease, renew, record each attempt's outcome, replay, and report its depth. Every
/// change is conditional on the lease, so of two workers (or replicas) only the holder records anything.
/// </summary>
/// <typeparam name="TRow">The work item's row.</typeparam>
public interface IWorkQueue<TRow>
    where TRow : class, IWorkItem
{
    /// <summary>The queue's name (metrics, logs, health).</summary>
    string Name { get; }

    /// <summary>
    /// Claims up to <paramref name="max"/> due items for <paramref name="owner"/> until now + <paramref name="lease"/>, oldest
    /// first: Pending or Retrying items whose time has come, and InProgress items whose lease expired. Each counts an attempt.
    /// </summary>
    Task<IReadOnlyList<TRow>> ClaimAsync(string owner, int max, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Extends every lease <paramref name="owner"/> holds to now + <paramref name="lease"/>; returns how many.</summary>
    Task<int> RenewAsync(string owner, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Records how an attempt ended; false when <paramref name="owner"/> no longer held the item (another worker took it over).</summary>
    Task<bool> RecordAsync(long id, string owner, WorkOutcome<TRow> outcome, CancellationToken cancellationToken);

    /// <summary>Puts an item nobody holds (not in progress, or its lease expired) back to Pending with its attempts reset.</summary>
    Task<ReplayResult> ReplayAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// Replays every matching item nobody holds, also writing the feature's columns; returns how many. (A feature's own
    /// "retry the failed ones" is this with its filter.)
    /// </summary>
    Task<int> ReplayAsync(Expression<Func<TRow, bool>> which, Action<UpdateSettersBuilder<TRow>>? also, CancellationToken cancellationToken);

    /// <summary>How many items wait or retry, and since when the oldest due one has been due.</summary>
    Task<QueueStats> StatsAsync(CancellationToken cancellationToken);
}

/// <summary>How a replay ended.</summary>
public enum ReplayResult
{
    /// <summary>Back to Pending.</summary>
    Replayed,

    /// <summary>Being handled right now; replay it once it is done, retrying or dead-lettered.</summary>
    InProgress,

    /// <summary>No such item.</summary>
    NotFound,
}

/// <summary>A queue's backlog.</summary>
/// <param name="Waiting">Pending and Retrying items (due or not).</param>
/// <param name="InProgress">Items held under a lease.</param>
/// <param name="DeadLetters">Items that failed for good.</param>
/// <param name="OldestDueAt">When the longest-waiting item that is due now became due; null when none is due.</param>
public sealed record QueueStats(long Waiting, long InProgress, long DeadLetters, DateTimeOffset? OldestDueAt)
{
    /// <summary>
    /// Of <see cref="Waiting"/>, the items due now: the backlog the queue is behind on. The others wait for a time set on
    /// purpose (a retry's back-off, a deferred item, a paused Bitable sync's parked pass) and are no backlog.
    /// </summary>
    public long Due { get; init; }
}
