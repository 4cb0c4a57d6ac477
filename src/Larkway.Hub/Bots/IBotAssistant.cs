using Larkway.Channels.Messages;

namespace Larkway.Hub.Bots;

/// <summary>
/// What a bot hands a message no command of its own claimed to: an assistant answering on the bot's app. The bot's
/// registered commands always run first; the assistant then decides (its commands, its gate, an answer).
/// </summary>
public interface IBotAssistant
{
    /// <summary>
    /// Takes <paramref name="message"/> to <paramref name="app"/>: true when handled, false when no assistant answers on
    /// the app (the bot goes on as before). <paramref name="replyContext"/> is the platform's reply payload, kept protected
    /// with the question; <paramref name="reply"/> sends a plain text reply (text, idempotency suffix).
    /// </summary>
    Task<bool> TryAcceptAsync(string app, InboundMessage message, string? replyContext, Func<string, string, CancellationToken, Task> reply, CancellationToken cancellationToken);

    /// <summary>
    /// Which group messages that do not @-mention the bot an assistant on <paramref name="app"/> would take, answered from
    /// memory: the inbox's triage asks on the ack path before it drops such a message. When it cannot tell it says
    /// <see cref="UnmentionedGroupMessages.All"/>, so the message is kept and the assistant's gate decides.
    /// </summary>
    UnmentionedGroupMessages UnmentionedGroupMessagesTaken(string app) => UnmentionedGroupMessages.All;
}

/// <summary>Which group messages without the bot's @-mention an app's assistant takes.</summary>
public enum UnmentionedGroupMessages
{
    /// <summary>None: only a message that @-mentions the bot reaches it.</summary>
    None,

    /// <summary>Those that @-mention all (<c>policy.groups.answer_at_all</c>).</summary>
    MentioningAll,

    /// <summary>Every one (<c>policy.groups.mode: all</c>), or the Hub cannot tell right now.</summary>
    All,
}
