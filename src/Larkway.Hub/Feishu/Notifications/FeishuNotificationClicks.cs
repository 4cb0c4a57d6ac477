using System.Text.Json.Nodes;
using Larkway.Feishu.Events.Dispatch;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Hub.Bots;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Actions;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Observability;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu.Notifications;

/// <summary>
/// A notification card's button pressed on Feishu (<c>card.action.trigger</c>, its value carrying
/// <see cref="NotificationCardReference"/>): the click must come through the app that sent the card, on a message the Hub
/// sent for the notification, from its recipient (<see cref="FeishuNotificationClickers"/>); then it enters the one click
/// entry (<see cref="NotificationCardActions.HandleReadClickAsync"/>), where it is recorded once per callback and a delivery
/// decided once, and is answered here in Feishu's form: a handler's answer (an approval's buttons), else the action's
/// toast and after-card. The signature was checked by the receiver; the inbox deduplicated the callback and forwards it
/// to webhook subscribers as <c>card.action.trigger</c>. Never throws for bad data: the user always gets a toast.
/// </summary>
internal sealed partial class FeishuNotificationClicks(
    NotificationStore store,
    NotificationCardActions entry,
    IEnumerable<INotificationCardHandler> handlers,
    FeishuNotificationClickers clickers,
    TimeProvider time,
    CardTelemetry cards,
    ILogger<FeishuNotificationClicks> logger) : IBotCardClaim
{
    private const int ClickRaceChecks = 8;

    private static readonly TimeSpan ClickRaceInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Whether a click is on a notification card.</summary>
    public bool Claims(BotCardContext click) => NotificationCardReference.Read(click?.Value) is not null;

    public async Task<CardClickAnswer?> HandleAsync(BotCardContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (id, _) = NotificationCardReference.Read(context.Value)!.Value;
        var found = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        // Only the app that sent the card may answer for it: another app's callback carrying the reference is refused.
        if (found is not { } f || !SameApp(f.Notification.App, context.App))
        {
            return CardClickAnswer.WithToast(CardToastKind.Info, "This notification is no longer on record, so the button does nothing now.");
        }

        var notification = f.Notification;
        var (clicked, refused) = await CheckAsync(context, notification, f.Deliveries, cancellationToken).ConfigureAwait(false);
        if (clicked is null)
        {
            return refused;
        }

        var action = await entry.ActionOfAsync(notification, context.Action, cancellationToken).ConfigureAwait(false);
        var form = context.Form;
        var click = new NotificationCardClick(notification, context, action, form);
        var handler = handlers.FirstOrDefault(h => h.Handles(click));
        var answer = await entry.HandleReadClickAsync(
            new NotificationClick(Apps.HubAppPlatform.Feishu, context.App, context.OperatorId ?? "", id, clicked.Id, context.Action, context.ClickId)
            {
                Form = form,
                OpenId = context.OperatorId,
                RoomActs = handler is not null,
                // Feishu's callback itself reaches the webhooks as card.action.trigger, fanned out by the inbox.
                ForwardsPlatformEvent = false,
            },
            notification, clicked, action, cancellationToken).ConfigureAwait(false);

        if (!answer.Ok || answer.AlreadyDecided)
        {
            return CardClickAnswer.WithToast(CardToastKind.Info, answer.Message);
        }

        if (handler is not null)
        {
            return await handler.HandleAsync(click, cancellationToken).ConfigureAwait(false);
        }

        return answer.Action is { } defined
            ? AfterCard(notification, defined, context.Operator, form)
            // Forwarded to the business system all the same; the user learns the click arrived.
            : CardClickAnswer.WithToast(CardToastKind.Info, answer.Message);
    }

    /// <summary>The action's toast and after-card, rendered with the notification's data, who clicked and what they sent.</summary>
    private CardClickAnswer AfterCard(NotificationRow notification, NotificationTypeAction action, CardClickOperator? clicker, JsonObject form)
    {
        try
        {
            var values = NotificationTypeAction.Context(notification.Data, action.Name, clicker, form);
            var (response, cardProblems) = action.Answer(values, notification.Id, notification.Type);
            if (action.Card is not null)
            {
                cards.Rendered(CardTelemetry.NotificationAction, ok: cardProblems.Count == 0);
            }

            if (cardProblems.Count > 0)
            {
                LogAfterCardInvalid(logger, notification.Type, action.Name, notification.Id, string.Join("; ", cardProblems));
            }

            return response.Toast is null && response.PlatformCard is null
                ? CardClickAnswer.WithToast(CardToastKind.Success, "Done.")
                : response;
        }
        catch (CardTemplateException ex)
        {
            cards.Rendered(CardTelemetry.NotificationAction, ok: false);
            LogAfterCardInvalid(logger, notification.Type, action.Name, notification.Id, ex.Message);
            return CardClickAnswer.WithToast(CardToastKind.Success, "Received.");
        }
    }

    /// <summary>
    /// The delivery whose message was clicked, when the click may act on the notification; else a toast saying why not
    /// (nothing is recorded): not on a message the Hub sent for it, or not by its recipient.
    /// </summary>
    private async Task<(NotificationDeliveryRow? Clicked, CardClickAnswer? Refused)> CheckAsync(
        BotCardContext context, NotificationRow notification, IReadOnlyList<NotificationDeliveryRow> deliveries, CancellationToken cancellationToken)
    {
        var delivery = FeishuNotificationClickers.Clicked(deliveries, context.MessageId);

        // A card can be clicked the moment Feishu shows it, before the sender has saved its message id: while a delivery
        // has no message id yet, look again for a moment before calling the message a stranger.
        for (var wait = 0; delivery is null && wait < ClickRaceChecks && deliveries.Any(d => d.MessageId is null && d.State != Larkway.Hub.Platform.Queue.WorkState.DeadLetter); wait++)
        {
            await Task.Delay(ClickRaceInterval, time, cancellationToken).ConfigureAwait(false);
            deliveries = (await store.GetAsync(notification.Id, cancellationToken).ConfigureAwait(false))?.Deliveries ?? deliveries;
            delivery = FeishuNotificationClickers.Clicked(deliveries, context.MessageId);
        }

        if (delivery is null)
        {
            LogClickRefused(logger, notification.Id, context.OperatorId, "the clicked message is not one the Hub sent for it");
            return (null, CardClickAnswer.WithToast(CardToastKind.Info, "This card was not sent by the Hub for this notification, so its buttons do nothing."));
        }

        try
        {
            if (await clickers.IsRecipientAsync(notification.App ?? "", delivery, context.Operator, cancellationToken).ConfigureAwait(false))
            {
                return (delivery, null);
            }
        }
        catch (Larkway.Feishu.FeishuApiException ex)
        {
            LogClickRefused(logger, notification.Id, context.OperatorId, $"Feishu could not confirm the recipient ({ex.Code})");
            return (null, CardClickAnswer.WithToast(CardToastKind.Warning, "Could not confirm that this card was sent to you. Try again in a moment."));
        }

        LogClickRefused(logger, notification.Id, context.OperatorId, "the clicker is not its recipient");
        return (null, CardClickAnswer.WithToast(CardToastKind.Warning, "Only the people this notification was sent to can use its buttons."));
    }

    private static bool SameApp(string? notificationApp, string clickApp) =>
        string.Equals(
            Apps.HubAppRegistry.IsDefault(notificationApp ?? "") ? "" : notificationApp,
            Apps.HubAppService.NameInStore(clickApp),
            StringComparison.Ordinal);

    [LoggerMessage(EventId = LogEvents.FeishuNotificationClicksRefused, Level = LogLevel.Warning, Message = "A click on notification {NotificationId}'s card by {OperatorOpenId} was refused: {Reason}.")]
    private static partial void LogClickRefused(ILogger logger, string notificationId, string? operatorOpenId, string reason);

    [LoggerMessage(EventId = LogEvents.FeishuNotificationClicksAfterCardInvalid, Level = LogLevel.Warning, Message = "Notification type '{Type}', action '{Action}' (notification {NotificationId}): the after-card did not render into a valid card ({Problems}); answered without it.")]
    private static partial void LogAfterCardInvalid(ILogger logger, string type, string action, string notificationId, string problems);
}
