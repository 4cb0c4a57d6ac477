using System.Text.Json;
using Larkway.Channels.Messages;
using Larkway.Feishu.Events.Dispatch;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Feishu.Events.Models.Chats;
using Larkway.Feishu.Events.Models.Im;
using Larkway.Hub.Apps;
using Larkway.Hub.Bots;
using Larkway.Hub.Platform;

namespace Larkway.Hub.Feishu;

/// <summary>
/// The Feishu seat of an app's bot: reads Feishu's events from the app's dispatcher — a received message, once, into the
/// platform-neutral <see cref="InboundMessage"/> of a <see cref="BotMessage"/> handed to the neutral <see cref="AppBot"/>, the bot added to a group (its welcome), card clicks (routed to
/// <see cref="BotCardActions"/>) — and tells the inbox which messages the bot would leave alone.
/// </summary>
public sealed class FeishuAppBot
{
    private readonly AppBot _bot;
    private readonly BotCardActions _cardActions;
    private readonly TimeProvider _time;

    // The identity the last message was judged with; until one has been fetched, ingest cannot tell the bot's mention.
    private volatile ChannelBotIdentity? _knownIdentity;

    public FeishuAppBot(AppBot bot, BotCardActions cardActions, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(bot);
        _bot = bot;
        _cardActions = cardActions;
        _time = time;
    }

    /// <summary>The neutral bot this seat hands messages to.</summary>
    public AppBot Bot => _bot;

    /// <summary>Registers the bot's handlers on an app's dispatcher.</summary>
    public FeishuEventDispatcher RegisterOn(FeishuEventDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        return dispatcher
            .On<MessageReceivedEvent>(HandleMessageAsync)
            .On<ChatBotAddedEvent>(HandleAddedAsync)
            .OnCardAction(HandleCardActionAsync)
            .OnLegacyCardAction((e, context, ct) => HandleCardActionAsync(FromLegacy(e), context, ct));
    }

    /// <summary>
    /// For an app without a bot of its own (added at run time): its card clicks go to <paramref name="actions"/>' claims and
    /// named actions; any other click gets an empty answer.
    /// </summary>
    internal static FeishuEventDispatcher AnswerClicksWith(FeishuEventDispatcher dispatcher, string app, BotCardActions actions)
    {
        async Task<CardActionResponse?> AnswerAsync(CardActionTriggerEvent e, FeishuEventContext context, CancellationToken cancellationToken)
        {
            var click = FeishuCardClicks.Read(app, e, context?.EventId);
            return actions.TryGet(click, out var handler) ? FeishuCardClicks.Respond(await handler(click, cancellationToken).ConfigureAwait(false)) : null;
        }

        return dispatcher
            .OnCardAction(AnswerAsync)
            .OnLegacyCardAction((e, context, ct) => AnswerAsync(FromLegacy(e), context, ct));
    }

    /// <summary>Old-style card callbacks carry the same click in a flat body; the bot's handlers see one shape.</summary>
    internal static CardActionTriggerEvent FromLegacy(LegacyCardActionEvent e) => new()
    {
        Operator = new CardActionOperator { OpenId = e.OpenId, UserId = e.UserId, TenantKey = e.TenantKey },
        Token = e.Token,
        Action = e.Action ?? new(),
        Context = new CardActionContext { OpenMessageId = e.OpenMessageId, OpenChatId = e.OpenChatId },
    };

    /// <summary>
    /// Reads a card click at Feishu's door and routes it by the <c>action</c> field of the element's value. A failing or
    /// unknown action answers with an error toast, so the user always sees something.
    /// </summary>
    public async Task<CardActionResponse?> HandleCardActionAsync(CardActionTriggerEvent e, FeishuEventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        var click = FeishuCardClicks.Read(_bot.App, e, context?.EventId);
        return FeishuCardClicks.Respond(await _bot.HandleCardClickAsync(click, _cardActions, cancellationToken).ConfigureAwait(false));
    }

    public async Task HandleMessageAsync(MessageReceivedEvent e, FeishuEventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(context);

        // Bots answering bots loop forever; Feishu marks app senders.
        if (e.Sender.SenderType == "app")
        {
            return;
        }

        var message = await ToBotMessageAsync(e, context, cancellationToken).ConfigureAwait(false);

        if (_bot.AssistantOnly)
        {
            await _bot.TryAssistantAsync(message, cancellationToken).ConfigureAwait(false);
            return;
        }

        await _bot.HandleMessageAsync(message, context.EventId ?? message.MessageId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A Feishu message read once into the neutral model, with the bot's own open_id, so its @-mention is told apart from
    /// others'. Without that open_id the message is not judged blind but retried (a Feishu outage passes; wrong credentials
    /// end in the dead letters, with this message to say why); a message the model cannot read (no chat id) is malformed,
    /// dead-lettered with the reason.
    /// </summary>
    private async Task<BotMessage> ToBotMessageAsync(MessageReceivedEvent e, FeishuEventContext context, CancellationToken cancellationToken)
    {
        var bot = await _bot.Identity(cancellationToken).ConfigureAwait(false);
        if (bot is not { Id: { Length: > 0 } })
        {
            throw new BotIdentityUnavailableException(
                $"The bot of the Feishu app '{HubAppService.NameOnWire(_bot.App)}' could not be read (bot/v3/info failed), so its message cannot be handled yet; "
                + "it is retried. If this lasts, check the app's credentials with Test connection on the Apps page.");
        }

        _knownIdentity = bot;
        var inbound = BotInbound.Read(() => Larkway.Channels.Adapters.FeishuChannelAdapter.Normalize(e, context.AppId ?? "", bot, _time.GetUtcNow()));
        return new BotMessage
        {
            Inbound = inbound,
            SenderIdName = "Feishu open_id",
            EventKey = EventKey(context, inbound.MessageId),

            // Set by Feishu's inbox handler; a message dispatched otherwise (a test, a host's own dispatcher) has none.
            Arrival = context.Get<Inbox.InboxArrival>(),
        };
    }

    /// <summary>
    /// Whether <see cref="HandleMessageAsync"/> would return without doing anything, read from the envelope's JSON at
    /// ingest (no typed parse, no I/O): a message from an app, or a group message without the bot's @-mention while
    /// groups require one — unless the app's assistant takes it (group mode <c>all</c>, or an @all it answers), which it
    /// says from memory. False whenever it cannot tell — another event type, an unexpected shape, or the bot's open_id
    /// not yet known (it is learned from the first message handled) — so the event is handled as before.
    /// </summary>
    internal bool LeavesAlone(FeishuEventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.EventType != MessageReceivedEvent.Type
            || envelope.Event is not { ValueKind: JsonValueKind.Object } e
            || !e.TryGetProperty("sender", out var sender) || sender.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (sender.TryGetProperty("sender_type", out var senderType) && senderType.ValueKind == JsonValueKind.String && senderType.ValueEquals("app"u8))
        {
            return true;
        }

        // A message without chat_type is not judged here: handling reads it as the neutral model does.
        if (!_bot.Options.GroupsRequireMention
            || _knownIdentity?.Id is not { Length: > 0 } botOpenId
            || !message.TryGetProperty("chat_type", out var chatType) || chatType.ValueKind != JsonValueKind.String || chatType.ValueEquals("p2p"u8))
        {
            return false;
        }

        if (message.TryGetProperty("mentions", out var mentions) && mentions.ValueKind != JsonValueKind.Null)
        {
            if (mentions.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            foreach (var mention in mentions.EnumerateArray())
            {
                if (mention.ValueKind != JsonValueKind.Object
                    || (mention.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Object
                        && id.TryGetProperty("open_id", out var openId) && openId.ValueKind == JsonValueKind.String && openId.ValueEquals(botOpenId)))
                {
                    return false;
                }
            }
        }

        return !AssistantTakesUnmentioned(message);
    }

    /// <summary>
    /// Whether the app's assistant takes this group message though it does not mention the bot: every message under its
    /// group mode <c>all</c>, or an @all it answers. Feishu writes @all as <c>@_all</c> in the content and may leave it out
    /// of <c>mentions</c>, so both are read.
    /// </summary>
    private bool AssistantTakesUnmentioned(JsonElement message) =>
        _bot.UnmentionedGroupMessagesTaken() switch
        {
            UnmentionedGroupMessages.None => false,
            UnmentionedGroupMessages.MentioningAll => MentionsAll(message),
            _ => true,
        };

    private static bool MentionsAll(JsonElement message)
    {
        const string all = Larkway.Channels.Inbound.FeishuInboundNormalizer.AllPlaceholder;
        if (message.TryGetProperty("mentions", out var mentions) && mentions.ValueKind == JsonValueKind.Array)
        {
            foreach (var mention in mentions.EnumerateArray())
            {
                if (mention.ValueKind == JsonValueKind.Object && mention.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.String && key.ValueEquals(all))
                {
                    return true;
                }
            }
        }

        return message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
            && content.GetString()!.Contains(all, StringComparison.Ordinal);
    }

    public async Task HandleAddedAsync(ChatBotAddedEvent e, FeishuEventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrEmpty(_bot.Options.WelcomeMessage) || string.IsNullOrEmpty(e.ChatId))
        {
            return;
        }

        var bot = await _bot.Identity(cancellationToken).ConfigureAwait(false);
        var text = _bot.Options.WelcomeMessage.Replace("{bot}", bot?.Name ?? "your bot", StringComparison.Ordinal);
        await _bot.Messenger.SendToChatAsync(e.ChatId, ChannelReply.ForText(text), $"{EventKey(context, e.ChatId)}/welcome", cancellationToken).ConfigureAwait(false);
    }

    private static string EventKey(FeishuEventContext context, string fallback) =>
        context.AppId + "/" + (context.EventId ?? fallback);
}
