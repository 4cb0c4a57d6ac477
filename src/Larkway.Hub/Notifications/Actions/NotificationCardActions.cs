using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Hub.Notifications.Types;

namespace Larkway.Hub.Notifications.Actions;

/// <summary>
/// The one entry of a click on a notification's button, on every platform (<see cref="HandleClickAsync"/>): the
/// platform's room reads and checks the click (the app, the delivery's own recipient) and answers the presser in its own
/// form; here the click is recorded once, a delivery decided once, and forwarded to business webhooks.
/// </summary>
internal sealed class NotificationCardActions(
    NotificationStore store,
    NotificationTypeStore types,
    NotificationOperators operators,
    TimeProvider time,
    Webhooks.WebhookStore? webhooks = null,
    IEnumerable<INotificationCardHandler>? handlers = null)
{
    /// <summary>The type's definition of <paramref name="action"/> on <paramref name="notification"/>, or null when the type declares none.</summary>
    public async Task<NotificationTypeAction?> ActionOfAsync(NotificationRow notification, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (string.IsNullOrEmpty(action))
        {
            return null;
        }

        var type = await types.GetAsync(notification.Type, cancellationToken).ConfigureAwait(false);
        return NotificationTypeAction.Find(type?.Actions ?? "{}", action);
    }

    /// <summary>
    /// The webhook event type of a click on a notification's button on any platform: one shape for Feishu, DingTalk and
    /// WeCom, so a business system that sends to people wherever they are hears their decisions in one place.
    /// </summary>
    public const string ActionEventType = "notification.action";

    /// <summary>The neutral event's id: one per recorded click.</summary>
    private static string ActionEventId(string notificationId, string eventKey)
    {
        var id = "ntfact_" + notificationId + "/" + eventKey;
        return id.Length <= 256 ? id : "ntfact_" + notificationId + "/sha256-" + Hash(eventKey);
    }

    /// <summary>
    /// The body of <see cref="ActionEventType"/>, in the Hub's envelope (<c>id</c>, <c>type</c>, <c>created_at</c>,
    /// <c>app</c>, <c>event</c>): who pressed what on which platform, the action's decision, the notification's data.
    /// </summary>
    private byte[] ActionPayload(string eventId, NotificationRow notification, string? app, string action, string? decision, JsonObject who,
        NotificationDeliveryRow? delivery, JsonObject form) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["id"] = eventId,
            ["type"] = ActionEventType,
            ["created_at"] = time.GetUtcNow().ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["app"] = Apps.HubAppService.NameOnWire(app ?? ""),
            ["notification"] = Reference(notification.Id, notification.Type, action),
            ["event"] = new JsonObject
            {
                ["notification_id"] = notification.Id,
                ["notification_type"] = notification.Type,
                ["action"] = action,
                ["decision"] = decision,
                ["operator"] = who.DeepClone(),
                ["recipient_type"] = delivery?.RecipientType,
                ["recipient"] = delivery?.Recipient,
                ["form"] = form.DeepClone(),
                ["data"] = notification.Data is null ? null : JsonNode.Parse(notification.Data),
            },
        });

    /// <summary>
    /// The notification a click was on, at the top of every click's webhook body on every platform (as Feishu's
    /// <c>card.action.trigger</c> carries it): its id, its type, the action pressed.
    /// </summary>
    private static JsonObject Reference(string id, string type, string action) => new()
    {
        ["id"] = id,
        ["type"] = type,
        ["action"] = action,
    };

    /// <summary>Who pressed, the same on every platform: the platform, its own id of the account, the directory person (null when unknown).</summary>
    private static JsonObject Operator(string platform, string userId, string? personId) => new()
    {
        ["platform"] = platform,
        ["user_id"] = userId,
        ["person_id"] = personId,
    };

    /// <summary>The webhook event type of a click that arrives through <see cref="HandleClickAsync"/>: <c>{platform}.notification.action</c>.</summary>
    public static string PlatformEventType(string platform) => platform + ".notification.action";

    /// <summary>
    /// The one entry for a click a platform's room has checked (the app, the delivery's own recipient): recorded once per
    /// notification and <see cref="NotificationClick.ClickId"/> with the action's decision and who pressed it (their
    /// directory person resolved however the recipient was addressed), forwarded in the same transaction to business
    /// webhooks of <see cref="ActionEventType"/> and (unless the room says its callback is forwarded already) of the
    /// platform's own <see cref="PlatformEventType"/>, and answered with the action's toast text and decision, the
    /// notification and the action's definition (for a room that answers with a card). A second decision of one delivery
    /// records nothing and is answered with the one that stands (<see cref="NotificationClickAnswer.AlreadyDecided"/>).
    /// A click the Hub itself acts on (an <see cref="INotificationCardHandler"/>: an approval card's Approve, a "Request
    /// approval") is recorded and forwarded first, then acted on, and answered with the handler's words.
    /// </summary>
    public async Task<NotificationClickAnswer> HandleClickAsync(NotificationClick click, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(click);
        var found = await store.GetAsync(click.NotificationId, cancellationToken).ConfigureAwait(false);
        var delivery = found?.Deliveries.FirstOrDefault(d => d.Id == click.DeliveryId);
        if (found is not { } f || delivery is null)
        {
            return new(false, "This notification is no longer on record, so the button does nothing now.", null);
        }

        var action = await ActionOfAsync(f.Notification, click.Action, cancellationToken).ConfigureAwait(false);
        var pressed = new NotificationCardClick(f.Notification, ContextOf(click, f.Notification), action, click.Form ?? []);
        var handler = handlers?.FirstOrDefault(h => h.Handles(pressed));
        var answer = await HandleReadClickAsync(handler is null ? click : click with { RoomActs = true }, f.Notification, delivery, action, cancellationToken)
            .ConfigureAwait(false);
        if (handler is null || !answer.Ok || answer.AlreadyDecided)
        {
            return answer;
        }

        // Recorded either way: the handler's words (its refusal too) are the answer.
        var acted = await handler.HandleAsync(pressed, cancellationToken).ConfigureAwait(false);
        return answer with { Message = acted.Toast?.Text ?? answer.Message };
    }

    /// <summary>A click a platform's room has checked, as a handler reads one: who pressed (the delivery's recipient) and what.</summary>
    private static Bots.BotCardContext ContextOf(NotificationClick click, NotificationRow notification) =>
        new(click.App ?? notification.App ?? "", new Channels.Messages.ChannelPlatform(click.Platform), click.Action)
        {
            ClickId = click.ClickId,
            Operator = new Bots.CardClickOperator(click.UserId),
            Value = JsonSerializer.SerializeToElement(new JsonObject { ["action"] = click.Action }),
        };

    /// <summary>
    /// The same entry (<see cref="HandleClickAsync"/>), for a room that has read the notification,
    /// the pressed delivery and the type's action already to check the click (nothing is read twice within a platform's
    /// answer deadline, such as Feishu's 3 s).
    /// </summary>
    public async Task<NotificationClickAnswer> HandleReadClickAsync(
        NotificationClick click, NotificationRow notification, NotificationDeliveryRow delivery, NotificationTypeAction? action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(click);
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(delivery);
        var notificationId = notification.Id;
        var decision = action?.Decision;
        NotificationClickAnswer Answer(bool ok, string message, string? decided) => new(ok, message, decided) { Notification = notification, Action = action };

        // A delivery is decided once: every decision of it shares one key, so the second of two buttons confirmed at the
        // same moment (or a stale one) records nothing and is answered with the decision that stands.
        var key = decision is null ? click.Platform + "/" + click.ClickId : $"{click.Platform}/{click.DeliveryId}/{DecisionKey}";
        var eventKey = key.Length <= 256 ? key : click.Platform + "/sha256-" + Hash(key);
        var app = click.App ?? delivery.App ?? notification.App;
        var person = await operators.PersonOfAsync(click.Platform, app ?? "", click.UserId, delivery, cancellationToken).ConfigureAwait(false);
        var who = Operator(click.Platform, click.UserId, person);
        var form = click.Form ?? [];

        // The platform's own event, in the envelope every webhook event has: its type is the event's, the notification's is inside.
        var platformEvent = PlatformEventType(click.Platform);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["id"] = notificationId + "/" + eventKey,
            ["type"] = platformEvent,
            ["created_at"] = time.GetUtcNow().ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["app"] = Apps.HubAppService.NameOnWire(app ?? ""),
            ["notification"] = Reference(notificationId, notification.Type, click.Action),
            ["event"] = new JsonObject
            {
                ["notification_id"] = notificationId,
                ["notification_type"] = notification.Type,
                ["action"] = click.Action,
                ["decision"] = decision,
                ["operator"] = who.DeepClone(),
                ["recipient"] = delivery.Recipient,
                ["data"] = notification.Data is null ? null : JsonNode.Parse(notification.Data),
            },
        });
        var neutral = ActionPayload(ActionEventId(notificationId, eventKey), notification, app, click.Action, decision, who, delivery, form);
        var recorded = await store.RecordActionAsync(new NotificationActionRow
        {
            NotificationId = notificationId,
            EventKey = eventKey,
            Action = Truncate(click.Action, NotificationActionRow.MaxNameLength),
            Known = action is not null || click.RoomActs,
            OperatorOpenId = click.OpenId,
            OperatorPlatform = click.Platform,
            OperatorUserId = Truncate(click.UserId, 128),
            OperatorPersonId = person,
            MessageId = delivery.MessageId,
            Recipient = delivery.Recipient,
            FormValues = form.ToJsonString(),
            Decision = decision,
            At = time.GetUtcNow(),
        }, cancellationToken, webhooks is null ? null : async (db, ct) =>
        {
            if (click.ForwardsPlatformEvent)
            {
                await webhooks.QueueAsync(db, platformEvent, notificationId + "/" + eventKey, payload, ct).ConfigureAwait(false);
            }

            await webhooks.QueueAsync(db, ActionEventType, ActionEventId(notificationId, eventKey), neutral, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        if (recorded)
        {
            webhooks?.NotifySender();
        }
        else if (decision is not null && await StandingDecisionAsync(notificationId, eventKey, cancellationToken).ConfigureAwait(false) is { } standing
            && !string.Equals(standing.Action, Truncate(click.Action, NotificationActionRow.MaxNameLength), StringComparison.Ordinal))
        {
            return Answer(false, $"Already decided: {standing.Decision}. Nothing more was recorded.", standing.Decision) with { AlreadyDecided = true };
        }

        if (action is null)
        {
            return Answer(true, "Received. This button has no answer set up in the Hub; the business system was told.", null);
        }

        if (action.Approval is not null)
        {
            // Without the approvals room (a Hub that runs none) the request is recorded and forwarded, so the business system
            // can open it where its people approve; the answer names no platform, since the person reading it may use none but this one.
            return Answer(true, recorded
                ? "Your request was recorded and passed to the business system; no approval was opened here."
                : "Your request was recorded already and passed to the business system.", decision);
        }

        try
        {
            var values = NotificationTypeAction.Context(notification.Data, action.Name, null, form);
            var (response, _) = action.Answer(values, notificationId, notification.Type);
            return Answer(true, response.Toast?.Text ?? (recorded ? "Done." : "Done already."), decision);
        }
        catch (CardTemplateException)
        {
            return Answer(true, "Received.", decision);
        }
    }

    /// <summary>The last part of the key every decision of one delivery shares (<c>{platform}/{delivery}/decision</c>).</summary>
    internal const string DecisionKey = "decision";

    private async Task<NotificationActionRow?> StandingDecisionAsync(string notificationId, string eventKey, CancellationToken cancellationToken) =>
        (await store.ListActionsAsync(notificationId, cancellationToken).ConfigureAwait(false)).FirstOrDefault(a => a.EventKey == eventKey);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..40];

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
