using Larkway.Channels.Adapters;
using Larkway.Channels.Messages;
using Larkway.DingTalk.Cards;
using Larkway.DingTalk.Robots;
using Larkway.DingTalk.Stream;
using Larkway.Hub.Bots;
using Larkway.Hub.DingTalk.Notifications;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// How the bot answers on DingTalk: a card with a callback button, when the app has a card template, as an interactive
/// card whose presses come back to the bot (<see cref="DingTalkBotCards"/>); without one, answering a person, as a
/// robot's action card whose buttons are links made for them (<see cref="DingTalkBotCards.LinkCard"/>); else a reply
/// rendered with Channels' DingTalk renderer (text as text, a card as markdown — a card sent to a group chat by itself
/// has no person to make its links for, so a callback button is left out), sent through the message's session
/// webhook while it lives and is on the app's own host (<see cref="DingTalkSessionWebhook"/>; no token, no rate of its
/// own), else through the app robot (one-to-one to the sender, or to the group). DingTalk has no idempotency key on sends,
/// so a handling retried after a crash between the send and its completion may answer twice.
/// </summary>
internal sealed class DingTalkBotMessenger(HubDingTalkClients clients, string appName, string? cardTemplate, TimeProvider time, ILogger logger, DingTalkActionLinks? links = null) : IBotMessenger
{
    public async Task ReplyAsync(BotMessage to, ChannelReply reply, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(reply);
        // The room keeps the robot message (its session webhook) as the reply context, as the assistant's replies read it.
        var inbound = to.ReplyContext is { Length: > 0 } json
            ? DingTalkRobotInboundMessage.Parse(json)
            : throw new InvalidOperationException("Not a DingTalk message: the DingTalk messenger answers DingTalk robot messages only.");
        var client = await clients.GetAsync(appName, cancellationToken).ConfigureAwait(false);
        var user = inbound.SenderStaffId ?? to.SenderId;
        var card = inbound.IsGroup ? DingTalkCardTarget.Group(inbound.ConversationId) : DingTalkCardTarget.User(user);
        if (await DingTalkBotCards.TrySendAsync(client, cardTemplate, card, reply, logger, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var conversation = inbound.IsGroup ? new ChannelConversation(inbound.ConversationId, ConversationKind.Group) : new ChannelConversation(user, ConversationKind.Direct);
        var viaWebhook = DingTalkSessionWebhook.CanReply(client, inbound, time, logger);
        // Without a template (or when DingTalk refused the card), a card's callback buttons become links made for the sender.
        IReadOnlyList<DingTalkAppRobotMessage> messages = links is not null && DingTalkBotCards.LinkCard(reply, appName, user, links) is { } linkCard
            ? [linkCard]
            : DingTalkChannelAdapter.Render(reply, conversation).Messages;
        foreach (var message in messages)
        {
            if (viaWebhook && DingTalkSessionWebhook.AsWebhookMessage(message) is { } webhookMessage)
            {
                await client.Robot.ReplyAsync(inbound, webhookMessage, cancellationToken).ConfigureAwait(false);
            }
            else if (inbound.IsGroup)
            {
                await client.Robot.SendToGroupAsync(inbound.ConversationId, message, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await client.Robot.SendToUsersAsync([user], message, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task SendToChatAsync(string chatId, ChannelReply reply, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var client = await clients.GetAsync(appName, cancellationToken).ConfigureAwait(false);
        if (await DingTalkBotCards.TrySendAsync(client, cardTemplate, DingTalkCardTarget.Group(chatId), reply, logger, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        foreach (var message in DingTalkChannelAdapter.Render(reply, new ChannelConversation(chatId, ConversationKind.Group)).Messages)
        {
            await client.Robot.SendToGroupAsync(chatId, message, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
