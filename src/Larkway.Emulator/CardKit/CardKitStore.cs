using System.Text.Json.Nodes;
using Larkway.Emulator.Api.Im;
using Larkway.Emulator.Hosting;
using Larkway.Emulator.Platform;
using Larkway.Emulator.State;
using Microsoft.Extensions.Logging;

namespace Larkway.Emulator.CardKit;

/// <summary>What an operation did beyond changing the card: how streamed text is typed, and whether it switched streaming on.</summary>
internal sealed record CardChange(string? Typing = null, int? TypedChars = null, bool SwitchesStreamingOn = false, string? Text = null);

/// <summary>
/// The card entities (cardkit v1) and every rule on them: the creating app only, 14 days of life, sequences strictly
/// increasing per card across all operations (300317), uuid idempotency, at most <see cref="EmulatorOptions.CardKitOperationsPerSecond"/>
/// operations a second per card, streaming mode closing itself <see cref="EmulatorOptions.CardKitStreamingTimeout"/> after
/// it was last switched on, no updates to a streaming card while a user's interaction with it is answered (200810), sent
/// once. A sent card's message shows the card as it is now. One lock guards it all; the message is updated under it, so
/// the message always shows the card's latest accepted state.
/// </summary>
internal sealed partial class CardKitStore
{
    /// <summary>Card entities live 14 days (create page).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);

    private const int MaxLoggedOperations = 1000;
    private const int MaxRememberedUuids = 1000;

    /// <summary>A card this long past its 14 days is forgotten (the state file does not grow forever); its message stays.</summary>
    private static readonly TimeSpan ForgetAfter = Lifetime + TimeSpan.FromDays(1);
    private const int MaxUuidLength = 64;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, CardEntity> _cards = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byMessage = new(StringComparer.Ordinal);
    private readonly Dictionary<int, long> _refusalsByCode = [];
    private readonly EmulatorState _state;
    private readonly MessageContent _content;
    private readonly RateLimiter _limiter;
    private readonly CardInteractions _interactions;
    private readonly EmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CardKitStore> _logger;
    private CardKitCounters _counters = new(0, 0, 0, 0, 0, 0, 0);

    public CardKitStore(EmulatorState state, MessageContent content, RateLimiter limiter, CardInteractions interactions, EmulatorOptions options, StateLoad load, ILogger<CardKitStore> logger)
    {
        _logger = logger;
        _state = state;
        _content = content;
        _limiter = limiter;
        _interactions = interactions;
        _options = options;
        _time = options.TimeProvider;
        if (load.Snapshot?.CardKit is { } snapshot)
        {
            foreach (var card in snapshot.Cards)
            {
                _cards[card.CardId] = card;
                if (card.MessageId is { } messageId)
                {
                    _byMessage[messageId] = card.CardId;
                }
            }

            _counters = snapshot.Counters;
        }
    }

    // ---- reads ---------------------------------------------------------------------------------

    public CardEntity? Find(string cardId)
    {
        lock (_gate)
        {
            return _cards.TryGetValue(cardId, out var card) ? Current(card) : null;
        }
    }

    /// <summary>The card entity a message shows, or null when the message is not a sent card entity.</summary>
    public CardEntity? ForMessage(string messageId)
    {
        lock (_gate)
        {
            return _byMessage.TryGetValue(messageId, out var cardId) ? Current(_cards[cardId]) : null;
        }
    }

    public IReadOnlyList<CardEntity> All()
    {
        lock (_gate)
        {
            return [.. _cards.Values.Select(Current).OrderBy(c => c.CreateTimeMs).ThenBy(c => c.CardId, StringComparer.Ordinal)];
        }
    }

    public (CardKitCounters Counters, IReadOnlyDictionary<int, long> RefusalsByCode) Counters()
    {
        lock (_gate)
        {
            return (_counters, new Dictionary<int, long>(_refusalsByCode));
        }
    }

    /// <summary>Sets the counters back to zero (cards and their logs stay).</summary>
    public void ResetCounters()
    {
        lock (_gate)
        {
            _counters = new CardKitCounters(0, 0, 0, 0, 0, 0, 0);
            _refusalsByCode.Clear();
        }
    }

    /// <summary>Whether the card's streaming mode is on now (the 10-minute close applied).</summary>
    public bool IsStreaming(CardEntity card) => card.Streaming && !TimedOut(card, Now());

    public CardKitSnapshot Export()
    {
        lock (_gate)
        {
            return new CardKitSnapshot([.. _cards.Values], _counters);
        }
    }

    // ---- create, send ---------------------------------------------------------------------------

    /// <summary><c>POST /cardkit/v1/cards</c>: a card entity from card JSON 2.0.</summary>
    public CardEntity Create(EmulatorApp app, string type, string data)
    {
        if (type == "template")
        {
            throw CardJson.Invalid("template cards (built with the CardKit builder) are not emulated; create the entity with type card_json and the card JSON 2.0 as data");
        }

        if (type != "card_json")
        {
            throw CardJson.Invalid($"type '{type}' is not card_json or template");
        }

        var card = CardJson.ParseObject(data, "data");
        var json = CardJson.Check(card);
        Render(app.AppId, json);
        var now = Now();
        var streaming = CardJson.StreamingMode(card);
        var entity = new CardEntity(NewCardId(), app.AppId, json, now)
        {
            Streaming = streaming,
            StreamingSinceMs = streaming ? now : null,
        };
        lock (_gate)
        {
            Forget(now);
            _cards[entity.CardId] = Logged(entity, "create", null, null, "applied", 0, null, null);
            _counters = _counters with { Operations = _counters.Operations + 1, Applied = _counters.Applied + 1 };
            _state.Revision.Advance();
            return _cards[entity.CardId];
        }
    }

    /// <summary>
    /// Claims a card entity for one send by <paramref name="app"/> and returns its card JSON: a card is sent once, only
    /// by the app that created it (300311), within its 14 days (200750). <see cref="Release"/> undoes a claim whose send failed.
    /// </summary>
    public string ClaimForSend(EmulatorApp app, string cardId)
    {
        lock (_gate)
        {
            var card = RequireCard(cardId);
            if (card.AppId != app.AppId)
            {
                throw new ApiErrorException(400, CardKitCodes.NotSendable, $"card '{cardId}' was created by another app; only the app that created a card entity can send it");
            }

            if (Expired(card, Now()))
            {
                throw new ApiErrorException(400, CardKitCodes.CardExpired, $"card '{cardId}' is older than 14 days and can no longer be used");
            }

            if (card.SendClaimed)
            {
                throw new ApiErrorException(400, CardKitCodes.NotSendable, $"card '{cardId}' was already sent; a card entity can be sent once (create a new one)");
            }

            _cards[cardId] = card with { SendClaimed = true };
            return Current(card).CardJson;
        }
    }

    public void Release(string cardId)
    {
        lock (_gate)
        {
            if (_cards.TryGetValue(cardId, out var card) && card.MessageId is null)
            {
                _cards[cardId] = card with { SendClaimed = false };
            }
        }
    }

    /// <summary>The claimed card is now shown by <paramref name="messageId"/>; the message is brought up to the card's current state.</summary>
    public void Bind(string cardId, string messageId)
    {
        lock (_gate)
        {
            var card = _cards[cardId] with { MessageId = messageId };
            _cards[cardId] = card;
            _byMessage[messageId] = cardId;
            SyncMessage(card);
            _state.Revision.Advance();
        }
    }

    /// <summary>
    /// <c>POST /cardkit/v1/cards/id_convert</c>: the card entity a message of the app shows. A JSON 2.0 card sent as
    /// plain content becomes an entity here (already sent: it is the message's card).
    /// </summary>
    public string IdConvert(EmulatorApp app, string messageId)
    {
        var message = _state.FindMessage(messageId) ?? throw CardJson.Invalid($"message '{messageId}' does not exist");
        if (message.MsgType != "interactive" || message.Deleted)
        {
            throw CardJson.Invalid($"message '{messageId}' is not a card message (or was recalled)");
        }

        if (message.Sender.Id != app.AppId)
        {
            throw new ApiErrorException(400, CardKitCodes.NotSendable, "only cards sent by the calling app can be converted to card entities");
        }

        lock (_gate)
        {
            if (_byMessage.TryGetValue(messageId, out var existing))
            {
                return existing;
            }

            var card = CardJson.ParseObject(message.SendContent, "the message's card");
            var json = CardJson.Check(card);
            var now = Now();
            var streaming = CardJson.StreamingMode(card);
            var entity = new CardEntity(NewCardId(), app.AppId, json, message.CreateTimeMs)
            {
                Streaming = streaming,
                StreamingSinceMs = streaming ? now : null,
                SendClaimed = true,
                MessageId = messageId,
            };
            _cards[entity.CardId] = Logged(entity, "id_convert", null, null, "applied", 0, null, null);
            _byMessage[messageId] = entity.CardId;
            _state.Revision.Advance();
            return entity.CardId;
        }
    }

    // ---- updates --------------------------------------------------------------------------------

    /// <summary>
    /// Runs one CardKit update: the card's own checks in the documented order (card and owner, 14 days, rate, uuid,
    /// sequence, interaction in flight), then <paramref name="change"/> on a copy of the card, then the entity rules on
    /// the result. Every attempt is logged; a refusal changes nothing (and does not consume the sequence).
    /// </summary>
    public void Update(EmulatorApp app, string cardId, string kind, int sequence, string? uuid, string? elementId, Func<JsonObject, CardEntity, CardChange> change)
    {
        if (sequence < 1)
        {
            throw CardJson.Invalid("sequence must be an integer from 1 to 2147483647");
        }

        if (uuid is { Length: 0 or > MaxUuidLength })
        {
            throw CardJson.Invalid($"uuid must be 1 to {MaxUuidLength} characters");
        }

        lock (_gate)
        {
            var card = RequireCard(cardId);
            if (card.AppId != app.AppId)
            {
                throw new ApiErrorException(400, CardKitCodes.NotSendable, $"card '{cardId}' was created by another app; only the app that created a card entity can update it");
            }

            var now = Now();
            if (Expired(card, now))
            {
                throw Refuse(card, kind, sequence, uuid, elementId, new ApiErrorException(400, CardKitCodes.CardExpired, $"card '{cardId}' is older than 14 days and can no longer be updated"));
            }

            card = CloseIfTimedOut(card, now);
            var perSecond = _options.CardKitOperationsPerSecond;
            if (_options.EnforceRateLimits && perSecond > 0 && _limiter.TryAcquire("cardkit|" + cardId, [new RateWindow(perSecond, 1)]) is { } rejection)
            {
                _counters = _counters with { RateLimited = _counters.RateLimited + 1 };
                var limited = Platform.OpenApiGateMiddleware.RateLimited(rejection.Limit, rejection.ResetSeconds);
                throw Refuse(card, kind, sequence, uuid, elementId, new ApiErrorException(limited.HttpStatus, limited.Code, $"request trigger frequency limit: at most {perSecond} operations a second on one card entity")
                {
                    Headers = limited.Headers,
                });
            }

            if (uuid is not null && card.Uuids.Contains(uuid, StringComparer.Ordinal))
            {
                _cards[cardId] = Logged(card, kind, sequence, uuid, "duplicate", 0, "uuid seen before: not applied again", elementId);
                _counters = _counters with { Operations = _counters.Operations + 1 };
                return;
            }

            if (card.LastSequence is { } last && sequence <= last)
            {
                _counters = _counters with { SequenceRefusals = _counters.SequenceRefusals + 1 };
                LogSequenceRefused(_logger, cardId, kind, sequence, last);
                throw Refuse(card, kind, sequence, uuid, elementId, new ApiErrorException(400, CardKitCodes.SequenceNotIncreasing,
                    $"sequence number compare failed: {sequence} is not greater than {last}, the last sequence card '{cardId}' accepted; sequences must strictly increase per card across all CardKit operations"));
            }

            var streaming = card.Streaming;
            if (streaming && kind != "settings" && card.MessageId is { } messageId && _interactions.InFlight(messageId))
            {
                _counters = _counters with { InteractionRefusals = _counters.InteractionRefusals + 1 };
                throw Refuse(card, kind, sequence, uuid, elementId, new ApiErrorException(400, CardKitCodes.InteractionInProgress,
                    "a user's interaction with this streaming card is being answered; the card cannot be updated until the callback is answered (close streaming mode first to answer callbacks)"));
            }

            var copy = CardJson.ParseObject(card.CardJson, "card");
            string json;
            CardChange result;
            try
            {
                result = change(copy, card);
                json = CardJson.Check(copy);
                Render(card.AppId, json);
            }
            catch (ApiErrorException e)
            {
                if (e.Code is CardKitCodes.StreamingClosed or CardKitCodes.StreamingTimeout)
                {
                    _counters = _counters with { StreamingRefusals = _counters.StreamingRefusals + 1 };
                }

                throw Refuse(card, kind, sequence, uuid, elementId, e);
            }

            var nowStreaming = CardJson.StreamingMode(copy);
            var switchedOn = nowStreaming && (!streaming || result.SwitchesStreamingOn);
            var updated = card with
            {
                CardJson = json,
                LastSequence = sequence,
                Streaming = nowStreaming,
                StreamingSinceMs = switchedOn ? now : nowStreaming ? card.StreamingSinceMs : null,
                StreamingTimedOut = !nowStreaming && card.StreamingTimedOut,
                Uuids = uuid is null ? card.Uuids : [.. card.Uuids.Skip(Math.Max(0, card.Uuids.Count - MaxRememberedUuids + 1)), uuid],
            };
            updated = Logged(updated, kind, sequence, uuid, "applied", 0, null, elementId);
            if (result.Typing is not null)
            {
                updated = updated with { Operations = [.. updated.Operations.SkipLast(1), updated.Operations[^1] with { Typing = result.Typing, TypedChars = result.TypedChars, Text = result.Text }] };
            }

            _cards[cardId] = updated;
            _counters = _counters with { Operations = _counters.Operations + 1, Applied = _counters.Applied + 1 };
            SyncMessage(updated);
            _state.Revision.Advance();
        }
    }

    /// <summary>
    /// The streaming text rule: the element must be plain_text or markdown; the card must be streaming (300309, or 200850
    /// once streaming closed itself). Old text a prefix of the new: only the delta is typed; otherwise the text is replaced.
    /// </summary>
    public static CardChange StreamText(JsonObject card, CardEntity entity, string elementId, string text)
    {
        if (!entity.Streaming)
        {
            throw entity.StreamingTimedOut
                ? new ApiErrorException(400, CardKitCodes.StreamingTimeout, "card streaming timeout: streaming mode closed itself 10 minutes after it was switched on; switch it on again with the settings API (config.streaming_mode: true)")
                : new ApiErrorException(400, CardKitCodes.StreamingClosed, "the card is not in streaming mode; switch it on with the settings API (config.streaming_mode: true) before streaming text");
        }

        var element = CardJson.Require(card, elementId).Element;
        var tag = element["tag"]?.GetValue<string>();
        if (tag is not ("plain_text" or "markdown"))
        {
            throw CardJson.Invalid($"element '{elementId}' is a '{tag}'; streaming text goes to a plain_text or markdown element");
        }

        var old = element["content"] is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : string.Empty;
        element["content"] = text;
        return text.StartsWith(old, StringComparison.Ordinal)
            ? new CardChange("append", text.Length - old.Length, Text: text)
            : new CardChange("replace", text.Length, Text: text);
    }

    // ---- internals ------------------------------------------------------------------------------

    private void Forget(long now)
    {
        foreach (var old in _cards.Values.Where(c => now - c.CreateTimeMs > (long)ForgetAfter.TotalMilliseconds).ToList())
        {
            _cards.Remove(old.CardId);
            if (old.MessageId is { } messageId)
            {
                _byMessage.Remove(messageId);
            }
        }
    }

    private CardEntity RequireCard(string cardId) =>
        _cards.TryGetValue(cardId, out var card) ? card : throw CardJson.Invalid($"card_id '{cardId}' does not exist (create the card entity first)");

    /// <summary>The card as of now: a streaming mode past its time is closed (and logged) first.</summary>
    private CardEntity Current(CardEntity card) => CloseIfTimedOut(card, Now());

    private CardEntity CloseIfTimedOut(CardEntity card, long now)
    {
        if (!TimedOut(card, now))
        {
            return card;
        }

        var json = CardJson.ParseObject(card.CardJson, "card");
        CardJson.SetStreamingMode(json, false);
        var closed = Logged(card with { CardJson = CardJson.Check(json), Streaming = false, StreamingSinceMs = null, StreamingTimedOut = true },
            "auto_close", null, null, "auto_closed", 0, "streaming mode closed itself " + _options.CardKitStreamingTimeout.TotalMinutes + " minutes after it was switched on", null);
        _cards[card.CardId] = closed;
        _counters = _counters with { AutoClosed = _counters.AutoClosed + 1 };
        LogAutoClosed(_logger, card.CardId, card.AppId, _options.CardKitStreamingTimeout);
        SyncMessage(closed);
        _state.Revision.Advance();
        return closed;
    }

    private bool TimedOut(CardEntity card, long now) =>
        card.Streaming && card.StreamingSinceMs is { } since && now - since >= (long)_options.CardKitStreamingTimeout.TotalMilliseconds;

    private static bool Expired(CardEntity card, long now) => now - card.CreateTimeMs > (long)Lifetime.TotalMilliseconds;

    private ApiErrorException Refuse(CardEntity card, string kind, int sequence, string? uuid, string? elementId, ApiErrorException error)
    {
        _cards[card.CardId] = Logged(card, kind, sequence, uuid, "refused", error.Code, error.Message, elementId);
        _counters = _counters with { Operations = _counters.Operations + 1 };
        _refusalsByCode[error.Code] = _refusalsByCode.GetValueOrDefault(error.Code) + 1;
        _state.Revision.Advance();
        return error;
    }

    private CardEntity Logged(CardEntity card, string kind, int? sequence, string? uuid, string outcome, int code, string? error, string? elementId)
    {
        var index = card.Operations.Count == 0 ? 1 : card.Operations[^1].Index + 1;
        var entry = new CardOperation(index, kind, sequence, uuid, Now(), outcome, code, error) { ElementId = elementId };
        var operations = card.Operations.Count >= MaxLoggedOperations ? card.Operations.Skip(card.Operations.Count - MaxLoggedOperations + 1) : card.Operations;
        return card with { Operations = [.. operations, entry] };
    }

    /// <summary>The message showing the card shows its current JSON (the chat view, message reads, callbacks).</summary>
    private void SyncMessage(CardEntity card)
    {
        if (card.MessageId is not { } messageId || _state.FindMessage(messageId) is not { Deleted: false })
        {
            return;
        }

        var parsed = Render(card.AppId, card.CardJson);
        _state.UpdateMessage(messageId, m => m.Deleted ? m : m with
        {
            Content = parsed.ReadContent,
            SendContent = parsed.SendContent,
            Mentions = parsed.Mentions,
            ResourceKeys = parsed.ResourceKeys,
            UpdateTimeMs = _state.NowMs(),
        });
    }

    /// <summary>The card as a message would hold it; content the IM rules refuse (an unknown image key) is refused here too.</summary>
    private ParsedContent Render(string appId, string json)
    {
        try
        {
            return _content.Parse("interactive", json, appId, appId);
        }
        catch (ContentException e)
        {
            throw CardJson.Invalid(e.Message);
        }
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Card ids are 19-digit numbers in Feishu's examples ("7355372766134157313").</summary>
    private static string NewCardId() => "7" + string.Concat(Enumerable.Range(0, 18).Select(_ => (char)('0' + System.Security.Cryptography.RandomNumberGenerator.GetInt32(10))));

    [LoggerMessage(EventId = LogEvents.CardKitStreamingAutoClosed, Level = LogLevel.Information, Message = "CardKit card {CardId} (app {AppId}) was left in streaming mode: it closed itself {Timeout} after it was switched on")]
    private static partial void LogAutoClosed(ILogger logger, string cardId, string appId, TimeSpan timeout);

    [LoggerMessage(EventId = LogEvents.CardKitSequenceRefused, Level = LogLevel.Information, Message = "CardKit {Kind} on card {CardId} refused with 300317: sequence {Sequence} is not greater than {Last}")]
    private static partial void LogSequenceRefused(ILogger logger, string cardId, string kind, int sequence, int last);
}
