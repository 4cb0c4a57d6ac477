namespace Larkway.Hub.Platform.Queue;

/// <summary>
/// A feature's part of a queue: handle one claimed item and say how it ended. Domain writes that must happen with the
/// state go in the outcome (<see cref="WorkOutcome{TRow}.Also"/>); an exception is a failure retried on the queue's schedule.
/// </summary>
/// <typeparam name="TRow">The queue's row type.</typeparam>
public interface IWorkHandler<TRow>
    where TRow : class, IWorkItem
{
    /// <summary>Handles <paramref name="item"/>; <paramref name="cancellationToken"/> fires when the Hub stops.</summary>
    Task<WorkOutcome<TRow>> HandleAsync(TRow item, CancellationToken cancellationToken);
}

/// <summary>
/// A handler that acts once its outcome is stored: what it must check against changes made while it worked (a
/// notification whose content changed during a send queues its message again).
/// </summary>
/// <typeparam name="TRow">The queue's row type.</typeparam>
public interface IWorkRecordedHandler<TRow>
    where TRow : class, IWorkItem
{
    /// <summary>Runs after <paramref name="outcome"/> of <paramref name="item"/> was recorded (not when the lease was lost).</summary>
    Task OnRecordedAsync(TRow item, WorkOutcome<TRow> outcome, CancellationToken cancellationToken);
}
