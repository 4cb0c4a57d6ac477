using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models.Im;

namespace Larkway.Hub.Inbox;

/// <summary>
/// An inbox event's lane: the conversation it belongs to, named by its platform's ingest when it stores the event (a
/// Feishu chat, a DingTalk conversation, a WeCom member or group chat). Order matters only within a lane: a question
/// waits for the earlier, still unread events of its own app and lane, never for anyone else's. The value is opaque —
/// the inbox only compares it with the lanes of the same app's events.
/// </summary>
public static class InboxLane
{
    /// <summary>Longest stored lane; a longer conversation id (only hostile input) is stored as its hash.</summary>
    public const int MaxLength = 128;

    /// <summary>The lane of a conversation id, bounded to <see cref="MaxLength"/>; null for a blank id (no conversation).</summary>
    public static string? Of(string? conversation)
    {
        if (string.IsNullOrWhiteSpace(conversation))
        {
            return null;
        }

        return conversation.Length <= MaxLength ? conversation : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(conversation)));
    }

    /// <summary>
    /// Feishu's lane of an envelope: a received message's <c>chat_id</c> (a direct chat has one too). A thread is in its
    /// chat's lane: a question in a thread also waits for the chat's earlier unread messages, which costs at most a
    /// moment and never lets two questions of one place pass each other.
    /// </summary>
    internal static string? OfFeishu(FeishuEventEnvelope envelope) =>
        envelope.EventType == MessageReceivedEvent.Type
        && envelope.Event.ValueKind == JsonValueKind.Object
        && envelope.Event.TryGetProperty("message", out var message)
        && message.ValueKind == JsonValueKind.Object
        && message.TryGetProperty("chat_id", out var chat)
        && chat.ValueKind == JsonValueKind.String
            ? Of(chat.GetString())
            : null;
}
