using Larkway.Hub.Platform.Queue;

namespace Larkway.Hub.Webhooks;

/// <summary>A business system's subscription to Feishu events: where to POST them, which types, and the signing secret.</summary>
public sealed class WebhookSubscriptionRow
{
    /// <summary>The public id (<c>whk_…</c>).</summary>
    public string Id { get; set; } = "";

    /// <summary>The absolute http(s) URL events are posted to.</summary>
    public string Url { get; set; } = "";

    /// <summary>Event types, comma-separated: exact names, <c>prefix.*</c> families, or <c>*</c>.</summary>
    public string EventTypes { get; set; } = "";

    /// <summary>A note for people (which system, who owns it).</summary>
    public string Description { get; set; } = "";

    /// <summary>
    /// The signing secret (<c>whsec_…</c>). Stored recoverable, since the Hub signs with it: encrypted with Data
    /// Protection (<c>dp1:…</c>, see <see cref="Larkway.Hub.Apps.HubSecretProtector"/>); rows from before that hold the
    /// plaintext until the startup conversion protects them.
    /// </summary>
    public string Secret { get; set; } = "";

    /// <summary>
    /// The secret <see cref="Secret"/> replaced at the last rotation, protected like it; still signed with until
    /// <see cref="PreviousSecretExpiresAt"/>, so receivers can switch without a gap. Null when none is valid.
    /// </summary>
    public string? PreviousSecret { get; set; }

    /// <summary>When <see cref="PreviousSecret"/> stops being signed with (the rotation plus <see cref="WebhookOptions.SecretRotationWindow"/>).</summary>
    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }

    /// <summary>When created.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One event for one subscription: an outbox item
/// <c>Pending → InProgress(lease) → Delivered | Retrying(next attempt) → … → DeadLetter</c>, replayable.
/// </summary>
public sealed class WebhookDeliveryRow : IWorkItem
{
    /// <summary>Longest stored error.</summary>
    public const int MaxErrorLength = QueueLimits.MaxErrorLength;

    /// <summary>Row id; sent as <c>X-Larkway-Delivery</c>.</summary>
    public long Id { get; set; }

    /// <summary>The subscription.</summary>
    public string SubscriptionId { get; set; } = "";

    /// <summary>
    /// The inbox event it came from; unique per subscription, so a redelivered or replayed event is not sent twice. Null
    /// for the Hub's own events (approval callbacks), which are queued once, with the change they report.
    /// </summary>
    public long? InboxEventId { get; set; }

    /// <summary>Feishu's event id (the envelope's <c>id</c>), when the event has one.</summary>
    public string? EventId { get; set; }

    /// <summary>The event type.</summary>
    public string EventType { get; set; } = "";

    /// <summary>The exact JSON body posted (the envelope), fixed at fan-out so every attempt signs the same bytes.</summary>
    public byte[] Payload { get; set; } = [];

    /// <inheritdoc />
    public WorkState State { get; set; }

    /// <inheritdoc />
    public int Attempts { get; set; }

    /// <inheritdoc />
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <inheritdoc />
    public string? LeaseOwner { get; set; }

    /// <inheritdoc />
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>The HTTP status of the last attempt that got an answer.</summary>
    public int? StatusCode { get; set; }

    /// <summary>The last failure (status and the start of the answer, or the exception type and message).</summary>
    public string? LastError { get; set; }

    /// <summary>How long the last attempt took, in milliseconds.</summary>
    public int? ResponseTimeMs { get; set; }

    /// <summary>When created (fan-out).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the receiver answered 2xx.</summary>
    public DateTimeOffset? DeliveredAt { get; set; }
}
