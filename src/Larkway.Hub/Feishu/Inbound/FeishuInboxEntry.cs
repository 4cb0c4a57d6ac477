using System.Text.Json;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.Models.Im;
using Larkway.Hub.Inbox;

namespace Larkway.Hub.Feishu.Inbound;

/// <summary>
/// Feishu's door to the inbox: what the receiver parsed once (the envelope) becomes the neutral event the inbox stores —
/// its dedup keys (<see cref="FeishuDedupKeys"/>), a received message's key in creation order, its chat as the lane, its
/// transport, and the body with its credentials taken out (<see cref="FeishuInboxRedaction"/>). Runs on the receiving
/// request's thread, before the ack.
/// </summary>
public static class FeishuInboxEntry
{
    /// <summary>The inbox's event of a verified Feishu event or callback.</summary>
    public static PlatformInbound Of(FeishuInboundEvent inbound)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        var envelope = inbound.Envelope;
        var keys = FeishuDedupKeys.For(envelope);
        return new PlatformInbound(inbound.AppName, envelope.EventType, Transport(inbound.Transport), FeishuDedupKeys.ToIndex(envelope, keys), FeishuInboxRedaction.Redact(inbound.Body.Span, envelope))
        {
            ListedKey = keys.Count > 0 ? keys[0] : null,
            TimeOrderedKey = FeishuDedupKeys.TimeOrderedMessageKey(envelope) is { } ordered
                ? new InboxTimeOrderedKey(ordered.Key, ordered.PlainKey, ordered.PlainPrefix, ordered.CreatedAt)
                : null,
            Lane = Lane(envelope),
        };
    }

    /// <summary>
    /// Stores a verified Feishu event in the inbox, as Feishu's receivers do (<see cref="FeishuInboxSink"/> adds triage and
    /// the inline card actions): for a host or a test that hands the inbox events of its own.
    /// </summary>
    public static Task<InboxAppendResult> AppendAsync(this InboxStore store, FeishuInboundEvent inbound, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.AppendAsync(Of(inbound), cancellationToken);
    }

    /// <summary>The inbox's transport of a Feishu event (its two are declared by the inbox, for the rows that predate the rooms).</summary>
    public static InboxTransport Transport(FeishuEventTransport transport) =>
        transport == FeishuEventTransport.LongConnection ? InboxTransport.LongConnection : InboxTransport.Http;

    /// <summary>
    /// The lane of an envelope: a received message's <c>chat_id</c> (a direct chat has one too). A thread is in its chat's
    /// lane: a question in a thread also waits for the chat's earlier unread messages, which costs at most a moment and
    /// never lets two questions of one place pass each other.
    /// </summary>
    internal static string? Lane(FeishuEventEnvelope envelope) =>
        envelope.EventType == MessageReceivedEvent.Type
        && envelope.Event.ValueKind == JsonValueKind.Object
        && envelope.Event.TryGetProperty("message", out var message)
        && message.ValueKind == JsonValueKind.Object
        && message.TryGetProperty("chat_id", out var chat)
        && chat.ValueKind == JsonValueKind.String
            ? InboxLane.Of(chat.GetString())
            : null;
}
