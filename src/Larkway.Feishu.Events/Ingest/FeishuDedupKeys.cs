using System.Text.Json;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models.Im;

namespace Larkway.Feishu.Events.Ingest;

/// <summary>
/// The keys that identify one event across redeliveries. Feishu redelivers with the same
/// <c>event_id</c> (v2) or <c>uuid</c> (v1); an IM message can also come back under a new event id,
/// so <c>im.message.receive_v1</c> adds its <c>message_id</c>. Keys are scoped by app: two bots in
/// one group each receive, and must each handle, the same message.
/// </summary>
public static class FeishuDedupKeys
{
    /// <summary>
    /// The dedup keys of an envelope, most specific first (a message's key, when there is one, is last); empty when it
    /// carries none (old card callbacks, challenges).
    /// </summary>
    public static IReadOnlyList<string> For(FeishuEventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.IsUrlVerification)
        {
            return [];
        }

        var app = envelope.AppId ?? "-";
        var keys = new List<string>(2);
        if (!string.IsNullOrEmpty(envelope.DedupKey))
        {
            keys.Add($"{app}/event/{envelope.DedupKey}");
        }

        if (envelope.EventType == MessageReceivedEvent.Type
            && envelope.Event.ValueKind == JsonValueKind.Object
            && envelope.Event.TryGetProperty("message", out var message)
            && message.ValueKind == JsonValueKind.Object
            && message.TryGetProperty("message_id", out var id)
            && id.ValueKind == JsonValueKind.String
            && id.GetString() is { Length: > 0 } messageId)
        {
            keys.Add($"{app}/im.message/{messageId}");
        }

        return keys;
    }

    /// <summary>
    /// Of an envelope's <paramref name="keys"/> (from <see cref="For"/>), those a store must index so that every
    /// redelivery finds one. A received message needs only its message key: a redelivery under the same event id
    /// carries the same message, so that key finds it too. Half the index entries per message, each a random insert.
    /// </summary>
    public static IReadOnlyList<string> ToIndex(FeishuEventEnvelope envelope, IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(keys);
        return keys.Count > 1 && envelope.EventType == MessageReceivedEvent.Type ? [keys[^1]] : keys;
    }
}
