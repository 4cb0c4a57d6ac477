using System.Text.Json;
using Larkway.Channels.Messages;
using Larkway.DingTalk.Stream;
using Larkway.Hub.Bots;
using Larkway.Hub.Inbox;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// Handles the DingTalk events the inbox queue claims: every push (robot message, event, card callback) is read once into
/// the neutral event the observers see (the business webhooks among them, as for every platform); a robot message then
/// goes to the app's bot (the same commands, /help and conversations as on Feishu, answered through
/// <see cref="DingTalkBotMessenger"/>), normalised from that one reading.
/// </summary>
internal sealed class DingTalkInboxHandler(AppBots bots) : IInboxPlatformHandler
{
    /// <summary>The key of DingTalk's bots at the door (<see cref="AppBots"/>): a stored DingTalk app's platform.</summary>
    public const string BotPlatform = "dingtalk";

    /// <inheritdoc/>
    public IReadOnlyCollection<InboxTransport> Transports { get; } = [DingTalkIngest.StreamTransport, DingTalkIngest.CallbackTransport];

    /// <inheritdoc/>
    public InboxEventContext Read(InboxEvent item)
    {
        ArgumentNullException.ThrowIfNull(item);

        // DingTalk's push says nothing of when it happened that every kind shares: the Hub's receipt stands for it.
        return new InboxEventContext(item.Id, item.AppName, ChannelPlatform.DingTalk, item.EventType, item.DedupKey, null, item.ReceivedAt, JsonElement.Parse(item.Body));
    }

    /// <summary>Handles one claimed DingTalk event; throws to have the inbox retry it.</summary>
    public async Task<InboxHandling> HandleAsync(InboxEvent item, InboxEventContext context, bool observed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        if (item.EventType != DingTalkIngest.RobotMessageType)
        {
            return InboxHandling.Handled(item.ReceivedAt);
        }

        var inbound = DingTalkRobotInboundMessage.Parse(item.Body);
        var message = ToBotMessage(inbound, item) with { Channel = ToChannel(inbound, context.Event, item.ReceivedAt), ReplyContext = context.Event.GetRawText() };
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
    private static Larkway.Channels.Messages.InboundMessage? ToChannel(DingTalkRobotInboundMessage inbound, JsonElement json, DateTimeOffset receivedAt)
    {
        try
        {
            return Larkway.Channels.Inbound.DingTalkInboundNormalizer.Normalize(inbound, json, null, receivedAt);
        }
        catch (Larkway.Channels.Inbound.ChannelInboundException)
        {
            return null;
        }
    }
}
