using System.Text.Json.Nodes;

namespace Larkway.Emulator.WeCom.AiBot;

/// <summary>A chat with a bot: one user's single chat, or a group the bot is in.</summary>
public sealed class AiBotConversation
{
    public required string Id { get; init; }

    public required string BotId { get; init; }

    /// <summary><c>single</c> or <c>group</c>.</summary>
    public required string ChatType { get; init; }

    /// <summary>The group's chatid (group chats only).</summary>
    public string? ChatId { get; init; }

    /// <summary>The user of a single chat.</summary>
    public string? UserId { get; init; }

    public required string Title { get; init; }
}

/// <summary>
/// One message as the WeCom user sees it: a user's message (with whether the bot got it), or the bot's reply — a stream
/// growing in place, markdown, a template card (updated in place), a welcome, or media.
/// </summary>
public sealed class AiBotMessage
{
    public required string Id { get; init; }

    public required string ConversationId { get; init; }

    /// <summary>The sender's userid, or <c>bot</c>.</summary>
    public required string From { get; init; }

    /// <summary>text, image, mixed, voice, file (user); stream, markdown, template_card, stream_with_template_card, text, image, file, voice, video (bot).</summary>
    public required string MsgType { get; set; }

    /// <summary>The user's text, or the bot's markdown / stream content (the full text so far).</summary>
    public string? Content { get; set; }

    public string? StreamId { get; set; }

    public bool Finished { get; set; }

    /// <summary>Stream frames applied so far.</summary>
    public int Frames { get; set; }

    public JsonObject? Card { get; set; }

    public string? FeedbackId { get; set; }

    /// <summary>What the user answered to the feedback buttons (1 good, 2 bad), if anything.</summary>
    public int? FeedbackGiven { get; set; }

    public string? MediaId { get; set; }

    public string? FileName { get; set; }

    /// <summary>For a user's message: where it went (<c>connection</c>, <c>callback</c>, <c>no-connection</c>, <c>lost</c>, <c>not-mentioned</c>).</summary>
    public string? Delivery { get; set; }

    /// <summary>The req_id the message came in (user) or was answered under (bot).</summary>
    public string? ReqId { get; set; }

    public string? QuoteText { get; set; }

    public long CreatedAtMs { get; init; }

    public long UpdatedAtMs { get; set; }

    internal AiBotMessage Copy()
    {
        var copy = (AiBotMessage)MemberwiseClone();
        copy.Card = Card?.DeepClone() as JsonObject;
        return copy;
    }
}

/// <summary>The bots' conversations and their messages; every change bumps <see cref="Version"/> (the page polls it).</summary>
internal sealed class AiBotConversations
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, AiBotConversation> _conversations = new(StringComparer.Ordinal);
    private readonly List<AiBotMessage> _messages = [];
    private long _version;

    public event Action? Changed;

    public long Version => Interlocked.Read(ref _version);

    public static string SingleId(string botId, string userId) => $"{botId}/single/{userId}";

    public static string GroupId(string botId, string chatId) => $"{botId}/group/{chatId}";

    public AiBotConversation Ensure(AiBotConversation conversation)
    {
        lock (_gate)
        {
            if (_conversations.TryGetValue(conversation.Id, out var existing))
            {
                return existing;
            }

            _conversations[conversation.Id] = conversation;
        }

        Bump();
        return conversation;
    }

    public AiBotConversation? Find(string id)
    {
        lock (_gate)
        {
            return _conversations.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<AiBotConversation> All()
    {
        lock (_gate)
        {
            return [.. _conversations.Values];
        }
    }

    public void Add(AiBotMessage message)
    {
        lock (_gate)
        {
            _messages.Add(message);
        }

        Bump();
    }

    /// <summary>Changes a message under the store's lock; false when there is none with that id.</summary>
    public bool Update(string messageId, Action<AiBotMessage> change)
    {
        lock (_gate)
        {
            var message = _messages.FindLast(m => m.Id == messageId);
            if (message is null)
            {
                return false;
            }

            change(message);
        }

        Bump();
        return true;
    }

    public AiBotMessage? Message(string messageId)
    {
        lock (_gate)
        {
            return _messages.FindLast(m => m.Id == messageId)?.Copy();
        }
    }

    /// <summary>Copies of a conversation's messages, oldest first.</summary>
    public IReadOnlyList<AiBotMessage> Messages(string conversationId)
    {
        lock (_gate)
        {
            return [.. _messages.Where(m => m.ConversationId == conversationId).Select(m => m.Copy())];
        }
    }

    public (IReadOnlyList<AiBotConversation> Conversations, IReadOnlyList<AiBotMessage> Messages) Export()
    {
        lock (_gate)
        {
            return ([.. _conversations.Values], [.. _messages.Select(m => m.Copy())]);
        }
    }

    public void Restore(IEnumerable<AiBotConversation> conversations, IEnumerable<AiBotMessage> messages)
    {
        lock (_gate)
        {
            foreach (var conversation in conversations)
            {
                _conversations[conversation.Id] = conversation;
            }

            _messages.AddRange(messages);
        }
    }

    private void Bump()
    {
        Interlocked.Increment(ref _version);
        Changed?.Invoke();
    }
}
