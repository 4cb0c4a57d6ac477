using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Larkway.Channels.Adapters;
using Larkway.Channels.Masking;
using Larkway.Channels.Messages;
using Larkway.Channels.Rendering;
using Larkway.Hub.Assistants.Replies;
using Larkway.Hub.Platform;
using Larkway.Hub.WeCom.AiBot;
using Larkway.WeCom;
using Larkway.WeCom.AiBot;
using Larkway.WeCom.Messages;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.WeCom.Assistant;

/// <summary>
/// Assistant answers on WeCom. To an AI bot message (the reply context <c>{"req_id", "bot_id"}</c>) the answer streams as
/// the bot's stream reply by the message's req_id, over the bot's long connection on this replica: frames at most once
/// per the assistant's update interval (and the client's own minimum), each the whole text so far, the stream carrying
/// the answer's id as its feedback id. WeCom takes at most 20,480 bytes per stream and updates for 6 minutes after the
/// message: an answer that outgrows the stream, or runs past 5½ minutes, ends the stream with what fits and a
/// "continued below" line, and the rest follows as markdown messages (<c>aibot_send_msg</c>). To a WeCom app message (no
/// req_id) the answer comes once it is whole, as markdown (<c>message/send</c>, 2,048 bytes a part), with no placeholder
/// before it: an app's text or markdown message cannot be edited, and one recalled (<c>message/recall</c>) leaves a
/// "message recalled" line in the chat, so a "thinking" text would stay above the answer. A template card follows an app's
/// answer with Helpful / Not helpful / Regenerate, and an AI bot's finished stream with Regenerate
/// (<see cref="WeComAnswerCard"/>), since neither the markdown nor the stream carries the Hub's buttons.
/// </summary>
internal sealed partial class WeComAssistantReplies : IAssistantReplies
{
    /// <summary>WeCom takes stream updates this long after the user's message.</summary>
    public static readonly TimeSpan StreamWindow = TimeSpan.FromMinutes(6);

    /// <summary>A stream still open this long after the message is ended, its rest sent as messages.</summary>
    public static readonly TimeSpan StreamCutoff = TimeSpan.FromSeconds(330);

    /// <summary>The handle of an app reply (texts): this prefix and the answer id.</summary>
    public const string TextHandlePrefix = "text:";

    /// <summary>The handle of an AI bot reply sent as messages (the req_id no longer taken): this prefix and the answer id.</summary>
    public const string MessageHandlePrefix = "send:";

    /// <summary>WeCom: the req_id is not one it knows for this bot (already answered, or pushed on another connection).</summary>
    private const int InvalidReqId = 846605;

    /// <summary>WeCom: the reply's window is over, or the stream was finished.</summary>
    private const int StreamExpired = 846608;

    /// <summary>WeCom's invalid-parameter code, which a frame to a finished stream gets.</summary>
    private const int FinishedStream = 40058;

    private static readonly string ContinuedSuffix = "\n\n" + AssistantReplyTexts.Continued;

    private readonly WeComAiBotConnections _connections;
    private readonly Func<string, CancellationToken, ValueTask<WeComClient>> _appClientOf;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RecentKeys _sent = new();
    private readonly RecentKeys _closed = new();
    private readonly CustomerService.KfSender? _customers;
    private readonly CustomerService.KfConversations? _customerSessions;

    /// <summary>
    /// The Hub's replies on WeCom: AI bots over this replica's connections, apps through their clients, customers of a
    /// customer-service account through <paramref name="customers"/>.
    /// </summary>
    public WeComAssistantReplies(
        WeComAiBotConnections connections, HubWeComClients clients, TimeProvider time, ILogger<WeComAssistantReplies> logger,
        CustomerService.KfSender? customers = null, CustomerService.KfConversations? customerSessions = null)
        : this(connections, clients.GetAsync, time, logger)
    {
        _customers = customers;
        _customerSessions = customerSessions;
    }

    /// <summary>Replies through <paramref name="connections"/> and the app clients <paramref name="appClientOf"/> gives (tests give their own).</summary>
    internal WeComAssistantReplies(WeComAiBotConnections connections, Func<string, CancellationToken, ValueTask<WeComClient>> appClientOf, TimeProvider time, ILogger logger)
    {
        _connections = connections;
        _appClientOf = appClientOf;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The AI bot's stream and markdown messages and the app's markdown message alike: WeCom documents no escape for its
    /// markdown; its markdown takes HTML (font tags) and standard markdown shows HTML character references as their
    /// characters, so a masked value's stars go as <c>&amp;#42;</c> (docs/masking.md names the sources).
    /// </remarks>
    public ReplacementLiteral MaskedLiteral { get; } = MarkdownLiteral.MaskedValue;

    /// <summary>A customer's text is plain (customer service sends no markdown): a masked value shows as written.</summary>
    public ReplacementLiteral MaskedLiteralFor(AssistantReplyTarget target) =>
        target is { IsCustomer: true } ? (replacement, _) => replacement : MaskedLiteral;

    /// <summary>A customer's text carries no buttons: a failure says to ask again.</summary>
    public bool OffersRegenerate(AssistantReplyTarget target) => target is not { IsCustomer: true };

    /// <summary>
    /// A customer's answer goes whole at its end, each part under a msgid made from the answer: one a stopped Hub left is
    /// answered again, and what already went out is refused by WeCom as a repeat (95033), never shown twice.
    /// </summary>
    public bool AnswersAgainAfterInterruption(AssistantReplyTarget target) => target is { IsCustomer: true };

    /// <summary>The most bytes of answer a stream shows before it ends with the "continued below" line.</summary>
    internal static int StreamBudget => WeComAiBotReply.MaxContentBytes - Encoding.UTF8.GetByteCount(ContinuedSuffix);

    /// <inheritdoc/>
    /// <exception cref="AssistantReplyUnavailableException">The AI bot's long connection is not held on this replica.</exception>
    public async Task<IAssistantReplyWriter> OpenAsync(AssistantReplyTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.IsCustomer)
        {
            // Customer service has no message to edit: the answer goes once whole, as text, within the session's budget. A
            // failed answer, or one carrying the backend's hand-over signal, hands the customer to people (the hand-over
            // message says so) instead of asking them to retry.
            var (sender, kf) = Customer(target);
            var final = new FinalTextWriter(CustomerHandlePrefix + target.AnswerId, 0, (text, ct) => sender.SendAsync(target.App, kf.OpenKfId, kf.ExternalUserId, text, target.AnswerId, ct));
            return new CustomerService.KfAnswerWriter(final, _customerSessions is null ? null
                : (trigger, ct) => _customerSessions.HandOverFromAnswerAsync(target.App, kf.OpenKfId, kf.ExternalUserId, target.AnswerId, trigger, ct),
                _customerSessions?.HandoverSignal);
        }

        var context = WeComReplyContext.Of(target);
        if (context.BotId is null)
        {
            // No "thinking" text first: WeCom cannot change an app message into the answer, so it would stay above it for good.
            var app = await _appClientOf(target.App, cancellationToken).ConfigureAwait(false);
            return new FinalTextWriter(TextHandlePrefix + target.AnswerId, 0, async (final, ct) =>
                await SendAppAsync(app, target, ChannelReply.ForMarkdown(final), ct).ConfigureAwait(false) + await SendAnswerCardAsync(app, target, ct).ConfigureAwait(false));
        }

        var client = ClientOf(context);
        if (context.ReqId is null)
        {
            // Asked again from the card under an answer: no message to reply to, so the answer goes to the conversation.
            return MessagesWriter(client, target);
        }

        var stream = client.BeginStream(context.ReqId, target.AnswerId);
        try
        {
            // The first frame: WeCom shows the reply as loading, and a req_id it no longer takes shows now.
            await stream.SetTextAsync("", cancellationToken).ConfigureAwait(false);
        }
        catch (WeComApiException ex) when (ex.ErrCode is InvalidReqId or StreamExpired)
        {
            LogReplyFellBack(_logger, context.BotId, ex.Code);
            return MessagesWriter(client, target);
        }
        catch (WeComApiException ex) when (!client.IsConnected)
        {
            throw new AssistantReplyUnavailableException($"The long connection of WeCom AI bot {context.BotId} dropped as the reply opened; answer this turn once it is back.", ex);
        }

        var cutoff = (context.ReceivedAt ?? _time.GetUtcNow()) + StreamCutoff;
        return new StreamWriter(this, client, stream, target, cutoff);
    }

    /// <inheritdoc/>
    /// <exception cref="AssistantReplyUnavailableException">The AI bot's long connection is not held on this replica.</exception>
    public async Task CloseInterruptedAsync(AssistantReplyTarget target, string handle, string? shownText, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrEmpty(handle);
        await _closed.OnceAsync(handle, async () =>
        {
            var text = AssistantReplyTexts.WithNotice(shownText, AssistantReplyTexts.Interrupted);
            if (target.IsCustomer)
            {
                var (sender, kf) = Customer(target);
                await sender.SendAsync(target.App, kf.OpenKfId, kf.ExternalUserId, text, target.AnswerId, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (handle.StartsWith(TextHandlePrefix, StringComparison.Ordinal))
            {
                var app = await _appClientOf(target.App, cancellationToken).ConfigureAwait(false);
                await SendAppAsync(app, target, ChannelReply.ForMarkdown(text), cancellationToken).ConfigureAwait(false);
                return;
            }

            var context = WeComReplyContext.Of(target);
            var client = ClientOf(context);
            if (handle.StartsWith(MessageHandlePrefix, StringComparison.Ordinal) || context.ReqId is null)
            {
                await SendMessagesAsync(client, target.ConversationId, text, cancellationToken).ConfigureAwait(false);
                return;
            }

            // The stream's last frame: what it showed (as much as fits) and the notice, finished.
            var notice = "\n\n" + AssistantReplyTexts.Interrupted;
            var shown = shownText ?? "";
            var budget = WeComAiBotReply.MaxContentBytes - Encoding.UTF8.GetByteCount(notice);
            if (Encoding.UTF8.GetByteCount(shown) > budget)
            {
                shown = TextSplitter.Split(shown, budget, TextMeasure.Utf8Bytes)[0].Text;
            }

            try
            {
                await client.RespondAsync(context.ReqId, WeComAiBotReply.Stream(handle, AssistantReplyTexts.WithNotice(shown, AssistantReplyTexts.Interrupted), finish: true), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (WeComApiException ex) when (ex.ErrCode is StreamExpired or FinishedStream)
            {
                // Finished already (a close before this one), or past its 6 minutes (WeCom has ended it): nothing to add.
                LogCloseFellBack(_logger, context.BotId!, ex.Code, "nothing more sent");
            }
            catch (WeComApiException ex) when (ex.ErrCode is InvalidReqId)
            {
                // The stream came on a connection gone with the stopped Hub: WeCom ends it; the notice goes to the chat.
                LogCloseFellBack(_logger, context.BotId!, ex.Code, "the notice went to the conversation");
                await SendMessagesAsync(client, target.ConversationId, AssistantReplyTexts.Interrupted, cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <exception cref="AssistantReplyUnavailableException">The AI bot's long connection is not held on this replica.</exception>
    public async Task SendTextAsync(AssistantReplyTarget target, string text, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        await _sent.OnceAsync(idempotencyKey, async () =>
        {
            if (target.IsCustomer)
            {
                var (sender, kf) = Customer(target);
                await sender.SendAsync(target.App, kf.OpenKfId, kf.ExternalUserId, text, idempotencyKey, cancellationToken).ConfigureAwait(false);
                return;
            }

            var context = WeComReplyContext.Of(target);
            if (context.BotId is null)
            {
                var app = await _appClientOf(target.App, cancellationToken).ConfigureAwait(false);
                await SendAppAsync(app, target, ChannelReply.ForText(text), cancellationToken).ConfigureAwait(false);
                return;
            }

            var client = ClientOf(context);
            if (context.ReqId is null)
            {
                await SendMessagesAsync(client, target.ConversationId, text, cancellationToken).ConfigureAwait(false);
                return;
            }

            var parts = Parts(text);
            try
            {
                // A finished stream whose id comes from the key: a retry after it went is refused by WeCom, not shown twice.
                await client.RespondAsync(context.ReqId, WeComAiBotReply.Stream(StreamIdOf(idempotencyKey), parts[0], finish: true), cancellationToken).ConfigureAwait(false);
            }
            catch (WeComApiException ex) when (ex.ErrCode is InvalidReqId or StreamExpired)
            {
                LogReplyFellBack(_logger, context.BotId!, ex.Code);
                await client.SendMessageAsync(target.ConversationId, WeComAiBotReply.Markdown(parts[0]), cancellationToken).ConfigureAwait(false);
            }

            foreach (var part in parts.Skip(1))
            {
                await client.SendMessageAsync(target.ConversationId, WeComAiBotReply.Markdown(part), cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>The handle of a reply to a customer (texts): this prefix and the answer id.</summary>
    public const string CustomerHandlePrefix = "kf:";

    /// <summary>The sender of customers' texts and the account and customer <paramref name="target"/> answers.</summary>
    private (CustomerService.KfSender Sender, CustomerService.KfReplyContext Context) Customer(AssistantReplyTarget target)
    {
        var sender = _customers ?? throw new InvalidOperationException("WeCom customer service is not registered in this Hub, so a customer's turn cannot be answered.");
        try
        {
            var context = target.ReplyContext is { Length: > 0 } json
                ? JsonSerializer.Deserialize(json, CustomerService.KfJson.Default.KfReplyContext)
                : null;
            return context is { OpenKfId.Length: > 0, ExternalUserId.Length: > 0 }
                ? (sender, context)
                : throw new ArgumentException("A customer's reply context names the account and the customer (open_kfid, external_userid).", nameof(target));
        }
        catch (JsonException ex)
        {
            throw new ArgumentException("A customer's reply context must be JSON {\"open_kfid\", \"external_userid\"}; it does not read as that.", nameof(target), ex);
        }
    }

    /// <summary>A stream id stable across retries of one text (WeCom: at most 64 characters).</summary>
    internal static string StreamIdOf(string idempotencyKey) =>
        "lwa-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32];

    private WeComAiBotClient ClientOf(WeComReplyContext context)
    {
        var client = _connections.Find(context.BotId ?? "")
            ?? throw new AssistantReplyUnavailableException(
                $"The long connection of WeCom AI bot {context.BotId} is not held on this replica (another replica holds it, or none does while it reconnects); answer this turn later, or where the connection is.");
        return client.IsConnected
            ? client
            : throw new AssistantReplyUnavailableException($"The long connection of WeCom AI bot {context.BotId} is reconnecting on this replica; answer this turn once it is back.");
    }

    /// <summary>A markdown text in parts of at most 20,480 bytes (an AI bot's markdown message and stream alike), code fences kept whole.</summary>
    private static IReadOnlyList<string> Parts(string text) =>
        string.IsNullOrWhiteSpace(text) ? [] : [.. TextSplitter.Split(text, WeComAiBotReply.MaxContentBytes, TextMeasure.Utf8Bytes).Select(p => p.Text)];

    private async Task<int> SendMessagesAsync(WeComAiBotClient client, string conversationId, string text, CancellationToken cancellationToken)
    {
        var parts = Parts(text);
        foreach (var part in parts)
        {
            await client.SendMessageAsync(conversationId, WeComAiBotReply.Markdown(part), cancellationToken).ConfigureAwait(false);
        }

        return parts.Count;
    }

    /// <summary>An AI bot's answer sent as markdown messages once whole (no req_id to stream by), the Regenerate card after it.</summary>
    private FinalTextWriter MessagesWriter(WeComAiBotClient client, AssistantReplyTarget target) =>
        new(MessageHandlePrefix + target.AnswerId, 0, async (final, ct) =>
            await SendMessagesAsync(client, target.ConversationId, final, ct).ConfigureAwait(false) + await SendRegenerateCardAsync(client, target, ct).ConfigureAwait(false));

    /// <summary>
    /// The card under an AI bot's answer (its like / dislike is WeCom's own, on the stream): Regenerate, sent to the
    /// conversation (<c>aibot_send_msg</c>). One that fails is logged and left out: the answer has gone.
    /// </summary>
    private async Task<int> SendRegenerateCardAsync(WeComAiBotClient client, AssistantReplyTarget target, CancellationToken cancellationToken)
    {
        var conversation = new ChannelConversation(target.ConversationId, target.IsDirect ? ConversationKind.Direct : ConversationKind.Group);
        var messages = WeComChannelAdapter.RenderAiBot(WeComAnswerCard.ForAiBot(), conversation, WeComAnswerCard.NewTaskId(target.AnswerId)).Messages;
        try
        {
            foreach (var message in messages)
            {
                await client.SendMessageAsync(target.ConversationId, message, cancellationToken).ConfigureAwait(false);
            }

            return messages.Count;
        }
        catch (WeComApiException ex)
        {
            LogAnswerCardFailed(_logger, target.AnswerId, ex.Code);
            return 0;
        }
    }

    /// <summary>
    /// The card under a corp app's answer (its markdown takes no buttons): Helpful / Not helpful / Regenerate. One that
    /// fails is logged and left out: the answer has gone, and sending it again would show it twice.
    /// </summary>
    private async Task<int> SendAnswerCardAsync(WeComClient app, AssistantReplyTarget target, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAppAsync(app, target, WeComAnswerCard.ForApp(), cancellationToken, WeComAnswerCard.NewTaskId(target.AnswerId)).ConfigureAwait(false);
        }
        catch (WeComApiException ex)
        {
            LogAnswerCardFailed(_logger, target.AnswerId, ex.Code);
            return 0;
        }
    }

    private static async Task<int> SendAppAsync(WeComClient app, AssistantReplyTarget target, ChannelReply reply, CancellationToken cancellationToken, string? taskId = null)
    {
        // An app's callbacks come from one member in the app's own chat: the reply goes to that member.
        var messages = WeComChannelAdapter.RenderAppMessage(reply, new ChannelConversation(target.SenderId, ConversationKind.Direct), taskId).Messages;
        foreach (var message in messages)
        {
            await app.Messages.SendAsync(WeComRecipients.ToUsers(target.SenderId), message, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return messages.Count;
    }

    [LoggerMessage(EventId = LogEvents.AssistantWeComAnswerCardFailed, Level = LogLevel.Warning,
        Message = "WeCom: the feedback card under answer {AnswerId} could not be sent ({Code}); the answer stands without it.")]
    private static partial void LogAnswerCardFailed(ILogger logger, string answerId, string code);

    [LoggerMessage(EventId = LogEvents.AssistantWeComUpdateFailed, Level = LogLevel.Warning,
        Message = "WeCom AI bot stream {StreamId}: a frame failed ({Code}); the next one shows the whole text again.")]
    private static partial void LogUpdateFailed(ILogger logger, string streamId, string code);

    [LoggerMessage(EventId = LogEvents.AssistantWeComContinued, Level = LogLevel.Information,
        Message = "WeCom AI bot stream {StreamId} ended before the answer ({Reason}); the rest follows as messages.")]
    private static partial void LogContinued(ILogger logger, string streamId, string reason);

    [LoggerMessage(EventId = LogEvents.AssistantWeComCloseFellBack, Level = LogLevel.Information,
        Message = "WeCom AI bot {BotId}: an interrupted stream could not be finished ({Code}); {Outcome}.")]
    private static partial void LogCloseFellBack(ILogger logger, string botId, string code, string outcome);

    [LoggerMessage(EventId = LogEvents.AssistantWeComReplyFellBack, Level = LogLevel.Information,
        Message = "WeCom AI bot {BotId}: WeCom no longer takes a reply by the message's req_id ({Code}); the answer goes to the conversation as messages.")]
    private static partial void LogReplyFellBack(ILogger logger, string? botId, string code);

    /// <summary>The reply context of a WeCom message: an AI bot message's req_id and bot id (and, if known, when it came); none for an app message.</summary>
    private sealed record WeComReplyContext(string? ReqId, string? BotId, DateTimeOffset? ReceivedAt)
    {
        public static WeComReplyContext Of(AssistantReplyTarget target)
        {
            if (string.IsNullOrWhiteSpace(target.ReplyContext))
            {
                return new(null, null, null);
            }

            try
            {
                using var document = JsonDocument.Parse(target.ReplyContext);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new JsonException("not an object");
                }

                var reqId = String(root, "req_id");
                var botId = String(root, "bot_id");
                if (reqId is not null && botId is null)
                {
                    throw new ArgumentException("A WeCom AI bot reply's context names the bot (bot_id) beside the message's req_id.", nameof(target));
                }

                DateTimeOffset? receivedAt = root.TryGetProperty("received_at", out var at) && at.ValueKind == JsonValueKind.Number && at.TryGetInt64(out var ms)
                    ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                    : null;
                return new(reqId, botId, receivedAt);
            }
            catch (JsonException ex)
            {
                throw new ArgumentException("A WeCom reply's context must be JSON {\"req_id\", \"bot_id\"} for an AI bot message (or empty for an app message); it does not read as that.", nameof(target), ex);
            }
        }

        private static string? String(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
    }

    /// <summary>An answer streaming as the AI bot's stream reply; its rest as messages when it outgrows the stream or its time.</summary>
    private sealed class StreamWriter : IAssistantReplyWriter
    {
        private readonly WeComAssistantReplies _owner;
        private readonly WeComAiBotClient _client;
        private readonly WeComAiBotStream _stream;
        private readonly AssistantReplyTarget _target;
        private readonly DateTimeOffset _cutoff;
        private readonly ReplyTextPump _pump;
        private readonly CancellationTokenSource _timer = new();
        private string? _frozen;
        private bool _direct;
        private int _finished;
        private int _messages;
        private int _directFrames;

        public StreamWriter(WeComAssistantReplies owner, WeComAiBotClient client, WeComAiBotStream stream, AssistantReplyTarget target, DateTimeOffset cutoff)
        {
            _owner = owner;
            _client = client;
            _stream = stream;
            _target = target;
            _cutoff = cutoff;
            _pump = new ReplyTextPump(ShowAsync, ex => LogUpdateFailed(owner._logger, stream.Id, (ex as WeComApiException)?.Code ?? ex.GetType().Name),
                TimeSpan.FromMilliseconds(target.Assistant.Streaming.UpdateIntervalMs), owner._time);
            _ = PokeAtCutoffAsync();
        }

        public string Handle => _stream.Id;

        public string? MessageId => null;

        public int Updates => _stream.FramesSent + Volatile.Read(ref _directFrames) + Volatile.Read(ref _messages);

        public void Show(string text)
        {
            if (Volatile.Read(ref _finished) == 0)
            {
                _pump.Show(text);
            }
        }

        private async Task PokeAtCutoffAsync()
        {
            var wait = _cutoff - _owner._time.GetUtcNow();
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _owner._time, _timer.Token).ConfigureAwait(false);
                }

                // The answer may be paused (a slow tool): the stream must still end before WeCom's window closes.
                _pump.Poke();
            }
            catch (OperationCanceledException)
            {
                // Finished before the cutoff.
            }
        }

        private async Task ShowAsync(string text, CancellationToken cancellationToken)
        {
            if (_frozen is not null)
            {
                return;
            }

            if (_owner._time.GetUtcNow() >= _cutoff)
            {
                // Past 5½ minutes: what was written so far ends the stream; the rest comes as messages at the end.
                LogContinued(_owner._logger, _stream.Id, "the stream's 6 minutes");
                var head = Fits(text, StreamBudget) ? text : Head(text).Body;
                _frozen = head;
                if (!await EndStreamAsync(Continued(Fits(text, StreamBudget) ? text : Head(text).Text), cancellationToken).ConfigureAwait(false))
                {
                    _frozen = "";
                }

                return;
            }

            // What fits: a text past the stream's limit shows its first part until the end sends the rest.
            var content = Fits(text, WeComAiBotReply.MaxContentBytes) ? text : Head(text).Text;
            if (!_direct)
            {
                try
                {
                    await _stream.SetTextAsync(content, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (WeComApiException ex) when (ex.ErrCode is not (InvalidReqId or StreamExpired))
                {
                    // The stream refuses every frame after one failed (an ack that never came): frames go on their own from now on.
                    LogUpdateFailed(_owner._logger, _stream.Id, ex.Code);
                    _direct = true;
                }
            }

            await _client.RespondAsync(_stream.ReqId, WeComAiBotReply.Stream(_stream.Id, content, finish: false), cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _directFrames);
        }

        public async Task FinishAsync(AssistantReplyEnd end, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(end);
            if (Interlocked.Exchange(ref _finished, 1) == 1)
            {
                return;
            }

            await _timer.CancelAsync().ConfigureAwait(false);
            await _pump.StopAsync().ConfigureAwait(false);
            var final = AssistantReplyTexts.Final(end);
            IReadOnlyList<string> rest;
            if (_frozen is { } shown)
            {
                // The stream ended early: what it did not show follows (the whole answer, if it was rewritten since).
                rest = Parts(final.StartsWith(shown, StringComparison.Ordinal) ? final[shown.Length..] : final);
            }
            else if (Fits(final, WeComAiBotReply.MaxContentBytes))
            {
                rest = await EndStreamAsync(final, cancellationToken).ConfigureAwait(false) ? [] : Parts(final);
            }
            else
            {
                // Longer than a stream holds: the first part ends the stream, the others follow as messages.
                LogContinued(_owner._logger, _stream.Id, "over 20,480 bytes");
                var parts = TextSplitter.Split(final, StreamBudget, TextMeasure.Utf8Bytes);
                rest = await EndStreamAsync(Continued(parts[0].Text), cancellationToken).ConfigureAwait(false)
                    ? [.. parts.Skip(1).Select(p => p.Text)]
                    : Parts(final);
            }

            foreach (var part in rest)
            {
                await _client.SendMessageAsync(_target.ConversationId, WeComAiBotReply.Markdown(part), cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _messages);
            }

            Interlocked.Add(ref _messages, await _owner.SendRegenerateCardAsync(_client, _target, cancellationToken).ConfigureAwait(false));
        }

        /// <summary>
        /// Sends the stream's last frame with <paramref name="content"/>; false when WeCom no longer takes the stream (its
        /// window closed, or the req_id is not this connection's), so that the caller sends the answer as messages.
        /// </summary>
        private async Task<bool> EndStreamAsync(string content, CancellationToken cancellationToken)
        {
            if (!_direct)
            {
                try
                {
                    var shown = _stream.Text;
                    if (content.StartsWith(shown, StringComparison.Ordinal))
                    {
                        await _stream.FinishAsync(content[shown.Length..], cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await _stream.SetTextAsync(content, cancellationToken).ConfigureAwait(false);
                        await _stream.FinishAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                    }

                    return true;
                }
                catch (WeComApiException ex) when (ex.ErrCode is InvalidReqId or StreamExpired)
                {
                    LogReplyFellBack(_owner._logger, null, ex.Code);
                    return false;
                }
                catch (WeComApiException ex)
                {
                    // A frame failed before (the stream keeps refusing after one): the last frame goes on its own, same stream id.
                    LogUpdateFailed(_owner._logger, _stream.Id, ex.Code);
                }
            }

            try
            {
                await _client.RespondAsync(_stream.ReqId, WeComAiBotReply.Stream(_stream.Id, content, finish: true), cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _directFrames);
                return true;
            }
            catch (WeComApiException ex) when (ex.ErrCode is InvalidReqId or StreamExpired)
            {
                LogReplyFellBack(_owner._logger, null, ex.Code);
                return false;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Volatile.Read(ref _finished) == 0)
            {
                try
                {
                    await FinishAsync(new AssistantReplyEnd(AssistantReplyEndKind.Failed, _pump.Sent ?? "", AssistantReplyTexts.Interrupted), CancellationToken.None).ConfigureAwait(false);
                }
                catch (WeComApiException ex)
                {
                    LogUpdateFailed(_owner._logger, _stream.Id, ex.Code);
                }
            }

            _timer.Dispose();
        }

        private static string Continued(string head) => head.Length == 0 ? AssistantReplyTexts.Continued : head + ContinuedSuffix;

        private static bool Fits(string text, int bytes) => Encoding.UTF8.GetByteCount(text) <= bytes;

        private static TextPart Head(string text) => TextSplitter.Split(text, StreamBudget, TextMeasure.Utf8Bytes)[0];
    }
}
