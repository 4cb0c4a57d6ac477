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
}
