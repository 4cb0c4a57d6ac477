using System.Text;
using Larkway.DingTalk.Stream;
using Larkway.Hub.Bots;
using Larkway.Hub.Inbox;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// Handles the DingTalk events the inbox queue claims: a robot message goes to the app's bot (the same commands, /help and
/// conversations as on Feishu, answered through <see cref="DingTalkBotMessenger"/>). Every push — robot message, event,
/// card callback — is first forwarded to the business webhooks subscribed to its type, as Feishu's events are.
/// </summary>
internal sealed class DingTalkInboxHandler(
    AppBots bots,
    Webhooks.WebhookStore? webhooks = null) : IInboxPlatformHandler
{
    /// <summary>The key of DingTalk's bots at the door (<see cref="AppBots"/>): a stored DingTalk app's platform.</summary>
    public const string BotPlatform = "dingtalk";

    /// <inheritdoc/>
    public IReadOnlyCollection<InboxTransport> Transports { get; } = [DingTalkIngest.StreamTransport, DingTalkIngest.CallbackTransport];

    /// <summary>Handles one claimed DingTalk event; throws to have the inbox retry it.</summary>
    public async Task<InboxHandling> HandleAsync(InboxEvent item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);

        // Forwarding first, as for Feishu's observers: a failing bot then does not hold it back (both are idempotent per event).
        if (webhooks is not null)
        {
            await webhooks.FanOutAsync(item, cancellationToken).ConfigureAwait(false);
        }

        if (item.EventType != DingTalkIngest.RobotMessageType)
        {
            return InboxHandling.Handled(item.ReceivedAt);
        }

        var json = Encoding.UTF8.GetString(item.Body);
        var inbound = DingTalkRobotInboundMessage.Parse(json);
        var message = ToBotMessage(inbound, item) with { Channel = ToChannel(json, item.ReceivedAt), ReplyContext = json };
        await bots.Get(BotPlatform, item.AppName).HandleMessageAsync(message, "dt-" + item.Id, cancellationToken).ConfigureAwait(false);

        return InboxHandling.Handled(item.ReceivedAt);
    }

    internal static BotMessage ToBotMessage(DingTalkRobotInboundMessage inbound, InboxEvent item) => new()
    {
        MessageId = inbound.MessageId,
        ChatId = inbound.ConversationId,
        ChatType = inbound.IsGroup ? "group" : "p2p",
        SenderOpenId = inbound.SenderStaffId ?? inbound.SenderId ?? "",

        // A member of the organisation writes with their userid (staffId); anyone else only with the robot's sender id.
        SenderIdName = inbound.SenderStaffId is null ? "DingTalk sender id" : "DingTalk userid",

        // DingTalk delivers a group message to the robot only when it is @-mentioned, and strips the mention from the text.
        Text = inbound.PlainText,
        MentionsBot = !inbound.IsGroup || inbound.IsInAtList,
        EventKey = $"dingtalk/{item.AppName}/{inbound.MessageId}",
        Arrival = InboxArrival.Of(item),
    };

    /// <summary>The robot message in the platform-neutral model, for an assistant; null when malformed for it.</summary>
    private static Larkway.Channels.Messages.InboundMessage? ToChannel(string json, DateTimeOffset receivedAt)
    {
        try
        {
            return Larkway.Channels.Adapters.DingTalkChannelAdapter.Normalize(json, null, receivedAt);
        }
        catch (Larkway.Channels.Inbound.ChannelInboundException)
        {
            return null;
        }
    }
}
