using System.Collections.Concurrent;

namespace Larkway.Feishu.Http;

/// <summary>
/// The chat of messages this app has recently seen (sent, replied to, fetched), so that a reply —
/// which names only its parent message — is paced by the limit of the chat it lands in.
/// Bounded: the oldest entries are dropped first.
/// </summary>
internal sealed class RecentMessageChats(int capacity = RecentMessageChats.DefaultCapacity)
{
    public const int DefaultCapacity = 10_000;

    private readonly ConcurrentDictionary<string, string> _chatByMessage = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public void Remember(string? messageId, string? chatId)
    {
        if (string.IsNullOrEmpty(messageId) || string.IsNullOrEmpty(chatId) || !_chatByMessage.TryAdd(messageId, chatId))
        {
            return;
        }

        _order.Enqueue(messageId);
        while (_chatByMessage.Count > capacity && _order.TryDequeue(out var oldest))
        {
            _chatByMessage.TryRemove(oldest, out _);
        }
    }

    public string? ChatOf(string messageId) => _chatByMessage.TryGetValue(messageId, out var chat) ? chat : null;
}
