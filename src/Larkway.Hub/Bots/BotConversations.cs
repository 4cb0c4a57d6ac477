using System.Collections.Concurrent;

namespace Larkway.Hub.Bots;

/// <summary>Where a conversation with one user in one chat stands: the step awaiting their next message, and values gathered so far.</summary>
public sealed record BotConversation(string Step, IReadOnlyDictionary<string, string> Values, DateTimeOffset ExpiresAt);

/// <summary>Conversation state per (app, chat, user).</summary>
public interface IBotConversationStore
{
    ValueTask<BotConversation?> GetAsync(string app, string chatId, string userOpenId, CancellationToken cancellationToken);

    ValueTask SetAsync(string app, string chatId, string userOpenId, BotConversation conversation, CancellationToken cancellationToken);

    ValueTask RemoveAsync(string app, string chatId, string userOpenId, CancellationToken cancellationToken);
}

/// <summary>
/// Keeps conversations in memory with their expiry. A restart forgets open questions — the user is
/// asked again — which is acceptable for short prompts; it never loses events, which live in the inbox.
/// </summary>
public sealed class InMemoryBotConversationStore(TimeProvider timeProvider) : IBotConversationStore
{
    private readonly ConcurrentDictionary<(string, string, string), BotConversation> _conversations = new();

    public ValueTask<BotConversation?> GetAsync(string app, string chatId, string userOpenId, CancellationToken cancellationToken)
    {
        var key = (app, chatId, userOpenId);
        if (_conversations.TryGetValue(key, out var conversation))
        {
            if (conversation.ExpiresAt > timeProvider.GetUtcNow())
            {
                return ValueTask.FromResult<BotConversation?>(conversation);
            }

            _conversations.TryRemove(KeyValuePair.Create(key, conversation));
        }

        return ValueTask.FromResult<BotConversation?>(null);
    }

    public ValueTask SetAsync(string app, string chatId, string userOpenId, BotConversation conversation, CancellationToken cancellationToken)
    {
        _conversations[(app, chatId, userOpenId)] = conversation;
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(string app, string chatId, string userOpenId, CancellationToken cancellationToken)
    {
        _conversations.TryRemove((app, chatId, userOpenId), out _);
        return ValueTask.CompletedTask;
    }
}
