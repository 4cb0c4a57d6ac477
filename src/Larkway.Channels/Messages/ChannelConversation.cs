namespace Larkway.Channels.Messages;

/// <summary>What kind of conversation a message belongs to.</summary>
public enum ConversationKind
{
    /// <summary>A one-to-one chat between a person and the bot.</summary>
    Direct,

    /// <summary>A group chat.</summary>
    Group,

    /// <summary>A thread (topic) inside a group chat: replies stay in the thread.</summary>
    Thread,
}

/// <summary>
/// A conversation: the platform's id of the chat, its kind and, for a thread, the thread's id. Two messages of one
/// thread share <see cref="Key"/>; a thread and its group do not.
/// </summary>
public sealed record ChannelConversation
{
    /// <summary>A conversation; a thread needs its <paramref name="threadId"/>, the other kinds take none.</summary>
    /// <param name="id">The platform's chat id (Feishu chat_id, DingTalk conversationId, WeCom chatid or the user's id in a single chat).</param>
    /// <param name="kind">Direct, group or thread.</param>
    /// <param name="threadId">The thread (topic) id, for <see cref="ConversationKind.Thread"/> only.</param>
    /// <param name="title">The group's name, when the platform gives it.</param>
    /// <exception cref="ArgumentException">The id is blank, a thread has no thread id, or another kind has one.</exception>
    public ChannelConversation(string id, ConversationKind kind, string? threadId = null, string? title = null)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("A conversation needs the platform's chat id; it is blank.", nameof(id));
        }

        if (kind == ConversationKind.Thread && string.IsNullOrWhiteSpace(threadId))
        {
            throw new ArgumentException("A thread conversation needs its thread id.", nameof(threadId));
        }

        if (kind != ConversationKind.Thread && threadId is not null)
        {
            throw new ArgumentException($"Only a thread conversation has a thread id; this one is {kind}.", nameof(threadId));
        }

        Id = id;
        Kind = kind;
        ThreadId = threadId;
        Title = title;
    }

    /// <summary>The platform's chat id.</summary>
    public string Id { get; }

    /// <summary>Direct, group or thread.</summary>
    public ConversationKind Kind { get; }

    /// <summary>The thread's id, for a thread.</summary>
    public string? ThreadId { get; }

    /// <summary>The group's name, when known.</summary>
    public string? Title { get; init; }

    /// <summary>True for a group chat or a thread in one: more than one person may read the bot's replies.</summary>
    public bool IsShared => Kind != ConversationKind.Direct;

    /// <summary>One key per conversation (the chat id, with <c>#thread</c> for a thread): what sessions and queues are keyed by.</summary>
    public string Key => ThreadId is null ? Id : $"{Id}#{ThreadId}";
}
