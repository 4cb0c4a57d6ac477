using System.Text;
using System.Text.Json;
using Larkway.Feishu.Events.Dispatch;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Feishu.Events.Models.Chats;
using Larkway.Feishu.Events.Models.Im;
using Larkway.Channels.Messages;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Bots;

/// <summary>
/// An app bot: reads received messages, runs commands and conversation steps, welcomes itself into
/// groups, and never leaves a user without an answer — a failing handler gets a friendly reply.
/// Handlers run from the inbox and may run again after a crash, so every reply carries an
/// idempotency key derived from the event.
/// </summary>
public sealed partial class AppBot
{
    private readonly string _app;
    private readonly BotCommands _commands;
    private readonly BotCardActions _cardActions;
    private readonly BotOptions _options;
    private readonly IBotMessenger _messenger;
    private readonly IBotConversationStore _conversations;
    private readonly Func<CancellationToken, Task<Larkway.Feishu.Bot.BotInfo?>> _identity;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IBotAssistant? _assistant;

    // The identity the last message was judged with; until one has been fetched, ingest cannot tell the bot's mention.
    private volatile Larkway.Feishu.Bot.BotInfo? _knownIdentity;

    public AppBot(
        string app,
        BotCommands commands,
        BotCardActions cardActions,
        BotOptions options,
        IBotMessenger messenger,
        IBotConversationStore conversations,
        Func<CancellationToken, Task<Larkway.Feishu.Bot.BotInfo?>> identity,
        TimeProvider time,
        ILogger<AppBot> logger,
        IBotAssistant? assistant = null)
    {
        _app = app;
        _commands = commands;
        _cardActions = cardActions;
        _options = options;
        _messenger = messenger;
        _conversations = conversations;
        _identity = identity;
        _time = time;
        _logger = logger;
        _assistant = assistant;
        AddHelp();
    }

    /// <summary>How this bot answers, as its platform's room seated it (a room may need its own type to scope a reply).</summary>
    internal IBotMessenger Messenger => _messenger;

    /// <summary>
    /// Only the app's assistant answers its messages — no commands, no fallback reply, nothing when no assistant names the
    /// app — and a message waits for a retry while the bot's own open_id cannot be read (<see cref="BotSeat.AssistantOnly"/>).
    /// </summary>
    public bool AssistantOnly { get; init; }

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

    /// <summary>Old-style card callbacks carry the same click in a flat body; the bot's handlers see one shape.</summary>
    internal static CardActionTriggerEvent FromLegacy(LegacyCardActionEvent e) => new()
    {
        Operator = new CardActionOperator { OpenId = e.OpenId, UserId = e.UserId, TenantKey = e.TenantKey },
        Token = e.Token,
        Action = e.Action ?? new(),
        Context = new CardActionContext { OpenMessageId = e.OpenMessageId, OpenChatId = e.OpenChatId },
    };

    /// <summary>
    /// Routes a card click by the <c>action</c> field of the element's value. A failing or unknown action
    /// answers with an error toast, so the user always sees something.
    /// </summary>
    public async Task<CardActionResponse?> HandleCardActionAsync(CardActionTriggerEvent e, FeishuEventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);

        // A model built in code (or bound leniently) may hold a null action: no action, not a crash.
        var value = e.Action?.Value;
        var action = value is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty(BotCardActions.ActionField, out var a) && a.ValueKind == JsonValueKind.String
            ? a.GetString()!
            : "";
        if (!_cardActions.TryGet(e, action, out var handler))
        {
            return CardActionResponse.WithToast(CardToastType.Warning, "This button isn't handled by the bot.");
        }

        try
        {
            return await handler(new BotCardContext(_app, e, action) { EventId = context?.EventId }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reference = context?.EventId ?? "card";
            LogCardActionFailed(_logger, ex, HubAppService.NameOnWire(_app), action, reference);
            return CardActionResponse.WithToast(CardToastType.Error, _options.FailureReply.Replace("{ref}", reference, StringComparison.Ordinal));
        }
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

        if (AssistantOnly)
        {
            await AssistAsync(e, context, cancellationToken).ConfigureAwait(false);
            return;
        }

        var bot = await _identity(cancellationToken).ConfigureAwait(false);
        _knownIdentity = bot ?? _knownIdentity;
        var message = ToBotMessage(e, context, bot?.OpenId) with { Channel = ToChannel(e, context, bot?.OpenId, _time.GetUtcNow()) };
        try
        {
            if (await TryAssistantAsync(message, cancellationToken).ConfigureAwait(false)
                || (!message.IsP2p && _options.GroupsRequireMention && bot is not null && !message.MentionsBot))
            {
                return;
            }

            await RouteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reference = context.EventId ?? message.MessageId;
            LogHandlerFailed(_logger, ex, HubAppService.NameOnWire(_app), reference);

            // If even this reply fails the exception escapes and the inbox retries the event later;
            // the key keeps the apology from being posted twice.
            await _messenger.ReplyAsync(message, ChannelReply.ForText(_options.FailureReply.Replace("{ref}", reference, StringComparison.Ordinal)),
                $"{message.EventKey}/failure", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A Feishu message on a bot that only hands messages to its assistant: without the bot's own open_id a mention cannot
    /// be told apart, so the message is not dropped but retried (a Feishu outage passes; wrong credentials end in the dead
    /// letters, with this message to say why); a message the platform-neutral model cannot read is left alone.
    /// </summary>
    private async Task AssistAsync(MessageReceivedEvent e, FeishuEventContext context, CancellationToken cancellationToken)
    {
        if (context.AppId is not { Length: > 0 })
        {
            return;
        }

        var bot = await _identity(cancellationToken).ConfigureAwait(false);
        if (bot is not { OpenId: { Length: > 0 } botOpenId })
        {
            throw new BotIdentityUnavailableException(
                $"The bot of the Feishu app '{HubAppService.NameOnWire(_app)}' could not be read (bot/v3/info failed), so its message cannot be handled yet; "
                + "it is retried. If this lasts, check the app's credentials with Test connection on the Apps page.");
        }

        _knownIdentity = bot;
        if (ToChannel(e, context, botOpenId, _time.GetUtcNow()) is not { } channel)
        {
            return;
        }

        // Only what the assistant's reply reads: the text is the assistant's to parse, commands included.
        var message = new BotMessage
        {
            MessageId = e.Message.MessageId,
            ChatId = e.Message.ChatId,
            ChatType = e.Message.ChatType ?? "p2p",
            SenderOpenId = e.Sender.SenderId?.OpenId ?? "",
            SenderIdName = "Feishu open_id",
            Text = "",
            Event = e,
            EventKey = EventKey(context, e.Message.MessageId),
            Channel = channel,
            Arrival = context.Get<Inbox.InboxArrival>(),
        };
        await TryAssistantAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Handles a message of another platform than Feishu, already mapped to a <see cref="BotMessage"/> by its room: the same group rule,
    /// commands, conversations and failure reply as on Feishu; <paramref name="reference"/> is quoted in the failure reply.
    /// </summary>
    public async Task HandleMessageAsync(BotMessage message, string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            if (await TryAssistantAsync(message, cancellationToken).ConfigureAwait(false)
                || (!message.IsP2p && _options.GroupsRequireMention && !message.MentionsBot))
            {
                return;
            }

            await RouteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogHandlerFailed(_logger, ex, HubAppService.NameOnWire(_app), reference);
            await _messenger.ReplyAsync(message, ChannelReply.ForText(_options.FailureReply.Replace("{ref}", reference, StringComparison.Ordinal)),
                $"{message.EventKey}/failure", cancellationToken).ConfigureAwait(false);
        }
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

        // A missing chat_type is a direct message to the bot (ToBotMessage's default).
        if (!_options.GroupsRequireMention
            || _knownIdentity?.OpenId is not { Length: > 0 } botOpenId
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
        _assistant?.UnmentionedGroupMessagesTaken(_app) switch
        {
            null or UnmentionedGroupMessages.None => false,
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
        if (string.IsNullOrEmpty(_options.WelcomeMessage) || string.IsNullOrEmpty(e.ChatId))
        {
            return;
        }

        var bot = await _identity(cancellationToken).ConfigureAwait(false);
        var text = _options.WelcomeMessage.Replace("{bot}", bot?.AppName ?? "your bot", StringComparison.Ordinal);
        await _messenger.SendToChatAsync(e.ChatId, ChannelReply.ForText(text), $"{EventKey(context, e.ChatId)}/welcome", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A message no bot command claims goes to the app's assistant, if one answers here (it applies its own group rules).
    /// Its plain replies are keyed by the message, not the event, so a redelivery under a new event id does not repeat them.
    /// </summary>
    private async Task<bool> TryAssistantAsync(BotMessage message, CancellationToken cancellationToken)
    {
        if (_assistant is null || message.Channel is not { } inbound
            || (!AssistantOnly && message.Text.StartsWith('/') && _commands.TryGet(BotArguments.SplitCommand(message.Text).Name, out _)))
        {
            return false;
        }

        return await _assistant.TryAcceptAsync(
            _app,
            inbound,
            message.Arrival,
            message.ReplyContext,
            (text, key, ct) => _messenger.ReplyAsync(message, ChannelReply.ForText(text), $"{inbound.DedupKey}/assistant/{key}", ct),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The Feishu message in the platform-neutral model; null when the bot's open_id is unknown or the message is malformed.</summary>
    private static Larkway.Channels.Messages.InboundMessage? ToChannel(MessageReceivedEvent e, FeishuEventContext context, string? botOpenId, DateTimeOffset receivedAt)
    {
        if (botOpenId is null || context.AppId is not { Length: > 0 } appId)
        {
            return null;
        }

        try
        {
            return Larkway.Channels.Adapters.FeishuChannelAdapter.Normalize(e, appId, new Larkway.Channels.Messages.ChannelBotIdentity(botOpenId), receivedAt);
        }
        catch (Larkway.Channels.Inbound.ChannelInboundException)
        {
            return null;
        }
    }

    private async Task RouteAsync(BotMessage message, CancellationToken cancellationToken)
    {
        if (message.Text.StartsWith('/'))
        {
            var (name, argumentText) = BotArguments.SplitCommand(message.Text);
            if (!_commands.TryGet(name, out var command))
            {
                await _messenger.ReplyAsync(message, ChannelReply.ForText($"I don't know /{name}. Send /help to see what I can do."),
                    $"{message.EventKey}/unknown", cancellationToken).ConfigureAwait(false);
                return;
            }

            // A new command abandons any question still open.
            await _conversations.RemoveAsync(_app, message.ChatId, message.SenderOpenId, cancellationToken).ConfigureAwait(false);
            var arguments = BotArguments.Split(argumentText);
            if (arguments.Count < command.MinArguments)
            {
                await _messenger.ReplyAsync(message, ChannelReply.ForText($"Usage: /{command.Name} {command.Usage}".TrimEnd()),
                    $"{message.EventKey}/usage", cancellationToken).ConfigureAwait(false);
                return;
            }

            await command.Handler(NewContext(message, arguments, argumentText, null), cancellationToken).ConfigureAwait(false);
            return;
        }

        var conversation = await _conversations.GetAsync(_app, message.ChatId, message.SenderOpenId, cancellationToken).ConfigureAwait(false);
        if (conversation is not null && _commands.TryGetStep(conversation.Step, out var step))
        {
            // Ended before the step runs: a step that wants more asks again.
            await _conversations.RemoveAsync(_app, message.ChatId, message.SenderOpenId, cancellationToken).ConfigureAwait(false);
            await step(NewContext(message, BotArguments.Split(message.Text), message.Text, conversation), cancellationToken).ConfigureAwait(false);
            return;
        }

        await _messenger.ReplyAsync(message, ChannelReply.ForText(_options.FallbackReply), $"{message.EventKey}/fallback", cancellationToken).ConfigureAwait(false);
    }

    private BotContext NewContext(BotMessage message, IReadOnlyList<string> arguments, string argumentText, BotConversation? conversation) =>
        new(_app, message, arguments, argumentText, conversation, _messenger, _conversations, _options.ConversationTimeout, _time) { Assistant = _assistant };

    private void AddHelp()
    {
        if (_commands.TryGet("help", out _))
        {
            return;
        }

        // Registered once on the shared commands: the app and its assistant come from the context, not from this bot.
        _commands.Add("help", "Lists the commands.", async (context, ct) =>
        {
            var text = new StringBuilder("Commands:");
            foreach (var command in _commands.All)
            {
                AppendCommand(text, command.Name, command.Usage, command.Description);
            }

            if (context.Assistant is { } assistant && await assistant.HelpAsync(context.App, ct).ConfigureAwait(false) is { } help)
            {
                text.Append("\n\n").Append(help.DisplayName).Append(" answers anything else you write here. Its commands:");
                foreach (var (name, usage, description) in help.Commands)
                {
                    AppendCommand(text, name, usage, description);
                }
            }

            await context.ReplyAsync(text.ToString(), ct).ConfigureAwait(false);
        });
    }

    private static void AppendCommand(StringBuilder text, string name, string? usage, string description)
    {
        text.Append('\n').Append('/').Append(name);
        if (usage is not null)
        {
            text.Append(' ').Append(usage);
        }

        text.Append(" — ").Append(description);
    }

    internal static BotMessage ToBotMessage(MessageReceivedEvent e, FeishuEventContext context, string? botOpenId)
    {
        var mentions = e.Message.Mentions ?? [];
        var text = e.Message.ParseContent() switch
        {
            TextContent t => t.Text,
            PostContent p => string.Join(' ', p.Content.SelectMany(line => line).Where(el => el.Tag == "text").Select(el => el.Text)),
            _ => "",
        };
        foreach (var mention in mentions)
        {
            if (mention.Key.Length > 0)
            {
                text = text.Replace(mention.Key, " ", StringComparison.Ordinal);
            }
        }

        return new BotMessage
        {
            MessageId = e.Message.MessageId,
            ChatId = e.Message.ChatId,
            ChatType = e.Message.ChatType ?? "p2p",
            SenderOpenId = e.Sender.SenderId?.OpenId ?? "",
            SenderIdName = "Feishu open_id",
            Text = text.Trim(),
            MentionsBot = botOpenId is not null && mentions.Any(m => m.Id?.OpenId == botOpenId),
            Event = e,
            EventKey = EventKey(context, e.Message.MessageId),

            // Set by Feishu's inbox handler; a message dispatched otherwise (a test, a host's own dispatcher) has none.
            Arrival = context.Get<Inbox.InboxArrival>(),
        };
    }

    private static string EventKey(FeishuEventContext context, string fallback) =>
        context.AppId + "/" + (context.EventId ?? fallback);

    [LoggerMessage(EventId = LogEvents.AppBotCardActionFailed, Level = LogLevel.Error, Message = "The bot of app '{App}' failed handling card action '{Action}' ({Reference}); answered with an error toast.")]
    private static partial void LogCardActionFailed(ILogger logger, Exception exception, string app, string action, string reference);

    [LoggerMessage(EventId = LogEvents.AppBotHandlerFailed, Level = LogLevel.Error, Message = "The bot of app '{App}' failed handling event {Reference}; sending the failure reply.")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string app, string reference);
}

/// <summary>Splits a command's text: <c>/name rest</c>, and the rest into arguments on whitespace (double quotes group words).</summary>
internal static class BotArguments
{
    /// <summary>The name after the slash of <paramref name="text"/> (which starts with '/') and the trimmed rest.</summary>
    public static (string Name, string Arguments) SplitCommand(string text)
    {
        var body = text[1..];
        var space = body.IndexOfAny([' ', '\n', '\t']);
        return space < 0 ? (body, "") : (body[..space], body[(space + 1)..].Trim());
    }

    public static IReadOnlyList<string> Split(string text)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
                continue;
            }

            if (char.IsWhiteSpace(c) && !quoted)
            {
                Flush();
                continue;
            }

            current.Append(c);
        }

        Flush();
        return result;

        void Flush()
        {
            if (current.Length > 0)
            {
                result.Add(current.ToString());
                current.Clear();
            }
        }
    }
}

/// <summary>A bot's own identity could not be read, so its message waits for a retry rather than being dropped.</summary>
internal sealed class BotIdentityUnavailableException(string message) : Exception(message);
