using System.Security.Cryptography;
using System.Text;
using Larkway.Feishu;
using Larkway.Feishu.Im;

namespace Larkway.Hub.Bots;

/// <summary>How a bot talks back. Every send carries an idempotency key, so a retried handling never posts twice.</summary>
public interface IBotMessenger
{
    /// <summary>Replies to a message.</summary>
    Task ReplyAsync(BotMessage to, MessageContent content, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Posts in a chat.</summary>
    Task SendToChatAsync(string chatId, MessageContent content, string idempotencyKey, CancellationToken cancellationToken);
}

/// <summary>Sends through the app's <see cref="FeishuClient"/>; the key becomes the message <c>uuid</c> Feishu dedupes on.</summary>
public sealed class FeishuBotMessenger(FeishuClient client) : IBotMessenger
{
    public Task ReplyAsync(BotMessage to, MessageContent content, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(to);
        return client.Im.Messages.ReplyAsync(to.MessageId, content, uuid: Uuid(idempotencyKey), chatId: to.ChatId, cancellationToken: cancellationToken);
    }

    public Task SendToChatAsync(string chatId, MessageContent content, string idempotencyKey, CancellationToken cancellationToken) =>
        client.Im.Messages.SendAsync(ReceiveId.Chat(chatId), content, Uuid(idempotencyKey), cancellationToken);

    /// <summary>Feishu's uuid is at most 50 characters; a hash of the key fits and stays stable across retries.</summary>
    internal static string Uuid(string idempotencyKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32];
}
