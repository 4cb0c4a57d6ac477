using System.Text.Json;
using Larkway.Channels.Adapters;
using Larkway.Channels.Messages;
using Larkway.Hub.Apps;
using Larkway.Hub.Bots;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform;
using Larkway.WeCom.AiBot;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.WeCom.AiBot;

/// <summary>
/// The inbox's handler of WeCom AI bot callbacks. Every one is read once into the neutral event the observers see (the
/// business webhooks subscribed to <c>wecom.aibot.*</c>, or <c>wecom.*</c>, among them); a message with text (text, voice, mixed) then goes to the bot —
/// commands, /help, conversations — which answers over the bot's long connection by the callback's req_id
/// (<see cref="WeComAiBotMessenger"/>); a <c>feedback_event</c> on an assistant's answer is stored as its feedback, and a
/// click on the card under an answer (Regenerate, <see cref="Assistant.WeComAnswerCard"/>) or on a card the bot sent reaches
/// the bot's card actions. Runs where the connection is, at once (<see cref="WeComAiBotIngest"/>); a retry
/// the inbox queue runs on a replica without the connection fails and is tried again later.
/// </summary>
internal sealed partial class WeComAiBotInboxHandler(
    HubAppRegistry apps,
    WeComAiBotConnections connections,
    AppBots bots,
    IOptions<BotOptions> botOptions,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    IBotAssistant? assistant = null,
    BotCardActions? cardActions = null) : IInboxPlatformHandler
{
    /// <summary>
    /// The key of AI bots at the door (<see cref="AppBots"/>): a WeCom app's second way of answering, beside its app
    /// messages (<see cref="WeComInboxHandler.BotPlatform"/>), so the same app has a bot for each.
    /// </summary>
    public const string BotPlatform = "wecom.aibot";

    /// <inheritdoc/>
    public IReadOnlyCollection<InboxTransport> Transports { get; } = [WeComAiBotIngest.Transport];

    /// <summary>The inbox type of a user's feedback on a reply that carried a feedback id.</summary>
    public const string FeedbackEventType = WeComAiBotIngest.EventTypePrefix + WeComAiBotEventTypes.FeedbackEvent;

    /// <summary>The key of the one button a bot's card keeps after a click, reading the outcome: a press on it does nothing.</summary>
    public const string DoneKey = "lw.done";

    /// <summary>The inbox type of a click on one of the bot's template cards.</summary>
    public const string CardEventType = WeComAiBotIngest.EventTypePrefix + WeComAiBotEventTypes.TemplateCardEvent;

    private readonly ILogger _logger = loggerFactory.CreateLogger<WeComAiBotInboxHandler>();

    /// <inheritdoc/>
    public InboxEventContext Read(InboxEvent item)
    {
        ArgumentNullException.ThrowIfNull(item);

        // The stored frame ({headers, body}); its time is the Hub's receipt, which the welcome's 5 s window counts from too.
        var frame = JsonElement.Parse(item.Body);
        if (frame.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A stored WeCom AI bot callback is a JSON object.");
        }

        return new InboxEventContext(item.Id, item.AppName, Larkway.Channels.Messages.ChannelPlatform.WeCom, item.EventType, item.DedupKey, null, item.ReceivedAt, frame);
    }

    /// <summary>Handles one stored AI bot callback; throws to have the inbox retry it.</summary>
    public async Task<InboxHandling> HandleAsync(InboxEvent item, InboxEventContext context, bool observed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        if (item.EventType == WeComAiBotIngest.EventTypePrefix + WeComAiBotEventTypes.EnterChat)
        {
            await WelcomeAsync(item, context.Event, cancellationToken).ConfigureAwait(false);
            return InboxHandling.Handled(item.ReceivedAt);
        }

        if (item.EventType == FeedbackEventType)
        {
            await FeedbackAsync(item, context.Event, cancellationToken).ConfigureAwait(false);
            return InboxHandling.Handled(item.ReceivedAt);
        }

        if (item.EventType == CardEventType)
        {
            // A click on the card under an assistant's answer, or on a card the bot sent, is answered here; any other card's
            // click is stored and forwarded, and the business system that sent the card answers it.
            await CardClickAsync(item, context.Event, cancellationToken).ConfigureAwait(false);
            return InboxHandling.Handled(item.ReceivedAt);
        }

        if (!item.EventType.StartsWith(WeComAiBotIngest.MessageTypePrefix, StringComparison.Ordinal))
        {
            return InboxHandling.Handled(item.ReceivedAt);
        }

        var frame = context.Event;
        var reqId = ReqIdOf(frame);
        var message = WeComAiBotMessage.Parse(frame.GetProperty("body"));
        if (string.IsNullOrWhiteSpace(message.PlainText) && !HasFile(message))
        {
            // Nothing for the bot: neither text nor a file.
            return InboxHandling.Handled(item.ReceivedAt);
        }

        var app = await apps.FindAsync(item.AppName, cancellationToken).ConfigureAwait(false);
        var botId = app?.AiBotId is { Length: > 0 } id ? id : message.AiBotId;
        var botMessage = ToBotMessage(message, botId, item) with { ReplyContext = ReplyContextOf(reqId, botId, item.ReceivedAt) };
        if (botMessage.Text.Length == 0 && assistant is null)
        {
            // A file alone, and no assistant to read it.
            return InboxHandling.Handled(item.ReceivedAt);
        }

        var bot = bots.Get(BotPlatform, item.AppName);
        using ((bot.Messenger as WeComAiBotMessenger)?.Answering(botMessage.MessageId, botId, reqId))
        {
            await bot.HandleMessageAsync(botMessage, "wa-" + item.Id, cancellationToken).ConfigureAwait(false);
        }

        return InboxHandling.Handled(item.ReceivedAt);
    }

    /// <summary>
    /// Answers a user opening the bot's single chat with the one-to-one welcome (<see cref="BotOptions.DirectWelcomeMessage"/>:
    /// no "mention me", which a single chat does not need, and no name — WeCom's <c>enter_chat</c> does not carry the
    /// bot's display name, and the app's name in the Hub is an internal id), as the Feishu bot greets a group it joins.
    /// WeCom takes a welcome only within 5 s of the event: one handled later (the
    /// inbox retrying it) is not answered, and a refusal is logged rather than retried, since a retry would be too late.
    /// </summary>
    private async Task WelcomeAsync(InboxEvent item, JsonElement frame, CancellationToken cancellationToken)
    {
        var text = botOptions.Value.DirectWelcomeMessage;
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        var waited = time.GetUtcNow() - item.ReceivedAt;
        if (waited > WeComAiBotCallback.EventReplyWindow)
        {
            LogWelcomeTooLate(_logger, item.AppName, item.Id, waited.TotalSeconds);
            return;
        }

        var reqId = ReqIdOf(frame);
        var app = await apps.FindAsync(item.AppName, cancellationToken).ConfigureAwait(false);
        if (app?.AiBotId is not { Length: > 0 } botId || connections.Find(botId) is not { } client)
        {
            // Not held here (handed over since): the replica holding it now got no event to answer.
            LogWelcomeNoConnection(_logger, item.AppName, item.Id);
            return;
        }

        try
        {
            await client.RespondWelcomeAsync(reqId, WeComAiBotReply.Text(text), cancellationToken).ConfigureAwait(false);
        }
        catch (Larkway.WeCom.WeComApiException ex)
        {
            LogWelcomeRefused(_logger, item.AppName, item.Id, ex.Code);
        }
    }

    /// <summary>
    /// A like or dislike (or its cancelling) under a reply that carried a feedback id: when the id is an assistant's answer
    /// in this app and conversation, the vote is stored as a click on a Feishu answer's buttons is. Any other — a business
    /// system's own reply, no assistant, a kind WeCom may add — is left to the webhooks it was forwarded to, never retried.
    /// </summary>
    private async Task FeedbackAsync(InboxEvent item, JsonElement frame, CancellationToken cancellationToken)
    {
        if (assistant is null)
        {
            return;
        }

        if (EventOf(frame) is not { } callback)
        {
            LogFeedbackIgnored(_logger, item.AppName, item.Id, "", "the event could not be read");
            return;
        }

        var feedback = callback.Event?.FeedbackEvent;
        var vote = feedback?.Type switch
        {
            1 => BotAnswerVote.Helpful,
            2 => BotAnswerVote.NotHelpful,
            3 => BotAnswerVote.Withdrawn,
            _ => (BotAnswerVote?)null,
        };
        if (feedback?.Id is not { Length: > 0 } answerId || callback.From?.UserId is not { Length: > 0 } user || vote is null)
        {
            LogFeedbackIgnored(_logger, item.AppName, item.Id, feedback?.Id ?? "", "it names no feedback id, user or known type");
            return;
        }

        // Where the vote was given, as the answered message named its conversation: the group, else the user.
        var conversation = callback.ChatType == "group" && callback.ChatId is { Length: > 0 } chat ? chat : user;
        if (!await assistant.TryRecordFeedbackAsync(new BotAnswerFeedback("wecom", item.AppName, conversation, user, answerId, vote.Value), cancellationToken).ConfigureAwait(false))
        {
            LogFeedbackIgnored(_logger, item.AppName, item.Id, answerId, "no assistant answer in this app and conversation has that id");
        }
    }

    /// <summary>
    /// A click on the card under an assistant's answer, or on a card the bot sent (<c>/card</c>): handed to the bot's card
    /// actions (Regenerate asks the question again, answered in this conversation by the bot; the bot's own actions run as
    /// on every platform), and the card updated for the clicker to read the outcome, within WeCom's 5 s for an update; a
    /// refused update is logged, since the click has been handled.
    /// </summary>
    private async Task CardClickAsync(InboxEvent item, JsonElement frame, CancellationToken cancellationToken)
    {
        if (cardActions is null || EventOf(frame) is not { } callback)
        {
            return;
        }

        if (callback.Event?.CardTaskId is not { } taskId || callback.Event.CardEventKey is not { Length: > 0 } key || callback.From?.UserId is not { Length: > 0 } user)
        {
            return;
        }

        var answerCard = Assistant.WeComAnswerCard.Claims(taskId);
        if (key == DoneKey || (!answerCard && !taskId.StartsWith(WeComBotCardClicks.TaskIdPrefix, StringComparison.Ordinal)))
        {
            return;
        }

        var app = await apps.FindAsync(item.AppName, cancellationToken).ConfigureAwait(false);
        var botId = app?.AiBotId is { Length: > 0 } id ? id : callback.AiBotId;
        var chat = callback.ChatType == "group" && callback.ChatId is { Length: > 0 } group ? group : user;
        var clickId = item.DedupKey ?? "wa-" + item.Id;
        if ((answerCard ? Assistant.WeComAnswerCard.Read(item.AppName, taskId, key, user, chat, clickId) : WeComBotCardClicks.Read(item.AppName, taskId, key, user, chat, clickId)) is not { } click)
        {
            return;
        }

        // No message to answer by req_id: an answer asked for here goes to the conversation from the bot.
        click = click with { ReplyContext = ReplyContextOf(botId) };
        var answer = await bots.Get(BotPlatform, item.AppName).HandleCardClickAsync(click, cardActions, cancellationToken).ConfigureAwait(false);
        if (answer is null || connections.Find(botId) is not { } client)
        {
            return;
        }

        if ((answerCard ? AnswerCardAfter(answer) : BotCardAfter(answer)) is not { } shown)
        {
            return;
        }

        var conversation = new ChannelConversation(chat, chat == user ? ConversationKind.Direct : ConversationKind.Group);
        var card = WeComChannelAdapter.RenderAiBot(shown, conversation, taskId)
            .Messages.Select(m => m.TemplateCardJson).OfType<System.Text.Json.Nodes.JsonObject>().Last();
        try
        {
            await client.RespondUpdateAsync(ReqIdOf(frame), WeComAiBotReply.UpdateTemplateCard(card, [user]), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Larkway.WeCom.WeComApiException ex)
        {
            LogCardUpdateFailed(_logger, item.AppName, item.Id, ex.Code);
        }
    }

    /// <summary>What an answer card reads after a click: the outcome above its Regenerate; nothing to change without one.</summary>
    private static CardReply? AnswerCardAfter(CardClickAnswer answer) =>
        answer.Toast?.Text is { Length: > 0 } outcome ? Assistant.WeComAnswerCard.ForAiBot(outcome) : null;

    /// <summary>
    /// What a bot's card becomes for the clicker: the answer's new card with buttons, else one reading the outcome. The AI
    /// bot's update takes a whole button card and shows no toast, so the outcome is its title and its one button, which
    /// does nothing (<see cref="DoneKey"/>) — as an app's card reads its answer on a disabled button.
    /// </summary>
    private static CardReply? BotCardAfter(CardClickAnswer answer)
    {
        if (answer.Card is { Buttons.Count: > 0 } next)
        {
            return next;
        }

        return (answer.Toast?.Text ?? answer.Card?.Title)?.Trim() is { Length: > 0 } said
            ? ChannelReply.ForCard(said, answer.Card?.Markdown is { Length: > 0 } text ? text : said, new ReplyButton(said, DoneKey))
            : null;
    }

    [LoggerMessage(EventId = LogEvents.WeComAiBotCardUpdateFailed, Level = LogLevel.Information, Message = "WeCom AI bot {App}: the answer card clicked (inbox {EventId}) could not be updated ({Code}); the click was handled")]
    private static partial void LogCardUpdateFailed(ILogger logger, string app, long eventId, string code);

    [LoggerMessage(EventId = LogEvents.WeComAiBotFeedbackIgnored, Level = LogLevel.Debug, Message = "WeCom AI bot {App}: feedback_event (inbox {EventId}) on '{FeedbackId}' not stored as assistant feedback: {Reason}")]
    private static partial void LogFeedbackIgnored(ILogger logger, string app, long eventId, string feedbackId, string reason);

    /// <summary>The stored frame's event, or null when it does not read as one.</summary>
    private static WeComAiBotEvent? EventOf(JsonElement frame)
    {
        try
        {
            return WeComAiBotEvent.Parse(frame.GetProperty("body"));
        }
        catch (Larkway.WeCom.WeComApiException)
        {
            return null;
        }
    }

    private static string ReqIdOf(JsonElement frame) =>
        frame.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty("req_id", out var r) && r.ValueKind == JsonValueKind.String
            ? r.GetString()!
            : throw new JsonException("A stored AI bot callback keeps its frame's headers.req_id.");

    [LoggerMessage(EventId = LogEvents.WeComAiBotWelcomeTooLate, Level = LogLevel.Information, Message = "WeCom AI bot {App}: enter_chat (inbox {EventId}) handled {Seconds:0.0} s after it arrived, past WeCom's 5 s for a welcome; not answered")]
    private static partial void LogWelcomeTooLate(ILogger logger, string app, long eventId, double seconds);

    [LoggerMessage(EventId = LogEvents.WeComAiBotWelcomeNoConnection, Level = LogLevel.Information, Message = "WeCom AI bot {App}: enter_chat (inbox {EventId}) not answered: this replica no longer holds the bot's connection")]
    private static partial void LogWelcomeNoConnection(ILogger logger, string app, long eventId);

    [LoggerMessage(EventId = LogEvents.WeComAiBotWelcomeRefused, Level = LogLevel.Warning, Message = "WeCom AI bot {App}: the welcome for enter_chat (inbox {EventId}) was refused ({Code})")]
    private static partial void LogWelcomeRefused(ILogger logger, string app, long eventId, string code);

    /// <summary>
    /// A message as the bot sees it, read once into the neutral model: one-to-one, or a group message that @-mentions the
    /// bot (WeCom delivers no other), its text without the leading @-mention. An image, file or video sent alone has no
    /// text: it goes on for the app's assistant (which asks "[image]" with the file).
    /// </summary>
    internal static BotMessage ToBotMessage(WeComAiBotMessage message, string botId, InboxEvent item) => new()
    {
        Inbound = BotInbound.Read(() => Larkway.Channels.Adapters.WeComChannelAdapter.Normalize(message, new Larkway.Channels.Messages.ChannelBotIdentity(botId), item.ReceivedAt)),
        SenderIdName = "WeCom userid",
        EventKey = $"wecom-aibot/{item.AppName}/{message.MsgId}",
        Arrival = InboxArrival.Of(item),
    };

    /// <summary>True when the message carries an image, file or video (alone, or in a mixed message).</summary>
    internal static bool HasFile(WeComAiBotMessage message) =>
        message.Image is { Url.Length: > 0 } || message.File is { Url.Length: > 0 } || message.Video is { Url.Length: > 0 }
        || (message.Mixed?.MsgItem ?? []).Any(i => i.Image is { Url.Length: > 0 });

    /// <summary>Where an answer without a message to reply to goes: the bot's connection, to the conversation (no req_id).</summary>
    internal static string ReplyContextOf(string botId) => JsonSerializer.Serialize(new Dictionary<string, string> { ["bot_id"] = botId });

    /// <summary>What an assistant's stream reply needs: the callback's req_id and the bot whose connection answers it.</summary>
    internal static string ReplyContextOf(string reqId, string botId, DateTimeOffset receivedAt)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("req_id", reqId);
            writer.WriteString("bot_id", botId);

            // WeCom takes a stream for 6 minutes after the user's message, counted from here.
            writer.WriteNumber("received_at", receivedAt.ToUnixTimeMilliseconds());
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

}
