using Larkway.Feishu.Events.Envelopes;

namespace Larkway.Feishu.Events.Dispatch;

/// <summary>What a handler knows about the delivery besides the event itself.</summary>
public sealed class FeishuEventContext
{
    private Dictionary<Type, object>? _features;

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

    /// <summary>
    /// What the host that received the event attached for its handlers, by type (where it stored the event, when it received
    /// it); null when it attached nothing of that type. Handed on with the event, so a handler reads it without ambient state.
    /// </summary>
    public T? Get<T>()
        where T : class =>
        _features is not null && _features.TryGetValue(typeof(T), out var feature) ? (T)feature : null;

    /// <summary>Attaches <paramref name="feature"/> for the handlers (replacing one of its type) before the context is dispatched.</summary>
    /// <returns>This context.</returns>
    public FeishuEventContext Set<T>(T feature)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(feature);
        (_features ??= [])[typeof(T)] = feature;
        return this;
    }
}
