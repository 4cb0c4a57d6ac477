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
public sealed class BotCardActions
{
    /// <summary>The field of an element's value that names its action.</summary>
    public const string ActionField = "action";

    private readonly Dictionary<string, BotCardHandler> _handlers = new(StringComparer.Ordinal);

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
