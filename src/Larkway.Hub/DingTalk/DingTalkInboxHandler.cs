using System.Text.Json;
using Larkway.Channels.Messages;
using Larkway.DingTalk.Stream;
using Larkway.Hub.Apps;
using Larkway.Hub.Bots;
using Larkway.Hub.Inbox;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// Handles the DingTalk events the inbox queue claims: every push (robot message, event, card callback) is read once into
/// the neutral event the observers see (the business webhooks among them, as for every platform); a robot message then
/// goes to the app's bot (the same commands, /help and conversations as on Feishu, answered through
/// <see cref="DingTalkBotMessenger"/>), normalised from that one reading; a card callback on one of the bot's own cards
/// goes to the bot's card actions (<see cref="DingTalkBotCards"/>), one on a notification's card to
/// <see cref="Notifications.DingTalkCardClicks"/>.
/// </summary>
internal sealed class DingTalkInboxHandler(AppBots bots, HubAppRegistry apps, Notifications.DingTalkCardClicks? cardClicks = null, DingTalkBotCards? botCards = null) : IInboxPlatformHandler
{
    /// <summary>The key of DingTalk's bots at the door (<see cref="AppBots"/>): a stored DingTalk app's platform.</summary>
    public const string BotPlatform = "dingtalk";

    /// <inheritdoc/>
    public IReadOnlyCollection<InboxTransport> Transports { get; } = [DingTalkIngest.StreamTransport, DingTalkIngest.CallbackTransport];

    /// <inheritdoc/>
    public InboxEventContext Read(InboxEvent item)
    {
        ArgumentNullException.ThrowIfNull(item);

        // DingTalk's push says nothing of when it happened that every kind shares: the Hub's receipt stands for it. A Stream
        // event is kept as its frame; the event is its data, and what the headers say (the corp) its native reading.
        var (body, origin) = DingTalkStoredEvent.Read(item);
        var context = new InboxEventContext(item.Id, item.AppName, ChannelPlatform.DingTalk, item.EventType, item.DedupKey, null, item.ReceivedAt, body);
        return origin is null ? context : context.WithNative(origin);
    }

    /// <summary>Handles one claimed DingTalk event; throws to have the inbox retry it.</summary>
    public async Task<InboxHandling> HandleAsync(InboxEvent item, InboxEventContext context, bool observed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        if (item.EventType == DingTalkIngest.CardCallbackType && botCards is not null && DingTalkBotCards.Claims(context.Event))
        {
            // The callback's own identity: a redelivered press is the same click.
            await botCards.HandleAsync(item.AppName, context.Event, item.DedupKey ?? "dt-" + item.Id, cancellationToken).ConfigureAwait(false);
            return InboxHandling.Handled(item.ReceivedAt);
        }

        if (item.EventType == DingTalkIngest.CardCallbackType && cardClicks is not null)
        {
            await cardClicks.HandleAsync(item.AppName, context.Event, cancellationToken).ConfigureAwait(false);
            return InboxHandling.Handled(item.ReceivedAt);
        }

        if (item.EventType != DingTalkIngest.RobotMessageType)
        {
            return InboxHandling.Handled(item.ReceivedAt);
        }

        var inbound = DingTalkRobotInboundMessage.Parse(item.Body);
        var app = await apps.FindAsync(item.AppName, cancellationToken).ConfigureAwait(false);
        var message = ToBotMessage(inbound, context.Event, RobotOf(app), item);
        await bots.Get(BotPlatform, item.AppName).HandleMessageAsync(message, "dt-" + item.Id, cancellationToken).ConfigureAwait(false);

        return InboxHandling.Handled(item.ReceivedAt);
    }

    /// <summary>
    /// The app's robot as DingTalk names it (its robot code, the AppKey unless set): the app a message without its own
    /// robotCode (an outgoing robot's) was received by.
    /// </summary>
    private static ChannelBotIdentity? RobotOf(StoredApp? app) =>
        app is null ? null : new ChannelBotIdentity(string.IsNullOrEmpty(app.RobotCode) ? app.AppId : app.RobotCode);

    /// <summary>
    /// The robot message as the bot sees it, read once into the neutral model; the robot message itself (its session
    /// webhook) is the reply context its messenger answers through.
    /// </summary>
    internal static BotMessage ToBotMessage(DingTalkRobotInboundMessage inbound, JsonElement json, ChannelBotIdentity? robot, InboxEvent item) => new()
    {
        // DingTalk delivers a group message to the robot only when it is @-mentioned, and strips the mention from the text.
        Inbound = BotInbound.Read(() => Larkway.Channels.Inbound.DingTalkInboundNormalizer.Normalize(inbound, json, robot, item.ReceivedAt)),

        // A member of the organisation writes with their userid (staffId); anyone else only with the robot's sender id.
        SenderIdName = inbound.SenderStaffId is null ? "DingTalk sender id" : "DingTalk userid",
        ReplyContext = json.GetRawText(),
        EventKey = $"dingtalk/{item.AppName}/{inbound.MessageId}",
        Arrival = InboxArrival.Of(item),
    };
}
