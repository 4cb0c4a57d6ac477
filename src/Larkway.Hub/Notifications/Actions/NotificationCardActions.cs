using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.Feishu.Events.Dispatch;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Hub.Bots;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Notifications.Actions;

/// <summary>
/// Answers clicks on notification cards (their values carry <see cref="NotificationCardReference"/>): finds the
/// notification and its type's action, records the click once per callback (with the action's decision), and answers
/// with the action's toast and/or after-card. The signature was checked by the receiver; the inbox deduplicated the
/// callback and forwards it to webhook subscribers after this answers. Never throws for bad data: the user always
/// gets a toast.
/// </summary>
internal sealed partial class NotificationCardActions(
    NotificationStore store,
    NotificationTypeStore types,
    IEnumerable<INotificationCardHandler> handlers,
    NotificationClickers clickers,
    NotificationOperators operators,
    TimeProvider time,
    Platform.Observability.CardTelemetry cards,
    ILogger<NotificationCardActions> logger,
    Webhooks.WebhookStore? webhooks = null)
{
    private const int ClickRaceChecks = 8;

    private static readonly TimeSpan ClickRaceInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Whether a click is on a notification card.</summary>
    public static bool Claims(CardActionTriggerEvent e) => NotificationCardReference.Read(e?.Action?.Value) is not null;

    public async Task<CardActionResponse?> HandleAsync(BotCardContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (id, _) = NotificationCardReference.Read(context.Event.Action.Value)!.Value;
        var found = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        // Only the app that sent the card may answer for it: another app's callback carrying the reference is refused.
        if (found is not { } f || !SameApp(f.Notification.App, context.App))
        {
            return CardActionResponse.WithToast(CardToastType.Info, "This notification is no longer on record, so the button does nothing now.");
        }

        var notification = f.Notification;
        if (await RefusalAsync(context, notification, f.Deliveries, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var type = await types.GetAsync(notification.Type, cancellationToken).ConfigureAwait(false);
        var action = context.Action.Length == 0 ? null : NotificationTypeAction.Find(type?.Actions ?? "{}", context.Action);
        var form = FormValues(context.Event.Action);
        var click = new NotificationCardClick(notification, context, action, form);
        var handler = handlers.FirstOrDefault(h => h.Handles(click));
        var messageId = context.MessageId;
        var clicked = messageId is null ? null : f.Deliveries.FirstOrDefault(d => d.MessageId == messageId);
        var eventKey = EventKey(context);
        var clicker = context.OperatorOpenId ?? "";
        var person = await operators.PersonOfAsync(Directory.Links.PersonPlatform.Feishu, context.App, clicker, clicked, cancellationToken).ConfigureAwait(false);
        var who = Operator(Directory.Links.PersonPlatform.Feishu, clicker, person);
        var neutral = ActionPayload(ActionEventId(id, eventKey), notification, context.App, context.Action, action?.Decision, who, clicked, form);
        var recorded = await store.RecordActionAsync(new NotificationActionRow
        {
            NotificationId = id,
            EventKey = eventKey,
            Action = Truncate(context.Action, NotificationActionRow.MaxNameLength),
            Known = action is not null || handler is not null,
            OperatorOpenId = context.OperatorOpenId,
            OperatorPlatform = Directory.Links.PersonPlatform.Feishu,
            OperatorUserId = Truncate(clicker, 128),
            OperatorPersonId = person,
            MessageId = messageId,
            Recipient = clicked?.Recipient,
            FormValues = form.ToJsonString(),
            Decision = action?.Decision,
            At = time.GetUtcNow(),
        }, cancellationToken, webhooks is null ? null : (db, ct) => QueueNeutralAsync(db, id, eventKey, neutral, ct)).ConfigureAwait(false);
        if (recorded)
        {
            webhooks?.NotifySender();
        }

        if (handler is not null)
        {
            return await handler.HandleAsync(click, cancellationToken).ConfigureAwait(false);
        }

        if (action is null)
        {
            // Forwarded to the business system all the same; the user learns the click arrived.
            return CardActionResponse.WithToast(CardToastType.Info, "Received. This button has no answer set up in the Hub; the business system was told.");
        }

        try
        {
            var values = NotificationTypeAction.Context(notification.Data, action.Name, context.Event.Operator, form);
            var (response, cardProblems) = action.Answer(values, id, notification.Type);
            if (action.Card is not null)
            {
                cards.Rendered(Platform.Observability.CardTelemetry.NotificationAction, ok: cardProblems.Count == 0);
            }
            if (cardProblems.Count > 0)
            {
                LogAfterCardInvalid(logger, notification.Type, action.Name, id, string.Join("; ", cardProblems));
            }

            return response.Toast is null && response.Card is null
                ? CardActionResponse.WithToast(CardToastType.Success, "Done.")
                : response;
        }
        catch (CardTemplateException ex)
        {
            cards.Rendered(Platform.Observability.CardTelemetry.NotificationAction, ok: false);
            LogAfterCardInvalid(logger, notification.Type, action.Name, id, ex.Message);
            return CardActionResponse.WithToast(CardToastType.Success, "Received.");
        }
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

    /// <summary>Who pressed, the same on every platform: the platform, its own id of the account, the directory person (null when unknown).</summary>
    private static JsonObject Operator(string platform, string userId, string? personId) => new()
    {
        ["platform"] = platform,
        ["user_id"] = userId,
        ["person_id"] = personId,
    };

    private async Task QueueNeutralAsync(Platform.Storage.HubDbContext db, string notificationId, string eventKey, byte[] payload, CancellationToken cancellationToken)
    {
        if (webhooks is not null)
        {
            await webhooks.QueueAsync(db, ActionEventType, ActionEventId(notificationId, eventKey), payload, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The webhook event type of a click that arrives through <see cref="HandleClickAsync"/>: <c>{platform}.notification.action</c>.</summary>
    public static string PlatformEventType(string platform) => platform + ".notification.action";

    /// <summary>
    /// The one entry for a click a platform's room has checked (the app, the delivery's own recipient): recorded once per
    /// notification and <see cref="NotificationClick.ClickId"/> with the action's decision and who pressed it (their
    /// directory person resolved however the recipient was addressed), forwarded in the same transaction to business
    /// webhooks of <see cref="ActionEventType"/> and of the platform's own <see cref="PlatformEventType"/>, and answered
    /// with the action's toast text and decision. An approval action opens nothing here (the Hub's approvals are
    /// Feishu's, opened by the Feishu card path); the request is recorded and forwarded.
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

        var notification = f.Notification;
        var notificationId = notification.Id;
        var type = await types.GetAsync(notification.Type, cancellationToken).ConfigureAwait(false);
        var action = NotificationTypeAction.Find(type?.Actions ?? "{}", click.Action);
        var decision = action?.Decision;
        // A delivery is decided once: every decision of it shares one key, so the second of two buttons confirmed at the
        // same moment (or a stale one) records nothing and is answered with the decision that stands.
        var key = decision is null ? click.Platform + "/" + click.ClickId : $"{click.Platform}/{click.DeliveryId}/{DecisionKey}";
        var eventKey = key.Length <= 256 ? key : click.Platform + "/sha256-" + Hash(key);
        var app = click.App ?? delivery.App ?? notification.App;
        var person = await operators.PersonOfAsync(click.Platform, app ?? "", click.UserId, delivery, cancellationToken).ConfigureAwait(false);
        var who = Operator(click.Platform, click.UserId, person);

        // The platform's own event, in the envelope every webhook event has: its type is the event's, the notification's is inside.
        var platformEvent = PlatformEventType(click.Platform);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["id"] = notificationId + "/" + eventKey,
            ["type"] = platformEvent,
            ["created_at"] = time.GetUtcNow().ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["app"] = Apps.HubAppService.NameOnWire(app ?? ""),
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
        var neutral = ActionPayload(ActionEventId(notificationId, eventKey), notification, app, click.Action, decision, who, delivery, new JsonObject());
        var recorded = await store.RecordActionAsync(new NotificationActionRow
        {
            NotificationId = notificationId,
            EventKey = eventKey,
            Action = Truncate(click.Action, NotificationActionRow.MaxNameLength),
            Known = action is not null,
            OperatorPlatform = click.Platform,
            OperatorUserId = Truncate(click.UserId, 128),
            OperatorPersonId = person,
            MessageId = delivery.MessageId,
            Recipient = delivery.Recipient,
            FormValues = "{}",
            Decision = decision,
            At = time.GetUtcNow(),
        }, cancellationToken, webhooks is null ? null : async (db, ct) =>
        {
            await webhooks.QueueAsync(db, platformEvent, notificationId + "/" + eventKey, payload, ct).ConfigureAwait(false);
            await webhooks.QueueAsync(db, ActionEventType, ActionEventId(notificationId, eventKey), neutral, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        if (recorded)
        {
            webhooks?.NotifySender();
        }
        else if (decision is not null && await StandingDecisionAsync(notificationId, eventKey, cancellationToken).ConfigureAwait(false) is { } standing
            && !string.Equals(standing.Action, Truncate(click.Action, NotificationActionRow.MaxNameLength), StringComparison.Ordinal))
        {
            return new(false, $"Already decided: {standing.Decision}. Nothing more was recorded.", standing.Decision);
        }

        if (action is null)
        {
            return new(true, "Received. This button has no answer set up in the Hub; the business system was told.", null);
        }

        if (action.Approval is not null)
        {
            // The Hub's approvals are Feishu's, opened for a Feishu applicant from the Feishu card path. The request is
            // recorded and forwarded, so the business system can open it where its people approve.
            return new(true, recorded
                ? "Your request was recorded and passed to the business system. Approvals from the Hub open in Feishu, so none was opened here."
                : "Your request was recorded already and passed to the business system.", decision);
        }

        try
        {
            var values = NotificationTypeAction.Context(notification.Data, action.Name, null, []);
            var (response, _) = action.Answer(values, notificationId, notification.Type);
            return new(true, response.Toast?.Content ?? (recorded ? "Done." : "Done already."), decision);
        }
        catch (CardTemplateException)
        {
            return new(true, "Received.", decision);
        }
    }

    /// <summary>The last part of the key every decision of one delivery shares (<c>{platform}/{delivery}/decision</c>).</summary>
    internal const string DecisionKey = "decision";

    private async Task<NotificationActionRow?> StandingDecisionAsync(string notificationId, string eventKey, CancellationToken cancellationToken) =>
        (await store.ListActionsAsync(notificationId, cancellationToken).ConfigureAwait(false)).FirstOrDefault(a => a.EventKey == eventKey);

    /// <summary>
    /// A toast for a click that may not act on the notification (nothing is recorded): not on a message the Hub sent for
    /// it, or not by its recipient. Null when the click may go on.
    /// </summary>
    private async Task<CardActionResponse?> RefusalAsync(BotCardContext context, NotificationRow notification, IReadOnlyList<NotificationDeliveryRow> deliveries, CancellationToken cancellationToken)
    {
        var delivery = NotificationClickers.Clicked(deliveries, context.MessageId);

        // A card can be clicked the moment Feishu shows it, before the sender has saved its message id: while a delivery
        // has no message id yet, look again for a moment before calling the message a stranger.
        for (var wait = 0; delivery is null && wait < ClickRaceChecks && deliveries.Any(d => d.MessageId is null && d.State != Platform.Queue.WorkState.DeadLetter); wait++)
        {
            await Task.Delay(ClickRaceInterval, time, cancellationToken).ConfigureAwait(false);
            deliveries = (await store.GetAsync(notification.Id, cancellationToken).ConfigureAwait(false))?.Deliveries ?? deliveries;
            delivery = NotificationClickers.Clicked(deliveries, context.MessageId);
        }

        if (delivery is null)
        {
            LogClickRefused(logger, notification.Id, context.OperatorOpenId, "the clicked message is not one the Hub sent for it");
            return CardActionResponse.WithToast(CardToastType.Info, "This card was not sent by the Hub for this notification, so its buttons do nothing.");
        }

        try
        {
            if (await clickers.IsRecipientAsync(notification.App ?? "", delivery, context.Event.Operator, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }
        catch (Larkway.Feishu.FeishuApiException ex)
        {
            LogClickRefused(logger, notification.Id, context.OperatorOpenId, $"Feishu could not confirm the recipient ({ex.Code})");
            return CardActionResponse.WithToast(CardToastType.Warning, "Could not confirm that this card was sent to you. Try again in a moment.");
        }

        LogClickRefused(logger, notification.Id, context.OperatorOpenId, "the clicker is not its recipient");
        return CardActionResponse.WithToast(CardToastType.Warning, "Only the people this notification was sent to can use its buttons.");
    }

    private static bool SameApp(string? notificationApp, string clickApp) =>
        string.Equals(
            Apps.HubAppRegistry.IsDefault(notificationApp ?? "") ? "" : notificationApp,
            Apps.HubAppService.NameInStore(clickApp),
            StringComparison.Ordinal);

    /// <summary>What the click sent besides its value: a form's inputs by name, or a single component's option / input.</summary>
    internal static JsonObject FormValues(CardAction action)
    {
        var values = action.FormValue is { ValueKind: JsonValueKind.Object } form ? JsonNode.Parse(form.GetRawText())!.AsObject() : [];
        if (action.Option is { } option)
        {
            values["option"] = option;
        }

        if (action.Options is { } options)
        {
            values["options"] = new JsonArray([.. options.Select(o => (JsonNode?)JsonValue.Create(o))]);
        }

        if (action.InputValue is { } input)
        {
            values["input"] = input;
        }

        if (action.Checked is { } isChecked)
        {
            values["checked"] = isChecked;
        }

        return values;
    }

    /// <summary>The callback's identity: its event id, else the legacy callback's token, else a hash of what was clicked where by whom.</summary>
    private static string EventKey(BotCardContext context)
    {
        if (context.EventId is { Length: > 0 } eventId)
        {
            return Truncate(eventId, 256);
        }

        if (context.Event.Token is { Length: > 0 } token)
        {
            // The card-update token is a credential for 30 minutes: stored hashed.
            return "token:" + Inbox.InboxRedaction.Fingerprint(token);
        }

        return "click:" + Hash($"{context.OperatorOpenId}\n{context.MessageId}\n{context.Event.Action.Value?.GetRawText()}");
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..40];

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    [LoggerMessage(EventId = LogEvents.NotificationCardActionsClickRefused, Level = LogLevel.Warning, Message = "A click on notification {NotificationId}'s card by {OperatorOpenId} was refused: {Reason}.")]
    private static partial void LogClickRefused(ILogger logger, string notificationId, string? operatorOpenId, string reason);

    [LoggerMessage(EventId = LogEvents.NotificationCardActionsAfterCardInvalid, Level = LogLevel.Warning, Message = "Notification type '{Type}', action '{Action}' (notification {NotificationId}): the after-card did not render into a valid card ({Problems}); answered without it.")]
    private static partial void LogAfterCardInvalid(ILogger logger, string type, string action, string notificationId, string problems);
}

/// <summary>Wires notification cards into the bot's card actions.</summary>
internal static class NotificationCardActionsRegistration
{
    /// <summary>Clicks on notification cards go to <paramref name="handler"/>, before the bot's named actions.</summary>
    public static BotCardActions AddNotificationCards(this BotCardActions actions, NotificationCardActions handler) =>
        actions.Claim(NotificationCardActions.Claims, handler.HandleAsync);

    /// <summary>
    /// For an app added at run time (no bot of its own): clicks on notification cards are answered by
    /// <paramref name="handler"/>; any other click gets an empty answer (it is still forwarded to webhook subscribers).
    /// </summary>
    public static FeishuEventDispatcher AddNotificationCards(
        this FeishuEventDispatcher dispatcher, string appName, NotificationCardActions handler, Assistants.Routing.AssistantCardActions? answers = null)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(handler);
        Task<CardActionResponse?> AnswerAsync(CardActionTriggerEvent e, FeishuEventContext context, CancellationToken cancellationToken)
        {
            var action = e.Action?.Value is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty(BotCardActions.ActionField, out var a) && a.ValueKind == JsonValueKind.String
                ? a.GetString()!
                : "";
            var click = new BotCardContext(appName, e, action) { EventId = context?.EventId };
            if (NotificationCardActions.Claims(e))
            {
                return handler.HandleAsync(click, cancellationToken);
            }

            // An assistant's answer buttons (feedback, regenerate) on an app without a bot of its own.
            return answers is not null && Assistants.Routing.AssistantCardActions.Handles(action)
                ? answers.HandleAsync(click, cancellationToken)
                : Task.FromResult<CardActionResponse?>(null);
        }

        return dispatcher
            .OnCardAction(AnswerAsync)
            .OnLegacyCardAction((e, context, ct) => AnswerAsync(AppBot.FromLegacy(e), context, ct));
    }
}
