using Larkway.Feishu.Im;
using Larkway.Hub.Bots;
using Larkway.Hub.DingTalk;
using Larkway.WeCom.Messages;

namespace Larkway.Hub.WeCom;

/// <summary>
/// How the bot answers on WeCom: an app message (<c>message/send</c>) to the member who wrote — an app's callbacks
/// come from one member in the app's own chat, so a reply and a post "in the chat" both go to that member. A text stays
/// text; a card becomes markdown (its header the title, its text the body, its buttons named).
/// Decision: no <c>enable_duplicate_check</c> — WeCom drops the same content for 30 minutes, which would swallow a second
/// identical answer (two /help in a row); so, as on DingTalk, a handling retried after a crash between the send and its
/// completion may answer twice.
/// </summary>
internal sealed class WeComBotMessenger(HubWeComClients clients, string appName) : IBotMessenger
{
    public async Task ReplyAsync(BotMessage to, MessageContent content, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(to);
        await SendToChatAsync(to.SenderOpenId, content, idempotencyKey, cancellationToken).ConfigureAwait(false);
    }

    public async Task SendToChatAsync(string chatId, MessageContent content, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var client = await clients.GetAsync(appName, cancellationToken).ConfigureAwait(false);
        await client.Messages.SendAsync(WeComRecipients.ToUsers(chatId), MessageOf(content), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The app message for a bot's answer.</summary>
    internal static WeComAppMessage MessageOf(MessageContent content)
    {
        var (title, text) = DingTalkBotContent.From(content);
        return title is null ? WeComAppMessage.Text(text) : WeComAppMessage.Markdown($"**{title}**\n\n{text}");
    }
}
