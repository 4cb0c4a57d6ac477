using Larkway.Feishu.Events.Envelopes;

namespace Larkway.Feishu.Events.Dispatch;

/// <summary>What a handler knows about the delivery besides the event itself.</summary>
public sealed class FeishuEventContext
{
    public FeishuEventContext(FeishuEventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        Envelope = envelope;
    }

    /// <summary>The parsed envelope (raw event included).</summary>
    public FeishuEventEnvelope Envelope { get; }

    /// <summary>v2 <c>event_id</c> or v1 <c>uuid</c> — the dedup key.</summary>
    public string? EventId => Envelope.DedupKey;

    public string EventType => Envelope.EventType;

    public string? AppId => Envelope.AppId;

    public string? TenantKey => Envelope.TenantKey;

    public DateTimeOffset? CreateTime => Envelope.CreateTime;

    public FeishuEnvelopeKind Kind => Envelope.Kind;
}
