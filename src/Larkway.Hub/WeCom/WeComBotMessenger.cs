using Larkway.Channels.Adapters;
using Larkway.Channels.Messages;
using Larkway.Hub.Bots;
using Larkway.WeCom.Messages;

namespace Larkway.Hub.WeCom;

/// <summary>
/// How the bot answers on WeCom: app messages (<c>message/send</c>) to the member who wrote — an app's callbacks come
/// from one member in the app's own chat, so a reply and a post "in the chat" both go to that member — rendered with
/// Channels' WeCom renderer as the assistant's replies are (text as text, a card as a template card in that one-to-one
/// chat, whose callback buttons come back to the bot's card actions: <see cref="WeComBotCardClicks"/>).
/// Decision: no <c>enable_duplicate_check</c> — WeCom drops the same content for 30 minutes, which would swallow a second
/// identical answer (two /help in a row); so, as on DingTalk, a handling retried after a crash between the send and its
/// completion may answer twice.
/// </summary>
internal sealed class WeComBotMessenger(HubWeComClients clients, string appName) : IBotMessenger
{
    public async Task ReplyAsync(BotMessage to, ChannelReply reply, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(to);
        await SendToChatAsync(to.SenderId, reply, idempotencyKey, cancellationToken).ConfigureAwait(false);
    }

    public async Task SendToChatAsync(string chatId, ChannelReply reply, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var client = await clients.GetAsync(appName, cancellationToken).ConfigureAwait(false);
        foreach (var message in MessagesOf(reply, chatId))
        {
            await client.Messages.SendAsync(WeComRecipients.ToUsers(chatId), message, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The app messages of a bot's answer to member <paramref name="userId"/>. A card gets a new task id each time, one
    /// the bot's clicks know as its own (<see cref="WeComBotCardClicks.TaskIdPrefix"/>): a retried send is not
    /// deduplicated here anyway (see above), and a reused task id would be refused.
    /// </summary>
    internal static IReadOnlyList<WeComAppMessage> MessagesOf(ChannelReply reply, string userId) =>
        WeComChannelAdapter.RenderAppMessage(reply, new ChannelConversation(userId, ConversationKind.Direct), WeComBotCardClicks.NewTaskId()).Messages;
}
