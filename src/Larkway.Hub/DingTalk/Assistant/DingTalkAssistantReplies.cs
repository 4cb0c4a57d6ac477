using System.Globalization;
using System.Text.Json;
using Larkway.Channels.Adapters;
using Larkway.Channels.Masking;
using Larkway.Channels.Messages;
using Larkway.Channels.Rendering;
using Larkway.DingTalk;
using Larkway.DingTalk.Cards;
using Larkway.DingTalk.Robots;
using Larkway.DingTalk.Stream;
using Larkway.Hub.Assistants.Replies;
using Larkway.Hub.DingTalk.Notifications;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.DingTalk.Assistant;

/// <summary>
/// Assistant answers on DingTalk. With the assistant's AI card template
/// (<see cref="Assistants.Configuration.AssistantStreamingSettings.AiCardTemplateId"/>) the answer streams into an AI card
/// delivered to the group or the person's chat with the robot (<c>flowStatus</c> processing → writing → finished or
/// failed; every update the whole text, <c>isFull</c>); without one, or when DingTalk refuses the card, the answer comes
/// once it is whole, as markdown split within DingTalk's 15,000-byte msgParam, with no placeholder before it: a robot's
/// text or markdown message cannot be edited, and a recalled one leaves a "message recalled" line in the chat (a reply
/// through the session webhook cannot be recalled at all), so a "thinking" text would stay above the answer. Texts go
/// through the message's session webhook while it lives and is on the app's own DingTalk host
/// (<see cref="DingTalkSessionWebhook"/>; no token, no rate of its own), else through the app robot
/// (one-to-one to the sender, or to the group). The reply context is the robot message's JSON as DingTalk sent it.
/// An answer is followed by its card (<see cref="DingTalkAnswerFeedback"/>): feedback under a finished one, Regenerate
/// under a failed or interrupted one — an interactive card when the app has a card template, else a robot's action card
/// whose buttons are links made for the asker.
/// </summary>
internal sealed partial class DingTalkAssistantReplies : IAssistantReplies
{
    /// <summary>The AI card template's streaming variable.</summary>
    public const string ContentKey = "content";

    /// <summary>The handle of a reply sent as texts (no card): this prefix and the answer id.</summary>
    public const string TextHandlePrefix = "text:";

    private readonly Func<string, CancellationToken, ValueTask<DingTalkClient>> _clientOf;
    private readonly Func<string, string?> _cardTemplateOf;
    private readonly DingTalkActionLinks? _links;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RecentKeys _sent = new();
    private readonly RecentKeys _closed = new();

    /// <summary>The Hub's replies on DingTalk, through each app's client.</summary>
    public DingTalkAssistantReplies(HubDingTalkClients clients, IOptions<DingTalkNotificationCardOptions> cards, DingTalkActionLinks links, TimeProvider time, ILogger<DingTalkAssistantReplies> logger)
        : this(clients.GetAsync, time, logger, cards.Value.TemplateOf, links)
    {
    }

    /// <summary>
    /// Replies through the clients <paramref name="clientOf"/> gives by app name (tests give their own); an app
    /// <paramref name="cardTemplateOf"/> names a template for gets feedback cards under its answers; any other, given
    /// <paramref name="links"/>, an action card whose buttons are links.
    /// </summary>
    internal DingTalkAssistantReplies(Func<string, CancellationToken, ValueTask<DingTalkClient>> clientOf, TimeProvider time, ILogger logger, Func<string, string?>? cardTemplateOf = null,
        DingTalkActionLinks? links = null)
    {
        _links = links;
        _clientOf = clientOf;
        _cardTemplateOf = cardTemplateOf ?? (_ => null);
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The AI card's markdown and the markdown message alike: DingTalk documents no escape for its markdown, whose renderer
    /// takes HTML (font tags) and shows HTML character references as their characters, so a masked value's stars go as
    /// <c>&amp;#42;</c> (docs/masking.md names the sources).
    /// </remarks>
    public ReplacementLiteral MaskedLiteral { get; } = MarkdownLiteral.MaskedValue;

    /// <inheritdoc/>
    public async Task<IAssistantReplyWriter> OpenAsync(AssistantReplyTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var place = DingTalkPlace.Of(target);
        var client = await _clientOf(target.App, cancellationToken).ConfigureAwait(false);
        var interval = TimeSpan.FromMilliseconds(target.Assistant.Streaming.UpdateIntervalMs);
        if (target.Assistant.Streaming.AiCardTemplateId is { Length: > 0 } template)
        {
            try
            {
                var stream = await client.Cards.StartAiCardAsync(template, place.CardTarget, ContentKey,
                    options: new DingTalkAiCardOptions { MinUpdateInterval = interval }, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (stream.Delivery.Delivered)
                {
                    return WithFeedback(new CardWriter(this, client, stream, interval), client, place, target);
                }

                LogCardRefused(_logger, target.App, "not delivered: " + string.Join(", ", stream.Delivery.Spaces.Where(s => !s.Success).Select(s => s.SpaceType)));
                await EndCardAsync(client, stream.OutTrackId, "", failed: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (DingTalkApiException ex)
            {
                LogCardRefused(_logger, target.App, ex.Code);
            }
        }

        // No "thinking" text first: DingTalk cannot change it into the answer, so it would stay above it for good.
        var handle = TextHandlePrefix + target.AnswerId;
        return WithFeedback(new FinalTextWriter(handle, 0, async (final, ct) =>
        {
            var messages = Render(ChannelReply.ForMarkdown(final), place);
            await SendAsync(client, place, messages, ct).ConfigureAwait(false);
            return messages.Count;
        }, ex => LogUpdateFailed(_logger, handle, (ex as DingTalkApiException)?.Code ?? ex.GetType().Name)), client, place, target);
    }

    /// <summary>
    /// <paramref name="writer"/>, followed by the answer's card once it ended, when the app has a card template: feedback
    /// under an answer, Regenerate under a failed one (its notice says to press it).
    /// </summary>
    private IAssistantReplyWriter WithFeedback(IAssistantReplyWriter writer, DingTalkClient client, DingTalkPlace place, AssistantReplyTarget target) =>
        _cardTemplateOf(target.App) is not null || _links is not null
            ? new FeedbackWriter(writer, (failed, ct) => SendAnswerCardAsync(client, place, target, failed, ct))
            : writer;

    /// <summary>
    /// Delivers the answer's card (<see cref="DingTalkAnswerFeedback"/>): an interactive card of the app's template, else a
    /// robot's action card whose buttons are links made for the asker. One DingTalk does not take is logged and left out.
    /// </summary>
    private async Task SendAnswerCardAsync(DingTalkClient client, DingTalkPlace place, AssistantReplyTarget target, bool failed, CancellationToken cancellationToken)
    {
        try
        {
            if (_cardTemplateOf(target.App) is { } template)
            {
                if (!await DingTalkAnswerFeedback.SendAsync(client, template, place.CardTarget, target.TurnId, target.AnswerId, target.MessageId, failed, cancellationToken).ConfigureAwait(false))
                {
                    LogFeedbackNotSent(_logger, target.AnswerId, "not delivered");
                }
            }
            else if (_links is not null)
            {
                await SendAsync(client, place, [DingTalkAnswerFeedback.LinkCard(target.App, place.UserId, target.AnswerId, failed, _links)], cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is DingTalkApiException or HttpRequestException or TimeoutException)
        {
            // The answer is shown: a card DingTalk would not take leaves it without buttons, not unanswered or answered twice.
            LogFeedbackNotSent(_logger, target.AnswerId, (ex as DingTalkApiException)?.Code ?? ex.GetType().Name);
        }
    }

    /// <inheritdoc/>
    public async Task CloseInterruptedAsync(AssistantReplyTarget target, string handle, string? shownText, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrEmpty(handle);
        await _closed.OnceAsync(handle, async () =>
        {
            var client = await _clientOf(target.App, cancellationToken).ConfigureAwait(false);
            var text = AssistantReplyTexts.WithNotice(shownText, AssistantReplyTexts.Interrupted);
            if (handle.StartsWith(TextHandlePrefix, StringComparison.Ordinal))
            {
                // Nothing was shown yet: the text so far and the notice come as a message.
                var place = DingTalkPlace.Of(target);
                await SendAsync(client, place, Render(ChannelReply.ForMarkdown(text), place), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await EndCardAsync(client, handle, text, failed: true, cancellationToken).ConfigureAwait(false);
            }

            await SendInterruptedCardAsync(client, target, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>The interrupted answer's Regenerate card (its notice says to press it).</summary>
    private async Task SendInterruptedCardAsync(DingTalkClient client, AssistantReplyTarget target, CancellationToken cancellationToken)
    {
        if (_cardTemplateOf(target.App) is not null || _links is not null)
        {
            await SendAnswerCardAsync(client, DingTalkPlace.Of(target), target, failed: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Every DingTalk app carries it (<see cref="DingTalkAnswerFeedback"/>): an interactive card with a card template, an
    /// action card of links without one.
    /// </remarks>
    public bool OffersRegenerate(AssistantReplyTarget target) => _cardTemplateOf(target.App) is not null || _links is not null;

    /// <inheritdoc/>
    public async Task SendTextAsync(AssistantReplyTarget target, string text, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        await _sent.OnceAsync(idempotencyKey, async () =>
        {
            var place = DingTalkPlace.Of(target);
            var client = await _clientOf(target.App, cancellationToken).ConfigureAwait(false);
            await SendAsync(client, place, Render(ChannelReply.ForText(text), place), cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends an AI card whatever its stream did before: the whole <paramref name="text"/> as the final content (a stream
    /// already ended is told again, which DingTalk may refuse — the card's data is still set), then its status.
    /// </summary>
    private async Task EndCardAsync(DingTalkClient client, string outTrackId, string text, bool failed, CancellationToken cancellationToken)
    {
        try
        {
            await client.Cards.StreamAsync(outTrackId, ContentKey, text, isFull: true, isFinalize: true, isError: failed, cancellationToken).ConfigureAwait(false);
        }
        catch (DingTalkApiException ex) when (!ex.IsTransient)
        {
            // The stream was finalized before (a second close): the card's variables below still show the end.
            LogCloseRefused(_logger, outTrackId, ex.Code);
        }

        var status = failed ? DingTalkAiCardStatus.Failed : DingTalkAiCardStatus.Finished;
        await client.Cards.UpdateAsync(outTrackId, new Dictionary<string, string>
        {
            ["flowStatus"] = ((int)status).ToString(CultureInfo.InvariantCulture),
            [ContentKey] = text,
        }, cancellationToken).ConfigureAwait(false);
    }

    private static IReadOnlyList<DingTalkAppRobotMessage> Render(ChannelReply reply, DingTalkPlace place)
    {
        var conversation = new ChannelConversation(place.IsGroup ? place.ConversationId : place.UserId, place.IsGroup ? ConversationKind.Group : ConversationKind.Direct);
        return DingTalkChannelAdapter.Render(reply, conversation).Messages;
    }

    /// <summary>
    /// Sends <paramref name="messages"/> in order: through the session webhook while it lives and is on the app's own host
    /// (markdown and text), else — or once the webhook refuses — through the app robot.
    /// </summary>
    private async Task SendAsync(DingTalkClient client, DingTalkPlace place, IReadOnlyList<DingTalkAppRobotMessage> messages, CancellationToken cancellationToken)
    {
        var viaWebhook = DingTalkSessionWebhook.CanReply(client, place.Inbound, _time, _logger);
        foreach (var message in messages)
        {
            if (viaWebhook && DingTalkSessionWebhook.AsWebhookMessage(message) is { } webhookMessage)
            {
                try
                {
                    await client.Robot.ReplyAsync(place.Inbound!, webhookMessage, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (DingTalkApiException ex) when (!ex.IsTransient)
                {
                    // Expired or unknown session (300005): the app robot carries the rest.
                    LogSendFellBack(_logger, ex.Code);
                    viaWebhook = false;
                }
            }

            if (place.IsGroup)
            {
                await client.Robot.SendToGroupAsync(place.ConversationId, message, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await client.Robot.SendToUsersAsync([place.UserId], message, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.AssistantDingTalkCardRefused, Level = LogLevel.Warning,
        Message = "DingTalk app {App}: the assistant's AI card was refused ({Reason}); the answer goes as markdown.")]
    private static partial void LogCardRefused(ILogger logger, string app, string reason);

    [LoggerMessage(EventId = LogEvents.AssistantDingTalkUpdateFailed, Level = LogLevel.Warning,
        Message = "DingTalk AI card {OutTrackId}: an update failed ({Code}); the next one shows the whole text again.")]
    private static partial void LogUpdateFailed(ILogger logger, string outTrackId, string code);

    [LoggerMessage(EventId = LogEvents.AssistantDingTalkCloseFailed, Level = LogLevel.Information,
        Message = "DingTalk AI card {OutTrackId}: its stream had ended already ({Code}); its status and text are set.")]
    private static partial void LogCloseRefused(ILogger logger, string outTrackId, string code);

    [LoggerMessage(EventId = LogEvents.AssistantDingTalkFeedbackNotSent, Level = LogLevel.Warning,
        Message = "DingTalk answer {AnswerId}: its feedback card was not sent ({Reason}); the answer stands without it.")]
    private static partial void LogFeedbackNotSent(ILogger logger, string answerId, string reason);

    [LoggerMessage(EventId = LogEvents.AssistantDingTalkSendFellBack, Level = LogLevel.Information,
        Message = "DingTalk: the message's session webhook refused the reply ({Code}); sent through the app robot instead.")]
    private static partial void LogSendFellBack(ILogger logger, string code);

    /// <summary>Where a reply goes: the robot message (for its session webhook), else the turn's conversation.</summary>
    private sealed record DingTalkPlace(bool IsGroup, string ConversationId, string UserId, DingTalkRobotInboundMessage? Inbound)
    {
        public DingTalkCardTarget CardTarget => IsGroup ? DingTalkCardTarget.Group(ConversationId) : DingTalkCardTarget.User(UserId);

        public static DingTalkPlace Of(AssistantReplyTarget target)
        {
            DingTalkRobotInboundMessage? inbound = null;
            if (!string.IsNullOrWhiteSpace(target.ReplyContext))
            {
                try
                {
                    inbound = DingTalkRobotInboundMessage.Parse(target.ReplyContext);
                }
                catch (JsonException ex)
                {
                    throw new ArgumentException("A DingTalk reply's context must be the robot message's JSON as DingTalk sent it; it does not read as one.", nameof(target), ex);
                }
            }

            var isGroup = inbound is not null && inbound.ConversationType.Length > 0 ? inbound.IsGroup : !target.IsDirect;
            var conversation = inbound?.ConversationId is { Length: > 0 } cid ? cid : target.ConversationId;
            var user = inbound?.SenderStaffId is { Length: > 0 } staff ? staff : target.SenderId;
            return new DingTalkPlace(isGroup, conversation, user, inbound);
        }
    }

    /// <summary>An answer's writer whose end is followed by <paramref name="after"/> (told whether the answer failed).</summary>
    private sealed class FeedbackWriter(IAssistantReplyWriter inner, Func<bool, CancellationToken, Task> after) : IAssistantReplyWriter
    {
        public string Handle => inner.Handle;

        public string? MessageId => inner.MessageId;

        public int Updates => inner.Updates;

        public void Show(string text) => inner.Show(text);

        public async Task FinishAsync(AssistantReplyEnd end, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(end);
            await inner.FinishAsync(end, cancellationToken).ConfigureAwait(false);
            await after(end.Kind == AssistantReplyEndKind.Failed, cancellationToken).ConfigureAwait(false);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// <summary>An answer streaming into an AI card.</summary>
    private sealed class CardWriter : IAssistantReplyWriter
    {
        private readonly DingTalkAssistantReplies _owner;
        private readonly DingTalkClient _client;
        private readonly DingTalkAiCardStream _stream;
        private readonly ReplyTextPump _pump;
        private int _finished;
        private int _finalUpdates;

        public CardWriter(DingTalkAssistantReplies owner, DingTalkClient client, DingTalkAiCardStream stream, TimeSpan interval)
        {
            _owner = owner;
            _client = client;
            _stream = stream;
            _pump = new ReplyTextPump(ShowAsync, ex => LogUpdateFailed(owner._logger, stream.OutTrackId, (ex as DingTalkApiException)?.Code ?? ex.GetType().Name),
                interval, owner._time);
        }

        public string Handle => _stream.OutTrackId;

        public string? MessageId => _stream.OutTrackId;

        public int Updates => _pump.Sends + Volatile.Read(ref _finalUpdates);

        public void Show(string text)
        {
            if (Volatile.Read(ref _finished) == 0)
            {
                _pump.Show(text);
            }
        }

        private Task ShowAsync(string text, CancellationToken cancellationToken)
        {
            // The card takes what was added; a text that does not continue what it shows (a rewritten answer) replaces it.
            var shown = _stream.Text;
            return text.StartsWith(shown, StringComparison.Ordinal)
                ? _stream.AppendAsync(text[shown.Length..], cancellationToken)
                : _stream.SetTextAsync(text, cancellationToken);
        }

        public async Task FinishAsync(AssistantReplyEnd end, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(end);
            if (Interlocked.Exchange(ref _finished, 1) == 1)
            {
                return;
            }

            await _pump.StopAsync().ConfigureAwait(false);
            var failed = end.Kind == AssistantReplyEndKind.Failed;
            var final = AssistantReplyTexts.Final(end);
            try
            {
                if (failed)
                {
                    await _stream.SetTextAsync(end.Text ?? "", cancellationToken).ConfigureAwait(false);
                    await _stream.FailAsync(end.Notice ?? AssistantReplyTexts.Failed, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _stream.SetTextAsync(final, cancellationToken).ConfigureAwait(false);
                    await _stream.CompleteAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is DingTalkApiException or InvalidOperationException)
            {
                // An update that failed earlier surfaced here, or the stream could not end: end the card directly.
                LogUpdateFailed(_owner._logger, Handle, (ex as DingTalkApiException)?.Code ?? ex.GetType().Name);
                await _owner.EndCardAsync(_client, Handle, final, failed, cancellationToken).ConfigureAwait(false);
            }

            Interlocked.Increment(ref _finalUpdates);
        }

        public async ValueTask DisposeAsync()
        {
            if (Volatile.Read(ref _finished) == 1)
            {
                return;
            }

            // Left without an end (the caller failed): the card must not stay "writing".
            try
            {
                await FinishAsync(new AssistantReplyEnd(AssistantReplyEndKind.Failed, _pump.Sent ?? "", AssistantReplyTexts.Interrupted), CancellationToken.None).ConfigureAwait(false);
            }
            catch (DingTalkApiException ex)
            {
                LogUpdateFailed(_owner._logger, Handle, ex.Code);
            }
        }
    }
}
