using System.Runtime.CompilerServices;
using Larkway.Channels.Masking;
using Larkway.Channels.Rendering;
using Larkway.Feishu;
using Larkway.Feishu.CardKit;
using Larkway.Feishu.Im;
using Larkway.Hub.Apps;
using Larkway.Hub.Assistants;
using Larkway.Hub.Assistants.Replies;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu.Assistant;

/// <summary>
/// Feishu's answers: a CardKit card entity in streaming mode, sent as a reply to the question (in its thread), its
/// answer element updated with the whole text at most once per the assistant's interval (so CardKit's 10 updates a second
/// per card and its sequence rule are never broken), then a full update with streaming off, the final text and the
/// feedback buttons. An answer that outgrows one card is finished in that card and continues in the next. Where CardKit
/// refuses to create the card (the app lacks its scope), the answer goes as a message card updated by PATCH instead —
/// the same texts, at most once per interval and never above the 5 updates a second a message takes.
/// </summary>
internal sealed partial class FeishuAssistantReplies(
    IFeishuClientFactory clients, Microsoft.Extensions.Options.IOptions<AssistantOptions> options, TimeProvider time, ILogger<FeishuAssistantReplies> logger) : IAssistantReplies
{
    // Cards streaming now, per app: the app's streaming budget is shared among them.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, StrongBox<int>> _streaming = new(StringComparer.Ordinal);

    /// <inheritdoc />
    /// <remarks>
    /// Feishu's card markdown (the CardKit element and the message card alike) shows a character its markdown would read
    /// as syntax when it is written as an HTML character reference (<c>&amp;#42;</c> for <c>*</c>): its rich-text component
    /// documents these escapes.
    /// </remarks>
    public ReplacementLiteral MaskedLiteral { get; } = MarkdownLiteral.MaskedValue;

    private TimeProvider Clock => time;

    // Handles of answers sent as message cards (CardKit refused): "message:{message_id}".
    internal const string MessageHandlePrefix = "message:";

    // How long an app whose CardKit refused a card is answered with message cards before CardKit is tried again.
    private static readonly TimeSpan CardKitRetryAfter = TimeSpan.FromMinutes(10);

    // PATCH takes at most 5 updates a second per message.
    private static readonly TimeSpan MessageUpdateInterval = TimeSpan.FromMilliseconds(200);

    // Apps whose CardKit refused a card, and when (a timestamp of the clock).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _cardKitRefused = new(StringComparer.Ordinal);

    // Text updates a second the app's streaming cards share.
    private double Budget => options.Value.FeishuStreamUpdatesPerSecond;

    // The terminal writes of a card may wait for the app's next minute of budget.
    private static readonly TimeSpan FinishTimeout = TimeSpan.FromSeconds(90);

    // The configured app is "" to the client factory and "default" to assistants.
    private FeishuClient ClientOf(string app) => clients.GetClient(HubAppService.NameInStore(app));

    private ILogger Logger => logger;

    /// <inheritdoc />
    public async Task<IAssistantReplyWriter> OpenAsync(AssistantReplyTarget target, CancellationToken cancellationToken)
    {
        var client = ClientOf(target.App);
        var writer = new Writer(this, client, target, _streaming.GetOrAdd(target.App, _ => new StrongBox<int>()));
        try
        {
            await writer.OpenCardAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return writer;
    }

    /// <summary>
    /// The least time between two text updates of one card while <paramref name="streaming"/> cards of the app stream:
    /// the assistant's interval, stretched so that all of them together stay within the app's budget (CardKit counts
    /// streaming text per app, per second and per minute). A card updates less often, never loses text: the next update
    /// and the final one carry the whole answer.
    /// </summary>
    internal static TimeSpan IntervalFor(TimeSpan configured, int streaming, double perSecond) =>
        TimeSpan.FromSeconds(Math.Max(configured.TotalSeconds, Math.Max(1, streaming) / perSecond));

    /// <inheritdoc />
    public async Task CloseInterruptedAsync(AssistantReplyTarget target, string handle, string? shownText, CancellationToken cancellationToken)
    {
        var client = ClientOf(target.App);
        var text = Compose(shownText, AssistantReplyEnd.InterruptedNotice);
        var card = FeishuStreamingCard.Final(Fit(text, target), target.AnswerId, withFeedback: true);
        if (handle.StartsWith(MessageHandlePrefix, StringComparison.Ordinal))
        {
            await client.Im.Messages.UpdateCardAsync(handle[MessageHandlePrefix.Length..], MessageContent.Card(card), cancellationToken).ConfigureAwait(false);
            return;
        }

        // A process that has not seen the card starts its sequence above every number used before (CardKitSequences).
        await client.CardKit.UpdateAsync(handle, card.ToJsonString(), $"interrupted-{target.TurnId}", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task SendTextAsync(AssistantReplyTarget target, string text, string idempotencyKey, CancellationToken cancellationToken) =>
        ClientOf(target.App).Im.Messages.ReplyAsync(target.MessageId, MessageContent.Text(text), target.ThreadId is not null, FeishuBotMessenger.Uuid(idempotencyKey), target.ConversationId, cancellationToken);

    /// <summary>The answer, a blank line, and the notice in italics.</summary>
    internal static string Compose(string? text, string? notice) =>
        string.IsNullOrWhiteSpace(notice) ? (string.IsNullOrWhiteSpace(text) ? "…" : text)
        : string.IsNullOrWhiteSpace(text) ? $"*{notice}*" : $"{text}\n\n*{notice}*";

    /// <summary>Keeps a closing text within one card (the head of an answer too long for one stays; the tail was in later cards).</summary>
    private static string Fit(string text, AssistantReplyTarget target) =>
        FeishuStreamingCard.FitsOneCard(text, target.AnswerId) ? text : FeishuStreamingCard.SplitAnswer(text, target.AnswerId)[0].Body;

    private bool CardKitRefusedRecently(string app) =>
        _cardKitRefused.TryGetValue(app, out var at) && time.GetElapsedTime(at) < CardKitRetryAfter;

    [LoggerMessage(EventId = LogEvents.AssistantFeishuCardKitRefused, Level = LogLevel.Warning,
        Message = "Feishu app {App}: CardKit refused to create the answer's card ({Code}); answers go as message cards updated by PATCH for the next 10 minutes. Grant the app CardKit's scope (cardkit:card:write) to stream into cards.")]
    private static partial void LogCardKitRefused(ILogger logger, string app, int code);

    [LoggerMessage(EventId = LogEvents.AssistantFeishuMessageUpdateFailed, Level = LogLevel.Warning,
        Message = "Feishu answer {AnswerId}: updating its message card failed ({Error}); the next update shows the whole text again.")]
    private static partial void LogMessageUpdateFailed(ILogger logger, string answerId, string error);

    [LoggerMessage(EventId = LogEvents.AssistantFeishuCardContinued, Level = LogLevel.Information, Message = "Assistant answer {AnswerId} outgrew its card; continuing in card {Part}")]
    private static partial void LogContinued(ILogger logger, string answerId, int part);

    /// <summary>One answer's cards.</summary>
    private sealed class Writer(FeishuAssistantReplies owner, FeishuClient client, AssistantReplyTarget target, StrongBox<int> streaming) : IAssistantReplyWriter
    {
        private readonly Lock _gate = new();
        private readonly TimeSpan _configured = TimeSpan.FromMilliseconds(target.Assistant.Streaming.UpdateIntervalMs);
        private long _lastForwarded;
        private bool _counted;
        private readonly List<CardKitStream> _finished = [];
        private CardKitStream? _stream;
        private ReplyTextPump? _pump;
        private string _cardId = "";
        private string _messageId = "";
        private int _offset;
        private int _earlierUpdates;

        public string Handle { get; private set; } = "";

        public string? MessageId { get; private set; }

        public int Updates => _earlierUpdates + (_stream?.UpdatesSent ?? _pump?.Sends ?? 0);

        public async Task OpenCardAsync(CancellationToken cancellationToken)
        {
            if (!_counted)
            {
                Interlocked.Increment(ref streaming.Value);
                _counted = true;
            }

            var part = _finished.Count;
            _cardId = owner.CardKitRefusedRecently(target.App) ? "" : await TryCreateCardAsync(cancellationToken).ConfigureAwait(false);
            if (_cardId.Length == 0)
            {
                await OpenMessageCardAsync(part, cancellationToken).ConfigureAwait(false);
                return;
            }

            var sent = await ReplyAsync(MessageContent.CardEntity(_cardId), part, cancellationToken).ConfigureAwait(false);
            if (part == 0)
            {
                Handle = _cardId;
                MessageId = sent.MessageId;
            }

            _stream = new CardKitStream(
                client.CardKit,
                _cardId,
                FeishuStreamingCard.DefaultElementId,
                new CardKitStreamOptions { Interval = _configured, Summary = "Answering…", FinishTimeout = FinishTimeout },
                owner.Clock,
                owner.Logger);
        }

        /// <summary>A CardKit card entity streaming "Thinking…"; "" when CardKit refuses it for good (the app lacks its scope).</summary>
        private async Task<string> TryCreateCardAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await client.CardKit.CreateAsync(FeishuStreamingCard.Streaming("Thinking…", "…").ToJsonString(), cancellationToken).ConfigureAwait(false);
            }
            catch (FeishuApiException ex) when (!ex.IsTransient)
            {
                owner._cardKitRefused[target.App] = owner.Clock.GetTimestamp();
                LogCardKitRefused(owner.Logger, target.App, ex.Code);
                return "";
            }
        }

        /// <summary>CardKit refused: a message card showing "Thinking…" (also the chat list's summary), then updated by PATCH.</summary>
        private async Task OpenMessageCardAsync(int part, CancellationToken cancellationToken)
        {
            var card = FeishuStreamingCard.Final("*Thinking…*", target.AnswerId, withFeedback: false);
            var sent = await ReplyAsync(MessageContent.Card(card), part, cancellationToken).ConfigureAwait(false);
            _messageId = sent.MessageId;
            if (part == 0)
            {
                Handle = MessageHandlePrefix + sent.MessageId;
                MessageId = sent.MessageId;
            }

            var interval = _configured > MessageUpdateInterval ? _configured : MessageUpdateInterval;
            _pump = new ReplyTextPump(
                (text, ct) => client.Im.Messages.UpdateCardAsync(_messageId, MessageContent.Card(FeishuStreamingCard.Final(text, target.AnswerId, withFeedback: false)), ct),
                ex => LogMessageUpdateFailed(owner.Logger, target.AnswerId, (ex as FeishuApiException)?.Code.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ex.GetType().Name),
                interval,
                owner.Clock);
        }

        private Task<SentMessage> ReplyAsync(MessageContent content, int part, CancellationToken cancellationToken) =>
            client.Im.Messages.ReplyAsync(
                target.MessageId,
                content,
                target.ThreadId is not null,
                FeishuBotMessenger.Uuid($"assistant-{target.TurnId}-card-{part}"),
                target.ConversationId,
                cancellationToken);

        public void Show(string text)
        {
            lock (_gate)
            {
                if ((_stream is null && _pump is null) || text.Length < _offset)
                {
                    return;
                }

                // Held back while the app's budget asks this card to wait; the next text shown, or the final one, carries it.
                var now = owner.Clock.GetTimestamp();
                var interval = IntervalFor(_configured, Volatile.Read(ref streaming.Value), owner.Budget);
                if (_lastForwarded != 0 && owner.Clock.GetElapsedTime(_lastForwarded, now) < interval)
                {
                    return;
                }

                var rest = text[_offset..];
                if (FeishuStreamingCard.FitsOneCard(rest, target.AnswerId))
                {
                    if (_pump is { } pump)
                    {
                        pump.Show(rest.Length == 0 ? "…" : rest);
                    }
                    else
                    {
                        _stream!.SetText(rest.Length == 0 ? "…" : rest);
                    }

                    _lastForwarded = now;
                }
            }
        }

        public async Task FinishAsync(AssistantReplyEnd end, CancellationToken cancellationToken)
        {
            var text = Compose(end.Text, end.Notice);

            // Parts that do not fit the current card close it and open the next; the last part gets the buttons.
            while (true)
            {
                var rest = text[Math.Min(_offset, text.Length)..];
                if (FeishuStreamingCard.FitsOneCard(rest, target.AnswerId))
                {
                    await CloseCardAsync(rest.Length == 0 ? "…" : rest, withButtons: true, cancellationToken).ConfigureAwait(false);
                    return;
                }

                var head = FeishuStreamingCard.SplitAnswer(rest, target.AnswerId)[0].Body;
                await CloseCardAsync(head, withButtons: false, cancellationToken).ConfigureAwait(false);
                _offset += head.Length;
                LogContinued(owner.Logger, target.AnswerId, _finished.Count + 1);
                await OpenCardAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task CloseCardAsync(string text, bool withButtons, CancellationToken cancellationToken)
        {
            if (_pump is { } pump)
            {
                // The last PATCH carries the whole text: whatever the pump held back or failed to send is in it.
                await pump.StopAsync().ConfigureAwait(false);
                await client.Im.Messages.UpdateCardAsync(_messageId, MessageContent.Card(FeishuStreamingCard.Final(text, target.AnswerId, withButtons)), cancellationToken).ConfigureAwait(false);
                _earlierUpdates += pump.Sends + 1;
                _pump = null;
                return;
            }

            var stream = _stream!;
            try
            {
                await stream.CompleteAsync(text).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is FeishuApiException or HttpRequestException)
            {
                // The full update below still switches streaming off and shows the text.
            }

            var card = FeishuStreamingCard.Final(text, target.AnswerId, withButtons);
            await client.CardKit.UpdateAsync(_cardId, card.ToJsonString(), $"final-{target.TurnId}-{_finished.Count}", cancellationToken).ConfigureAwait(false);
            _earlierUpdates += stream.UpdatesSent + 1;
            _finished.Add(stream);
            _stream = null;
        }

        public async ValueTask DisposeAsync()
        {
            if (_counted)
            {
                Interlocked.Decrement(ref streaming.Value);
                _counted = false;
            }

            foreach (var stream in _finished)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            if (_stream is { } open)
            {
                await open.DisposeAsync().ConfigureAwait(false);
            }

            if (_pump is { } pump)
            {
                await pump.StopAsync().ConfigureAwait(false);
            }
        }
    }
}
