using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Channels.Messages;

namespace Larkway.Hub.Bots;

/// <summary>Answers a card click within the platform's deadline (Feishu's 3 s): a toast, a new card, both, or null to leave the card as it is.</summary>
public delegate Task<CardClickAnswer?> BotCardHandler(BotCardContext context, CancellationToken cancellationToken);

/// <summary>
/// A click on one of the bot's cards, as the platform's door read it: the same shape on every platform, so a handler
/// never reads a platform's callback.
/// </summary>
/// <param name="App">The app name.</param>
/// <param name="Platform">The platform clicked on.</param>
/// <param name="Action">The action name: the <see cref="BotCardActions.ActionField"/> field of the element's value.</param>
public sealed record BotCardContext(string App, ChannelPlatform Platform, string Action)
{
    /// <summary>The callback's event id, which a redelivery repeats; null where the platform's callback has none.</summary>
    public string? EventId { get; init; }

    /// <summary>
    /// The platform's own identity of this press, the same when the platform delivers it again (the event id, else what
    /// the callback says uniquely); never a credential.
    /// </summary>
    public required string ClickId { get; init; }

    /// <summary>Who clicked, by the platform's ids; null when the callback does not say.</summary>
    public CardClickOperator? Operator { get; init; }

    /// <summary>Who clicked, by the platform's own id of the account (an open_id on Feishu), or null.</summary>
    public string? OperatorId => Operator?.Id is { Length: > 0 } id ? id : null;

    /// <summary>The clicked message, or null.</summary>
    public string? MessageId { get; init; }

    /// <summary>The conversation of the clicked message, or null.</summary>
    public string? ChatId { get; init; }

    /// <summary>The element's value object (undefined when it had none).</summary>
    public JsonElement Value { get; init; }

    /// <summary>
    /// Where an answer the click asks for goes, when the click's conversation alone does not say it: the platform's reply
    /// payload, as a message's (a WeCom AI bot's id, so a Regenerate under its answer is answered by the bot). Null for most.
    /// </summary>
    public string? ReplyContext { get; init; }

    /// <summary>What the click sent besides its value (a form's inputs by name, a picked option); empty when nothing.</summary>
    public JsonObject Form { get; init; } = [];

    /// <summary>A string field of <see cref="Value"/>.</summary>
    public string? ValueOf(string name) =>
        Value.ValueKind == JsonValueKind.Object && Value.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The action named by a card element's value (its <see cref="BotCardActions.ActionField"/>), or empty.</summary>
    public static string ActionOf(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty(BotCardActions.ActionField, out var a) && a.ValueKind == JsonValueKind.String
            ? a.GetString()!
            : "";
}

/// <summary>
/// Who clicked, by the platform's ids: <paramref name="Id"/> is the account's id as the platform addresses it in the app
/// (an open_id on Feishu, a userid on DingTalk and WeCom); the others where the platform gives them.
/// </summary>
public sealed record CardClickOperator(string Id, string? UserId = null, string? UnionId = null);

/// <summary>How a toast looks.</summary>
public enum CardToastKind
{
    Info,
    Success,
    Warning,
    Error,
}

/// <summary>A short message shown to whoever clicked.</summary>
public sealed record CardToast(CardToastKind Kind, string Text)
{
    /// <summary>A kind by its name in a notification type's definition (<c>info</c>, <c>success</c>, <c>warning</c>, <c>error</c>); info otherwise.</summary>
    public static CardToastKind KindOf(string? name) => name switch
    {
        "success" => CardToastKind.Success,
        "warning" => CardToastKind.Warning,
        "error" => CardToastKind.Error,
        _ => CardToastKind.Info,
    };
}

/// <summary>
/// The answer to a card click in no platform's form, rendered by the clicked platform's room: a toast, a card that
/// replaces the clicked one, both, or neither. The card is either a reply in the Hub's model (<see cref="Card"/>, which
/// every platform renders) or a card already in the clicked platform's own JSON (<see cref="PlatformCard"/>: a notification
/// type's after-card or an approval card, written as the platform's card).
/// </summary>
public sealed record CardClickAnswer
{
    /// <summary>Nothing to show: the card stays as it is.</summary>
    public static CardClickAnswer None { get; } = new();

    public CardToast? Toast { get; init; }

    /// <summary>A card in the Hub's reply model that replaces the clicked card.</summary>
    public CardReply? Card { get; init; }

    /// <summary>A card in the clicked platform's own JSON that replaces the clicked card.</summary>
    public JsonElement? PlatformCard { get; init; }

    /// <summary>A toast alone.</summary>
    public static CardClickAnswer WithToast(CardToastKind kind, string text) => new() { Toast = new CardToast(kind, text) };

    /// <summary>This answer, replacing the clicked card with <paramref name="card"/>.</summary>
    public CardClickAnswer AndCard(CardReply card) => this with { Card = card, PlatformCard = null };

    /// <summary>This answer, replacing the clicked card with <paramref name="card"/>, already in the platform's JSON.</summary>
    public CardClickAnswer AndPlatformCard(JsonElement card) => this with { PlatformCard = card, Card = null };
}

/// <summary>
/// A handler that takes every card click it claims, whatever the action name, before the bot's named actions: a
/// platform's room registers one for the clicks it answers itself (Feishu's notification cards, whose values carry the
/// Hub's reference).
/// </summary>
public interface IBotCardClaim
{
    /// <summary>Whether this handler takes <paramref name="click"/>.</summary>
    bool Claims(BotCardContext click);

    /// <summary>The answer to a claimed click.</summary>
    Task<CardClickAnswer?> HandleAsync(BotCardContext click, CancellationToken cancellationToken);
}

/// <summary>
/// Card-click handlers by action name, for every platform's clicks. A card element opts in with
/// <c>"value":{"action":"name",…}</c>; registration is explicit and done at start.
/// </summary>
/// <remarks>
/// The platform's door checked the callback's signature, nothing more: a named handler is not told whether the bot sent
/// the clicked message or to whom (an old-style Feishu callback can be signed with the verification token alone). The
/// samples only answer the caller; a handler that acts for the operator must check the message and operator itself, as
/// notification cards do (their clicks are claimed first and go through the notification click gate).
/// </remarks>
public sealed class BotCardActions
{
    /// <summary>
    /// The field of an element's value that names its action: the reply model's callback key, under which a
    /// <see cref="ReplyButton"/> carries its value.
    /// </summary>
    public const string ActionField = ReplyButton.CallbackValueKey;

    private readonly Dictionary<string, BotCardHandler> _handlers = new(StringComparer.Ordinal);
    private readonly List<(Func<BotCardContext, bool> Claims, BotCardHandler Handler)> _claims = [];

    /// <summary>
    /// A handler for every click it claims, whatever the action name: checked before the named actions, in the order added.
    /// Notification cards are claimed this way (their values carry the Hub's reference).
    /// </summary>
    public BotCardActions Claim(Func<BotCardContext, bool> claims, BotCardHandler handler)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(handler);
        _claims.Add((claims, handler));
        return this;
    }

    /// <summary>Each of <paramref name="claims"/> takes the clicks it claims (<see cref="Claim(Func{BotCardContext, bool}, BotCardHandler)"/>), in order.</summary>
    public BotCardActions Claim(IEnumerable<IBotCardClaim> claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        foreach (var claim in claims)
        {
            Claim(claim.Claims, claim.HandleAsync);
        }

        return this;
    }

    /// <summary>The handler for a click: the first claiming one, else the one registered for its action name.</summary>
    public bool TryGet(BotCardContext click, out BotCardHandler handler)
    {
        ArgumentNullException.ThrowIfNull(click);
        foreach (var (claims, claimed) in _claims)
        {
            if (claims(click))
            {
                handler = claimed;
                return true;
            }
        }

        return TryGet(click.Action, out handler);
    }

    public BotCardActions Add(string action, BotCardHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentNullException.ThrowIfNull(handler);
        if (!_handlers.TryAdd(action, handler))
        {
            throw new InvalidOperationException($"The card action '{action}' is already registered.");
        }

        return this;
    }

    public bool TryGet(string action, out BotCardHandler handler) => _handlers.TryGetValue(action, out handler!);
}
