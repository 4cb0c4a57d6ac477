using Larkway.Channels.Messages;

namespace Larkway.Hub.Bots;

/// <summary>What a command or conversation step gets: the message, its arguments, and ways to answer.</summary>
public sealed class BotContext
{
    private readonly IBotMessenger _messenger;
    private readonly IBotConversationStore _conversations;
    private readonly TimeSpan _conversationTimeout;
    private readonly TimeProvider _time;
    private int _replies;

    internal BotContext(
        string app,
        BotMessage message,
        IReadOnlyList<string> arguments,
        string argumentText,
        BotConversation? conversation,
        IBotMessenger messenger,
        IBotConversationStore conversations,
        TimeSpan conversationTimeout,
        TimeProvider time)
    {
        App = app;
        Message = message;
        Arguments = arguments;
        ArgumentText = argumentText;
        Conversation = conversation;
        _messenger = messenger;
        _conversations = conversations;
        _conversationTimeout = conversationTimeout;
        _time = time;
    }

    /// <summary>The assistant the bot hands other messages to, if any (<c>/help</c> names it).</summary>
    internal IBotAssistant? Assistant { get; init; }

    /// <summary>The app name the bot runs as.</summary>
    public string App { get; }

    public BotMessage Message { get; }

    /// <summary>Whitespace-separated arguments after the command name (quotes group words).</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Everything after the command name, as typed (trimmed).</summary>
    public string ArgumentText { get; }

    /// <summary>The conversation this message answers, when it is a step.</summary>
    public BotConversation? Conversation { get; }

    /// <summary>Replies to the message with text.</summary>
    public Task ReplyAsync(string text, CancellationToken cancellationToken) => ReplyAsync(ChannelReply.ForText(text), cancellationToken);

    /// <summary>
    /// Replies with any reply of the platform-neutral model (its platform's room renders it). The n-th reply of a handling has the same idempotency key on every retry
    /// of the same event, so a retried handler never posts twice.
    /// </summary>
    public Task ReplyAsync(ChannelReply reply, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _replies);
        return _messenger.ReplyAsync(Message, reply, $"{Message.EventKey}/reply/{n}", cancellationToken);
    }

    /// <summary>Asks the user a question: their next message in this chat goes to <paramref name="step"/>.</summary>
    public async Task AskAsync(string question, string step, IReadOnlyDictionary<string, string>? values = null, CancellationToken cancellationToken = default)
    {
        await _conversations.SetAsync(App, Message.ChatId, Message.SenderId,
            new BotConversation(step, values ?? new Dictionary<string, string>(), _time.GetUtcNow() + _conversationTimeout), cancellationToken).ConfigureAwait(false);
        await ReplyAsync(question, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the conversation: the user's next message is read as a new request.</summary>
    public ValueTask EndConversationAsync(CancellationToken cancellationToken) =>
        _conversations.RemoveAsync(App, Message.ChatId, Message.SenderId, cancellationToken);
}
