using Larkway.Hub.Notifications;
using System.Text.Json;
using Larkway.Hub.Notifications.Actions;
using Larkway.Hub.Platform;
using Larkway.Hub.WeCom;
using Larkway.WeCom;
using Larkway.WeCom.Messages;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.WeCom.Notifications;

/// <summary>
/// A notification's template card button pressed on WeCom (<c>template_card_event</c>, stored by the inbox): the card's
/// task_id names the notification and delivery (<see cref="WeComNotificationSender.TaskIdOf"/>), the EventKey the button
/// (<see cref="WeComCardRenderer.KeyOf"/>). The click must come from the app that sent it and from the delivery's member;
/// then it reaches the type's action and the business webhooks as a Feishu click does
/// (<see cref="NotificationCardActions.HandleClickAsync"/>, once per task_id and key), and the member's card is
/// updated with the callback's own response_code: its buttons become one disabled button reading the decision, as
/// Feishu's card shows it. A forged or unknown task_id, or a click by someone else, is refused quietly and logged.
/// </summary>
internal sealed partial class WeComCardClicks(
    NotificationStore store,
    NotificationCardActions actions,
    HubWeComClients clients,
    ILogger<WeComCardClicks> logger)
{
    /// <summary>Whether a stored template_card_event is a notification card's (its task_id is one the Hub makes).</summary>
    public static bool Claims(JsonElement root) => WeComNotificationSender.ReadTaskId(WeComCallbackJson.Str(root, "TaskId")) is not null;

    /// <summary>Handles one click; throws (to have the inbox retry) only when WeCom could not be reached.</summary>
    public async Task HandleAsync(string appName, JsonElement root, CancellationToken cancellationToken)
    {
        var taskId = WeComCallbackJson.Str(root, "TaskId");
        var eventKey = WeComCallbackJson.Str(root, "EventKey");
        var clicker = WeComCallbackJson.Str(root, "FromUserName");
        if (WeComNotificationSender.ReadTaskId(taskId) is not { } card || WeComCardRenderer.ReadKey(eventKey) is not { } button || string.IsNullOrEmpty(clicker))
        {
            LogRefused(logger, appName, Safe(taskId), "the task_id or the button key is not one the Hub makes");
            return;
        }

        var found = await store.GetAsync(card.NotificationId, cancellationToken).ConfigureAwait(false);
        var delivery = found?.Deliveries.FirstOrDefault(d => d.Id == card.DeliveryId);
        if (found is not { } f || delivery is null || !string.Equals(delivery.App ?? f.Notification.App, appName, StringComparison.Ordinal)
            || !WeComNotificationSender.IsRecipient(delivery.RecipientType) || !IsOf(taskId!, f.Notification, delivery))
        {
            LogRefused(logger, appName, Safe(taskId), "no WeCom delivery of this app has that card");
            return;
        }

        var client = await clients.GetAsync(appName, cancellationToken).ConfigureAwait(false);
        string member;
        try
        {
            member = await WeComNotificationSender.UserIdAsync(client, delivery, cancellationToken).ConfigureAwait(false);
        }
        catch (RecipientNotFoundException)
        {
            LogRefused(logger, appName, Safe(taskId), "its recipient is no longer found on WeCom");
            return;
        }

        // WeCom userids are case-insensitive (it lower-cases them in its answers).
        if (!string.Equals(member, clicker, StringComparison.OrdinalIgnoreCase))
        {
            LogRefused(logger, appName, Safe(taskId), "the clicker is not its recipient");
            return;
        }

        // The card's task_id and the button's key are WeCom's identity of the press: a re-delivered event records nothing new.
        var click = new NotificationClick(Apps.HubAppPlatform.WeCom, appName, clicker, f.Notification.Id, delivery.Id, button.Action, $"{taskId}/{eventKey}");
        var (ok, message, decision) = await actions.HandleClickAsync(click, cancellationToken).ConfigureAwait(false);
        // A click refused because another button decided first still turns the card's buttons into the decision that stands.
        if ((!ok && decision is null) || WeComCallbackJson.Str(root, "ResponseCode") is not { Length: > 0 } responseCode)
        {
            return;
        }

        try
        {
            await client.Messages.UpdateTemplateCardButtonAsync(responseCode, ReplaceName(decision, message), WeComRecipients.ToUsers(clicker), cancellationToken).ConfigureAwait(false);
        }
        catch (WeComApiException ex) when (!ex.IsTransient)
        {
            // A response_code works once: a re-delivered click finds it used. The click itself is recorded.
            LogUpdateFailed(logger, appName, f.Notification.Id, ex.Code);
        }
    }

    /// <summary>What the disabled button reads: the decision ("Approved"), else the answer, within a button's recommended length.</summary>
    internal static string ReplaceName(string? decision, string message)
    {
        var text = decision is { Length: > 0 } d ? char.ToUpperInvariant(d[0]) + d[1..] : message.TrimEnd('.');
        return WeComMessageLimits.Shorten(text.Length == 0 ? "Done" : text, WeComMessageLimits.ButtonTextChars);
    }

    /// <summary>A task_id the Hub made for this delivery, of this or an earlier version of the notification.</summary>
    private static bool IsOf(string taskId, NotificationRow notification, NotificationDeliveryRow delivery) =>
        taskId.StartsWith($"{notification.Id}@{delivery.Id}@", StringComparison.Ordinal);

    /// <summary>A task_id for the log: the Hub's own shape is safe to show; anything else only by its length.</summary>
    private static string Safe(string? taskId) =>
        taskId is { Length: <= WeComMessageLimits.TaskIdBytes } t && t.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '@') ? t : $"({taskId?.Length ?? 0} characters)";

    [LoggerMessage(EventId = LogEvents.WeComCardClickRefused, Level = LogLevel.Warning, Message = "A WeCom card click for app {App} (task_id {TaskId}) was refused: {Reason}.")]
    private static partial void LogRefused(ILogger logger, string app, string taskId, string reason);

    [LoggerMessage(EventId = LogEvents.WeComCardUpdateFailed, Level = LogLevel.Warning, Message = "A WeCom card of notification {NotificationId} (app {App}) could not be updated after its click: WeCom answered {Code}.")]
    private static partial void LogUpdateFailed(ILogger logger, string app, string notificationId, string code);
}
