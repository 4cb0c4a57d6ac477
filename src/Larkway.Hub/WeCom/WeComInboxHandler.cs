using System.Text.Json;
using Larkway.Hub.Bots;
using Larkway.Hub.Inbox;

namespace Larkway.Hub.WeCom;

/// <summary>
/// The inbox's handler of WeCom callbacks. Every one is read once into the neutral event the observers see (the business
/// webhooks subscribed to <c>wecom.message.*</c>, <c>wecom.event.*</c> among them, as for every platform); a member's text message then goes to
/// the bot (commands, /help, conversations), which answers through the app's <c>message/send</c>; a click on a
/// notification's template card goes to <see cref="Notifications.WeComCardClicks"/>, a click on the bot's own card to its
/// card actions (<see cref="WeComBotCardClicks"/>).
/// </summary>
internal sealed class WeComInboxHandler(
    AppBots bots,
    Notifications.WeComCardClicks? cardClicks = null,
    IBotAssistant? assistant = null,
    WeComBotCardClicks? botCardClicks = null,
    CustomerService.KfPullRequests? customerService = null,
    Microsoft.Extensions.Logging.ILogger<WeComInboxHandler>? logger = null) : IInboxPlatformHandler
{
    /// <summary>The inbox type of a customer-service callback (微信客服): new items to pull for an account.</summary>
    public const string KfEventType = WeComIngest.EventTypePrefix + "kf_msg_or_event";

    /// <summary>The key of WeCom apps' bots at the door (<see cref="AppBots"/>): a stored WeCom app's platform, answering by app message.</summary>
    public const string BotPlatform = "wecom";

    /// <inheritdoc/>
    public IReadOnlyCollection<InboxTransport> Transports { get; } = [WeComIngest.Transport];

    /// <inheritdoc/>
    public InboxEventContext Read(InboxEvent item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var root = WeComCallbackJson.Parse(item.Body);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A stored WeCom callback is a JSON object.");
        }

        // WeCom's CreateTime is in seconds and not on every kind: the Hub's receipt stands for when it happened.
        return new InboxEventContext(item.Id, item.AppName, Larkway.Channels.Messages.ChannelPlatform.WeCom, item.EventType, item.DedupKey, null, item.ReceivedAt, root);
    }

    /// <summary>Handles one claimed WeCom callback; throws to have the inbox retry it.</summary>
    public async Task<InboxHandling> HandleAsync(InboxEvent item, InboxEventContext context, bool observed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        var root = context.Event;

        if (item.EventType == KfEventType && customerService is not null)
        {
            // Only a pull is asked for: the items come with sync_msg, in the pull's queue.
            var account = WeComCallbackJson.Str(root, "OpenKfId") ?? "";
            if (!await customerService.RequestAsync(item.AppName, account, WeComCallbackJson.Str(root, "Token"), cancellationToken).ConfigureAwait(false) && logger is not null)
            {
                CustomerService.KfLog.UnknownAccount(logger, account, item.AppName);
            }

            return InboxHandling.Handled(item.ReceivedAt);
        }

        if (item.EventType == WeComIngest.TemplateCardEventType && cardClicks is not null && Notifications.WeComCardClicks.Claims(root))
        {
            // A notification card's button: the type's action, the business webhooks, the card updated.
            await cardClicks.HandleAsync(item.AppName, root, cancellationToken).ConfigureAwait(false);
            return InboxHandling.Handled(item.ReceivedAt);
        }

        if (item.EventType == WeComIngest.TemplateCardEventType && botCardClicks is not null && WeComBotCardClicks.Claims(root))
        {
            // The bot's own card (a reply's callback button): its card actions answer, as on every platform. The inbox's
            // key is WeCom's identity of the press, the same when WeCom delivers it again.
            await botCardClicks.HandleAsync(item.AppName, root, item.DedupKey ?? "wc-" + item.Id, cancellationToken).ConfigureAwait(false);
            return InboxHandling.Handled(item.ReceivedAt);
        }

        if (item.EventType != WeComIngest.TextMessageType && !MediaMessageTypes.Contains(item.EventType))
        {
            return InboxHandling.Handled(item.ReceivedAt);
        }

        var message = ToBotMessage(root, item);
        if (message.Text.Length == 0 && assistant is null)
        {
            // A picture without an assistant: nothing for commands or conversations to read (it was forwarded above).
            return InboxHandling.Handled(item.ReceivedAt);
        }

        await bots.Get(BotPlatform, item.AppName).HandleMessageAsync(message, "wc-" + item.Id, cancellationToken).ConfigureAwait(false);

        return InboxHandling.Handled(item.ReceivedAt);
    }

    /// <summary>The inbox types of a member's image, voice and video: they reach the app's assistant (their media_id fetched when it answers).</summary>
    internal static readonly HashSet<string> MediaMessageTypes = new(StringComparer.Ordinal)
    {
        WeComIngest.MessageTypePrefix + "image",
        WeComIngest.MessageTypePrefix + "voice",
        WeComIngest.MessageTypePrefix + "video",
    };

    /// <summary>
    /// A member's message as the bot sees it: always one-to-one (an app's chat is the member's own with the app); an image,
    /// voice or video has no text and carries its media_id (an image its PicUrl too) as the attachment.
    /// </summary>
    internal static BotMessage ToBotMessage(JsonElement root, InboxEvent item)
    {
        var sender = WeComCallbackJson.Str(root, "FromUserName") ?? throw new JsonException("A WeCom message names its sender (FromUserName).");
        var msgId = WeComCallbackJson.Str(root, "MsgId") ?? item.DedupKey ?? "inbox-" + item.Id;
        var msgType = WeComCallbackJson.Str(root, "MsgType") ?? "text";
        var text = msgType == "text" ? (WeComCallbackJson.Str(root, "Content") ?? "").Trim() : "";
        var agent = WeComCallbackJson.Str(root, "AgentID") ?? item.AppName;
        var kind = msgType switch
        {
            "image" => Larkway.Channels.Messages.AttachmentKind.Image,
            "voice" => Larkway.Channels.Messages.AttachmentKind.Audio,
            "video" => Larkway.Channels.Messages.AttachmentKind.Video,
            _ => (Larkway.Channels.Messages.AttachmentKind?)null,
        };
        IReadOnlyList<Larkway.Channels.Messages.ChannelAttachment> attachments = kind is { } k && WeComCallbackJson.Str(root, "MediaId") is { Length: > 0 } mediaId
            ? [new Larkway.Channels.Messages.ChannelAttachment(k, mediaId) { Url = WeComCallbackJson.Str(root, "PicUrl") }]
            : [];
        return new BotMessage
        {
            // An app's chat is the member's own with the app: direct, keyed by the member.
            Inbound = new Larkway.Channels.Messages.InboundMessage
            {
                Platform = Larkway.Channels.Messages.ChannelPlatform.WeCom,
                App = new Larkway.Channels.Messages.ChannelApp(agent),
                Conversation = new Larkway.Channels.Messages.ChannelConversation(sender, Larkway.Channels.Messages.ConversationKind.Direct),
                Sender = new Larkway.Channels.Messages.ChannelSender(sender),
                Text = text,
                PlatformMessageType = msgType,
                Attachments = attachments,
                MessageId = msgId,
                ReceivedAt = item.ReceivedAt,
                DedupKey = Larkway.Channels.Messages.InboundMessage.DedupKeyFor(Larkway.Channels.Messages.ChannelPlatform.WeCom, agent, msgId),
            },
            SenderIdName = "WeCom userid",
            EventKey = $"wecom/{item.AppName}/{msgId}",
            Arrival = InboxArrival.Of(item),
        };
    }
}
