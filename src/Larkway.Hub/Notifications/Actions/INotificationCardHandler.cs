using System.Text.Json.Nodes;
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
    /// The answer, within the platform's deadline (Feishu's 3 s): a toast and/or a new card. Never throws for the
    /// platform's or the user's mistakes — the user always gets a toast.
    /// </summary>
    Task<CardClickAnswer> HandleAsync(NotificationCardClick click, CancellationToken cancellationToken);
}

/// <summary>One click on a notification card, with what the Hub knows about it.</summary>
/// <param name="Notification">The notification whose card was clicked.</param>
/// <param name="Context">The callback (operator, message, value).</param>
/// <param name="Action">The type's definition of the action, if the type declares it.</param>
/// <param name="Form">The values sent with the click.</param>
internal sealed record NotificationCardClick(NotificationRow Notification, BotCardContext Context, NotificationTypeAction? Action, JsonObject Form)
{
    /// <summary>Who clicked, by the platform's own id (an open_id on Feishu), or empty.</summary>
    public string OperatorId => Context.OperatorId ?? "";

    /// <summary>A string field of the clicked component's value, or null.</summary>
    public string? Value(string name) => Context.ValueOf(name);
}
