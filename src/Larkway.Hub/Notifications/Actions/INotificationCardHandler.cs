using System.Text.Json.Nodes;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Hub.Bots;

namespace Larkway.Hub.Notifications.Actions;

/// <summary>
/// A click on a notification card that the Hub itself acts on (decide an approval task, open an approval) rather than
/// answering from the type's toast and after-card. The click is recorded on the notification and forwarded to webhooks
/// as any other; a handler only decides the answer. Registered explicitly, asked in registration order.
/// </summary>
internal interface INotificationCardHandler
{
    /// <summary>Whether this handler answers the click (by the notification's type, the action or its definition).</summary>
    bool Handles(NotificationCardClick click);

    /// <summary>
    /// The answer, within Feishu's 3 s: a toast and/or a new card. Never throws for Feishu's or the user's mistakes — the
    /// user always gets a toast.
    /// </summary>
    Task<CardActionResponse> HandleAsync(NotificationCardClick click, CancellationToken cancellationToken);
}

/// <summary>One click on a notification card, with what the Hub knows about it.</summary>
/// <param name="Notification">The notification whose card was clicked.</param>
/// <param name="Context">The callback (operator, message, value).</param>
/// <param name="Action">The type's definition of the action, if the type declares it.</param>
/// <param name="Form">The values sent with the click.</param>
internal sealed record NotificationCardClick(NotificationRow Notification, BotCardContext Context, NotificationTypeAction? Action, JsonObject Form)
{
    /// <summary>Who clicked (their open_id), or empty.</summary>
    public string OperatorOpenId => Context.OperatorOpenId ?? "";

    /// <summary>A string field of the clicked component's value, or null.</summary>
    public string? Value(string name) =>
        Context.Event.Action.Value is { ValueKind: System.Text.Json.JsonValueKind.Object } v && v.TryGetProperty(name, out var field)
            && field.ValueKind == System.Text.Json.JsonValueKind.String ? field.GetString() : null;
}
