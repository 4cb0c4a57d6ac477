using Larkway.Hub.Platform.Queue;

namespace Larkway.Hub.Inbox;

/// <summary>
/// One received event or callback and its processing state:
/// <c>Pending → InProgress(LeaseUntil, LeaseOwner) → Done | Retrying(Attempts, NextAttemptAt, LastError) → DeadLetter</c>;
/// an item of the <see cref="InboxQueue"/>.
/// </summary>
/// <remarks>
/// <see cref="Id"/> is a database-generated <see cref="long"/> rather than a <see cref="Guid"/>: it grows with
/// arrival order, so "newest first" and "claim oldest first" are index scans on the primary key, it is compact
/// in the dedup table's foreign key, and every provider has it natively (SQLite rowid, PostgreSQL identity).
/// Ids are only shown to administrators, so their guessability does not matter.
/// </remarks>
public sealed class InboxEvent : IWorkItem
{
    /// <summary>Longest <see cref="LastError"/> stored; longer messages are cut.</summary>
    public const int MaxErrorLength = QueueLimits.MaxErrorLength;

    /// <summary>Database id, increasing with arrival.</summary>
    public long Id { get; set; }

    /// <summary>The configured app the event belongs to (empty for the default app).</summary>
    public string AppName { get; set; } = "";

    /// <summary>The event's type, as its platform's door named it.</summary>
    public string EventType { get; set; } = "";

    /// <summary>The first (most specific) dedup key, if the event has any.</summary>
    public string? DedupKey { get; set; }

    /// <summary>The decrypted UTF-8 JSON body, kept for dispatch and replay. Stored in the database only; never logged or listed.</summary>
    public byte[] Body { get; set; } = [];

    /// <summary>How the event arrived.</summary>
    public InboxTransport Transport { get; set; }

    /// <summary>When the Hub stored it.</summary>
    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>Processing state.</summary>
    public WorkState State { get; set; }

    /// <summary>Dispatch attempts so far (counted when claimed, so a crash mid-handler counts too).</summary>
    public int Attempts { get; set; }

    /// <summary>When a Pending or Failed event may be claimed.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>Who holds the lease of an InProgress event.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>When the lease of an InProgress event expires and another processor may take it.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>Exception type and message of the last failure (never payloads or secrets).</summary>
    public string? LastError { get; set; }

    /// <summary>When it reached Done.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>
    /// The conversation the event belongs to, as its platform's ingest names it (<see cref="InboxLane"/>): work that must
    /// follow arrival order within a conversation (an assistant's questions) waits only for earlier events of the same
    /// app and lane. Null for an event of no conversation.
    /// </summary>
    public string? Lane { get; set; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the request that received it (null when nobody traced it), so its handling — and
    /// every Feishu call the handling makes — continues the receipt's trace though it runs later, elsewhere.
    /// </summary>
    public string? TraceParent { get; set; }
}

/// <summary>One dedup key of a stored event. The key is the primary key, so a second insert of it fails.</summary>
public sealed class InboxDedupKey
{
    /// <summary>The key, scoped by app (the first of its platform's dedup keys, <see cref="PlatformInbound.Keys"/>).</summary>
    public required string Key { get; set; }

    /// <summary>The event stored under it.</summary>
    public long EventId { get; set; }
}

/// <summary>A listed event, without its body.</summary>
/// <param name="Id">Database id.</param>
/// <param name="AppName">App name.</param>
/// <param name="EventType">Event type.</param>
/// <param name="DedupKey">First dedup key.</param>
/// <param name="ReceivedAt">When stored.</param>
/// <param name="Status">State.</param>
/// <param name="Attempts">Attempts so far.</param>
/// <param name="LastError">Last failure.</param>
/// <param name="Transport">How it arrived.</param>
/// <param name="NextAttemptAt">Next attempt of a Pending/Failed event.</param>
/// <param name="CompletedAt">When it was done.</param>
public sealed record InboxEventSummary(
    long Id,
    string AppName,
    string EventType,
    string? DedupKey,
    DateTimeOffset ReceivedAt,
    WorkState Status,
    int Attempts,
    string? LastError,
    InboxTransport Transport,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? CompletedAt);

/// <summary>Whether <see cref="InboxStore.AppendAsync(PlatformInbound, CancellationToken)"/> stored the event.</summary>
public enum InboxAppendStatus
{
    /// <summary>Stored for the first time.</summary>
    Accepted,

    /// <summary>Already stored under one of its dedup keys; nothing changed.</summary>
    Duplicate,
}

/// <summary>The outcome of an append: the status and the id of the stored (or already stored) event.</summary>
/// <param name="Status">Accepted or duplicate.</param>
/// <param name="EventId">The event's id (for a duplicate, the id of the first copy).</param>
public readonly record struct InboxAppendResult(InboxAppendStatus Status, long EventId);

/// <summary>A page of <see cref="InboxStore.ListAsync"/>.</summary>
/// <param name="Items">The events, newest first.</param>
/// <param name="NextBefore">The id that asks for the next (older) page, or null when this is the last.</param>
/// <param name="Total">How many events match the filters, on every page.</param>
public sealed record InboxEventPage(IReadOnlyList<InboxEventSummary> Items, long? NextBefore, long Total);
