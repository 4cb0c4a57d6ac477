using Microsoft.EntityFrameworkCore.Query;

namespace Larkway.Hub.Platform.Queue;

/// <summary>How an attempt at a claimed item ended, as its handler reports it; the queue records it.</summary>
public enum WorkOutcomeKind
{
    /// <summary>Handled: Done.</summary>
    Done,

    /// <summary>Failed for now: Retrying at <see cref="WorkOutcome{TRow}.At"/>.</summary>
    Retry,

    /// <summary>Failed for good: DeadLetter.</summary>
    DeadLetter,

    /// <summary>Not attempted after all (paced, throttled, shutting down): Pending at <see cref="WorkOutcome{TRow}.At"/>, the attempt given back.</summary>
    Defer,
}

/// <summary>
/// The end of one attempt: what the queue records (state, next attempt, error) plus the feature's own columns to write
/// in the same statement (a message id, a status code), which only a still-held lease writes.
/// </summary>
/// <typeparam name="TRow">The queue's row type.</typeparam>
public sealed record WorkOutcome<TRow>
{
    private WorkOutcome(WorkOutcomeKind kind, DateTimeOffset? at, string? error, Action<UpdateSettersBuilder<TRow>>? also)
    {
        Kind = kind;
        At = at;
        Error = error;
        Also = also;
    }

    /// <summary>What happened.</summary>
    public WorkOutcomeKind Kind { get; }

    /// <summary>When to try again (Retry, Defer).</summary>
    public DateTimeOffset? At { get; }

    /// <summary>The error to keep (Retry, DeadLetter; a Defer may keep one too, e.g. the rate limit that caused it).</summary>
    public string? Error { get; }

    /// <summary>The feature's columns, written with the state.</summary>
    public Action<UpdateSettersBuilder<TRow>>? Also { get; }

    /// <summary>Handled.</summary>
    public static WorkOutcome<TRow> Done(Action<UpdateSettersBuilder<TRow>>? also = null) => new(WorkOutcomeKind.Done, null, null, also);

    /// <summary>Tried again at <paramref name="at"/>.</summary>
    public static WorkOutcome<TRow> Retry(DateTimeOffset at, string error, Action<UpdateSettersBuilder<TRow>>? also = null) => new(WorkOutcomeKind.Retry, at, error, also);

    /// <summary>Never tried again unless replayed.</summary>
    public static WorkOutcome<TRow> DeadLetter(string error, Action<UpdateSettersBuilder<TRow>>? also = null) => new(WorkOutcomeKind.DeadLetter, null, error, also);

    /// <summary>Retry at <paramref name="retryAt"/>, or dead-letter when it is null (the schedule's attempts are used up).</summary>
    public static WorkOutcome<TRow> Failed(DateTimeOffset? retryAt, string error, Action<UpdateSettersBuilder<TRow>>? also = null) =>
        retryAt is { } at ? Retry(at, error, also) : DeadLetter(error, also);

    /// <summary>The same outcome, also writing <paramref name="more"/>'s columns (after its own).</summary>
    public WorkOutcome<TRow> AlsoSetting(Action<UpdateSettersBuilder<TRow>> more)
    {
        ArgumentNullException.ThrowIfNull(more);
        var first = Also;
        return new(Kind, At, Error, first is null ? more : s =>
        {
            first(s);
            more(s);
        });
    }

    /// <summary>Put back until <paramref name="at"/> without using up an attempt.</summary>
    public static WorkOutcome<TRow> Defer(DateTimeOffset at, string? error = null, Action<UpdateSettersBuilder<TRow>>? also = null) => new(WorkOutcomeKind.Defer, at, error, also);
}
