using System.Globalization;
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

        if (MessageOf(envelope) is { } message && MessageId(message) is { } messageId)
        {
            keys.Add(MessageKeyPrefix(envelope.AppId) + messageId);
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

    /// <summary>
    /// A received message's index key for an index kept in key order (a B-tree): the message's <c>create_time</c> comes
    /// before its id, so each new message lands at the right edge of its app's range, where a batch of them shares a
    /// page, instead of each on a random page. Every delivery of one message carries the message's own create_time
    /// (a redelivery under the same event id, or the message under a new one), so each maps to the same key. Null
    /// unless the envelope is a received message with an id and a 13-digit millisecond create_time; it keeps
    /// <see cref="For"/>'s plain key then.
    /// </summary>
    public static FeishuTimeOrderedKey? TimeOrderedMessageKey(FeishuEventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (MessageOf(envelope) is not { } message || MessageId(message) is not { } messageId
            || !message.TryGetProperty("create_time", out var created) || created.ValueKind != JsonValueKind.String
            || created.GetString() is not { Length: 13 } createTime || createTime.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            return null;
        }

        var plainPrefix = MessageKeyPrefix(envelope.AppId);
        return new FeishuTimeOrderedKey(
            $"{envelope.AppId ?? "-"}/im.message@{createTime}/{messageId}",
            plainPrefix + messageId,
            plainPrefix,
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(createTime, CultureInfo.InvariantCulture)));
    }

    /// <summary>The start every plain message key of one app shares (<see cref="For"/>); a range scan from it finds them.</summary>
    public static string MessageKeyPrefix(string? appId) => $"{appId ?? "-"}/im.message/";

    private static JsonElement? MessageOf(FeishuEventEnvelope envelope) =>
        envelope.EventType == MessageReceivedEvent.Type
        && envelope.Event.ValueKind == JsonValueKind.Object
        && envelope.Event.TryGetProperty("message", out var message)
        && message.ValueKind == JsonValueKind.Object
            ? message
            : null;

    private static string? MessageId(JsonElement message) =>
        message.TryGetProperty("message_id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } messageId
            ? messageId
            : null;
}

/// <summary>A received message's time-ordered index key (<see cref="FeishuDedupKeys.TimeOrderedMessageKey"/>).</summary>
/// <param name="Key">The key to index: app, message create_time, message id.</param>
/// <param name="PlainKey">The same message's plain key (<see cref="FeishuDedupKeys.For"/>), which a store written before may hold instead.</param>
/// <param name="PlainPrefix">The start of every plain message key of the app (<see cref="FeishuDedupKeys.MessageKeyPrefix"/>).</param>
/// <param name="CreatedAt">The message's create_time.</param>
public readonly record struct FeishuTimeOrderedKey(string Key, string PlainKey, string PlainPrefix, DateTimeOffset CreatedAt);
