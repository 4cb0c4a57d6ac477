using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models.Cards;

namespace Larkway.Feishu.Events.Ingest;

/// <summary>How an event reached us.</summary>
public enum FeishuEventTransport
{
    /// <summary>An HTTP request to a webhook endpoint (signed, optionally encrypted).</summary>
    Http,

    /// <summary>A data frame of the long connection (plaintext, authenticated by the connection).</summary>
    LongConnection,
}

/// <summary>
/// One verified event or callback, as a receiver hands it to an <see cref="IFeishuEventSink"/>.
/// </summary>
/// <param name="Envelope">The parsed envelope.</param>
/// <param name="Body">The decrypted UTF-8 JSON body the envelope was parsed from, for storage and replay.</param>
/// <param name="Transport">How it arrived.</param>
/// <param name="AppName">The name of the configured app it belongs to (empty for the default app).</param>
public sealed record FeishuInboundEvent(
    FeishuEventEnvelope Envelope,
    ReadOnlyMemory<byte> Body,
    FeishuEventTransport Transport,
    string AppName)
{
    /// <summary>True for a card action (new <c>card.action.trigger</c> or an old card callback), which is answered synchronously.</summary>
    public bool IsCardAction =>
        Envelope.EventType is CardActionTriggerEvent.Type or FeishuEventEnvelope.LegacyCardActionType;

    /// <summary>The keys under which a redelivery of this event is recognised; see <see cref="FeishuDedupKeys"/>.</summary>
    public IReadOnlyList<string> DedupKeys => FeishuDedupKeys.For(Envelope);
}
