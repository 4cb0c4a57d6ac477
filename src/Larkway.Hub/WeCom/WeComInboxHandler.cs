using System.Collections.Concurrent;
using System.Text.Json;
using Larkway.Hub.Bots;
using Larkway.Hub.Inbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.WeCom;

/// <summary>
/// The inbox's handler of WeCom callbacks. Every one is first forwarded to the business webhooks subscribed to its type
/// (<c>wecom.message.*</c>, <c>wecom.event.*</c>), as Feishu's and DingTalk's are; a member's text message then goes to
/// the bot (commands, /help, conversations), which answers through the app's <c>message/send</c>; a click on a
/// notification's template card goes to <see cref="Notifications.WeCom.WeComCardClicks"/>.
/// </summary>
internal sealed class WeComInboxHandler(
    HubWeComClients clients,
    BotCommands commands,
    BotCardActions cardActions,
    IOptions<BotOptions> botOptions,
    IBotConversationStore conversations,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    Webhooks.WebhookStore? webhooks = null,
    Notifications.WeCom.WeComCardClicks? cardClicks = null,
    IBotAssistant? assistant = null)
{
    private readonly ConcurrentDictionary<string, AppBot> _bots = new(StringComparer.Ordinal);

    /// <summary>Handles one claimed WeCom callback; throws to have the inbox retry it.</summary>
    public async Task HandleAsync(InboxEvent item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);

        // Forwarding first, as for the other platforms: a failing bot then does not hold it back (both are idempotent per event).
        if (webhooks is not null)
        {
            await webhooks.FanOutAsync(item, cancellationToken).ConfigureAwait(false);
        }

        using var document = WeComCallbackJson.Parse(item.Body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A stored WeCom callback is a JSON object.");
        }

        if (item.EventType == WeComIngest.TemplateCardEventType && cardClicks is not null && Notifications.WeCom.WeComCardClicks.Claims(root))
        {
            // A notification card's button: the type's action, the business webhooks, the card updated.
            await cardClicks.HandleAsync(item.AppName, root, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (item.EventType != WeComIngest.TextMessageType)
        {
            return;
        }

        var message = ToBotMessage(root, item);
        await BotOf(item.AppName).HandleMessageAsync(message, "wc-" + item.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A member's text as the bot sees it: always one-to-one (an app's chat is the member's own with the app).</summary>
    internal static BotMessage ToBotMessage(JsonElement root, InboxEvent item)
    {
        var sender = WeComCallbackJson.Str(root, "FromUserName") ?? throw new JsonException("A WeCom message names its sender (FromUserName).");
        var msgId = WeComCallbackJson.Str(root, "MsgId") ?? item.DedupKey ?? "inbox-" + item.Id;
        var text = (WeComCallbackJson.Str(root, "Content") ?? "").Trim();
        var agent = WeComCallbackJson.Str(root, "AgentID") ?? item.AppName;
        return new BotMessage
        {
            // An app's chat is the member's own with the app: direct, keyed by the member.
            Channel = new Larkway.Channels.Messages.InboundMessage
            {
                Platform = Larkway.Channels.Messages.ChannelPlatform.WeCom,
                App = new Larkway.Channels.Messages.ChannelApp(agent),
                Conversation = new Larkway.Channels.Messages.ChannelConversation(sender, Larkway.Channels.Messages.ConversationKind.Direct),
                Sender = new Larkway.Channels.Messages.ChannelSender(sender),
                Text = text,
                PlatformMessageType = "text",
                MessageId = msgId,
                ReceivedAt = item.ReceivedAt,
                DedupKey = Larkway.Channels.Messages.InboundMessage.DedupKeyFor(Larkway.Channels.Messages.ChannelPlatform.WeCom, agent, msgId),
            },
            MessageId = msgId,
            ChatId = sender,
            ChatType = "p2p",
            SenderOpenId = sender,
            Text = text,
            MentionsBot = true,
            EventKey = $"wecom/{item.AppName}/{msgId}",
        };
    }

    private AppBot BotOf(string appName) => _bots.GetOrAdd(appName, name => new AppBot(
        name,
        commands,
        cardActions,
        botOptions.Value,
        new WeComBotMessenger(clients, name),
        conversations,
        _ => Task.FromResult<Larkway.Feishu.Bot.BotInfo?>(null),
        time,
        loggerFactory.CreateLogger<AppBot>(),
        assistant));
}
