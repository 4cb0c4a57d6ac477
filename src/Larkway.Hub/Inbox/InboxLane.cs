using System.Security.Cryptography;
using System.Text;

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
}
