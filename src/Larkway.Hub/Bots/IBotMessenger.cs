using Larkway.Channels.Messages;

namespace Larkway.Hub.Bots;

/// <summary>
/// How a bot talks back, in the platform-neutral reply model: each platform's room renders the <see cref="ChannelReply"/>
/// in its own form. Every send carries an idempotency key, so a retried handling never posts twice where the platform
/// dedupes.
/// </summary>
public interface IBotMessenger
{
    /// <summary>Replies to a message.</summary>
    Task ReplyAsync(BotMessage to, ChannelReply reply, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Posts in a chat.</summary>
    Task SendToChatAsync(string chatId, ChannelReply reply, string idempotencyKey, CancellationToken cancellationToken);
}
