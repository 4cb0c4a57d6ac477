namespace Larkway.Hub.Bots;

/// <summary>How an app bot behaves (configuration section <c>Larkway:Bot</c>).</summary>
public sealed class BotOptions
{
    /// <summary>In group chats, answer only messages that @-mention the bot. Default true; p2p chats are always answered.</summary>
    public bool GroupsRequireMention { get; set; } = true;

    /// <summary>Posted when the bot is added to a group; <c>{bot}</c> is replaced by the bot's name. Empty turns it off.</summary>
    public string WelcomeMessage { get; set; } = "Hi, I'm {bot}. Mention me with /help to see what I can do.";

    /// <summary>The reply when handling a message fails (a downstream system or the Feishu API); <c>{ref}</c> is a reference for the logs.</summary>
    public string FailureReply { get; set; } = "Sorry, something went wrong on my side and I couldn't finish that. Please try again in a moment. (ref {ref})";

    /// <summary>The reply to a message that is neither a command nor an answer the bot is waiting for.</summary>
    public string FallbackReply { get; set; } = "I answer commands. Send /help to see them.";

    /// <summary>How long the bot waits for the answer to a question it asked before forgetting the conversation.</summary>
    public TimeSpan ConversationTimeout { get; set; } = TimeSpan.FromMinutes(30);
}
