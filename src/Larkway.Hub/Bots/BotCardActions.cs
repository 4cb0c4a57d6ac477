using System.Text.Json;
using Larkway.Feishu.Events.Models.Cards;

namespace Larkway.Hub.Bots;

/// <summary>Answers a card click within Feishu's 3 s: a toast, a new card, both, or null to leave the card as it is.</summary>
public delegate Task<CardActionResponse?> BotCardHandler(BotCardContext context, CancellationToken cancellationToken);

/// <summary>A click on one of the bot's cards.</summary>
/// <param name="App">The app name.</param>
/// <param name="Event">The <c>card.action.trigger</c> callback.</param>
/// <param name="Action">The action name: the <c>action</c> field of the element's <c>value</c>.</param>
public sealed record BotCardContext(string App, CardActionTriggerEvent Event, string Action)
{
    /// <summary>The callback's event id (v2 callbacks), which a redelivery repeats; null for old-style callbacks.</summary>
    public string? EventId { get; init; }

    public string? OperatorOpenId => Event.Operator?.OpenId;

    public string? MessageId => Event.Context?.OpenMessageId;

    public string? ChatId => Event.Context?.OpenChatId;

    /// <summary>The element's <c>value</c> object (empty when it had none).</summary>
    public JsonElement Value => Event.Action.Value ?? default;

    /// <summary>A string field of <see cref="Value"/>.</summary>
    public string? ValueOf(string name) =>
        Value.ValueKind == JsonValueKind.Object && Value.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>
/// Card-click handlers by action name. A card element opts in with <c>"value":{"action":"name",…}</c>;
/// registration is explicit and done at start.
/// </summary>
/// <remarks>
/// The receiver checked the callback's signature, nothing more: a named handler is not told whether the bot sent the
/// clicked message or to whom (an old-style callback can be signed with the verification token alone). The samples
/// only answer the caller; a handler that acts for the operator must check the message and operator itself, as
/// notification cards do (their clicks are claimed first and go through the notification click gate).
/// </remarks>
public sealed class BotCardActions
{
    /// <summary>
    /// The field of an element's value that names its action: the reply model's callback key, under which a
    /// <see cref="Larkway.Channels.Messages.ReplyButton"/> rendered on Feishu carries its value.
    /// </summary>
    public const string ActionField = Larkway.Channels.Messages.ReplyButton.CallbackValueKey;

    private readonly Dictionary<string, BotCardHandler> _handlers = new(StringComparer.Ordinal);
    private readonly List<(Func<CardActionTriggerEvent, bool> Claims, BotCardHandler Handler)> _claims = [];

    /// <summary>
    /// A handler for every click it claims, whatever the action name: checked before the named actions, in the order added.
    /// Notification cards are claimed this way (their values carry the Hub's reference).
    /// </summary>
    public BotCardActions Claim(Func<CardActionTriggerEvent, bool> claims, BotCardHandler handler)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(handler);
        _claims.Add((claims, handler));
        return this;
    }

    /// <summary>The handler for a click: the first claiming one, else the one registered for its action name.</summary>
    public bool TryGet(CardActionTriggerEvent e, string action, out BotCardHandler handler)
    {
        foreach (var (claims, claimed) in _claims)
        {
            if (claims(e))
            {
                handler = claimed;
                return true;
            }
        }

        return TryGet(action, out handler);
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
