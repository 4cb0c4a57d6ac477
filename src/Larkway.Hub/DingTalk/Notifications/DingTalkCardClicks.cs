using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.DingTalk;
using Larkway.Hub.Apps;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Actions;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>
/// A notification card's button pressed on DingTalk: the interactive card callback (Stream topic
/// <c>/v1.0/card/instances/callback</c>, stored by the inbox) names the card by its <c>outTrackId</c>
/// (<see cref="DingTalkInteractiveCards.OutTrackIdOf"/>), the presser by <c>userId</c> and the button by
/// <c>content.cardPrivateData</c> (<c>actionIds</c>, <c>params.action</c>). The press must come from the app that sent the
/// card and from the delivery's own recipient; then it is recorded, decided once and forwarded to the business webhooks
/// as a Feishu or WeCom click is (<see cref="NotificationCardActions.HandleClickAsync"/>, once per card and action), and
/// the card is updated in place to show the decision and who took it, its buttons gone. A card the Hub did not make is
/// left alone; a forged or stranger's press is refused quietly and logged.
/// </summary>
internal sealed partial class DingTalkCardClicks(
    NotificationStore store,
    NotificationCardActions actions,
    HubDingTalkClients clients,
    DingTalkInteractiveCards cards,
    ILogger<DingTalkCardClicks> logger)
{
    /// <summary>Handles one stored card callback; throws (to have the inbox retry) only when DingTalk could not be reached.</summary>
    public async Task HandleAsync(string appName, JsonElement callback, CancellationToken cancellationToken)
    {
        var outTrackId = DingTalkInteractiveCards.Str(callback, "outTrackId");
        if (DingTalkInteractiveCards.ReadOutTrackId(outTrackId) is not { } card)
        {
            // An AI card's or another card's callback: stored and forwarded as it came, nothing for notifications.
            return;
        }

        var clicker = DingTalkInteractiveCards.Str(callback, "userId");
        var (action, form) = Pressed(callback);
        if (string.IsNullOrEmpty(clicker) || action is null)
        {
            LogRefused(logger, appName, outTrackId!, "it names no user or no button");
            return;
        }

        var found = await store.GetAsync(card.NotificationId, cancellationToken).ConfigureAwait(false);
        var delivery = found?.Deliveries.FirstOrDefault(d => d.Id == card.DeliveryId);
        if (found is not { } f || delivery is null || !string.Equals(delivery.App ?? f.Notification.App, appName, StringComparison.Ordinal)
            || !DingTalkNotificationSender.RecipientTypes.Contains(delivery.RecipientType, StringComparer.Ordinal))
        {
            LogRefused(logger, appName, outTrackId!, "no DingTalk delivery of this app has that card");
            return;
        }

        DingTalkClient client;
        string member;
        try
        {
            client = await clients.GetAsync(appName, cancellationToken).ConfigureAwait(false);
            member = await DingTalkNotificationSender.UserIdAsync(client, delivery, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RecipientNotFoundException or HubAppNotFoundException)
        {
            LogRefused(logger, appName, outTrackId!, "its app or recipient is no longer found");
            return;
        }

        if (!string.Equals(member, clicker, StringComparison.Ordinal))
        {
            LogRefused(logger, appName, outTrackId!, "the presser is not its recipient");
            return;
        }

        // The card and the button are DingTalk's identity of the press: a re-delivered callback records nothing new.
        var click = new NotificationClick(HubAppPlatform.DingTalk, appName, clicker, f.Notification.Id, delivery.Id, action, $"{outTrackId}/{action}") { Form = form };
        var answer = await actions.HandleClickAsync(click, cancellationToken).ConfigureAwait(false);

        // A press refused because another button decided first still shows the decision that stands.
        if (answer.Decision is null)
        {
            return;
        }

        try
        {
            await cards.ShowDecisionAsync(client, outTrackId!, f.Notification.Id, delivery, cancellationToken).ConfigureAwait(false);
        }
        catch (DingTalkApiException ex) when (!ex.IsTransient)
        {
            // The decision is recorded; a card DingTalk no longer lets be updated keeps its buttons, which answer "decided".
            LogUpdateFailed(logger, appName, f.Notification.Id, ex.Code);
        }
    }

    /// <summary>
    /// The pressed button's action — <c>params.action</c> as the Hub sets it, else the first of <c>actionIds</c> — and the
    /// other params as the press's form. <c>content</c> is a JSON string (DingTalk's), or an object.
    /// </summary>
    internal static (string? Action, JsonObject Form) Pressed(JsonElement callback)
    {
        JsonNode? content = null;
        if (callback.ValueKind == JsonValueKind.Object && callback.TryGetProperty("content", out var raw))
        {
            try
            {
                content = raw.ValueKind == JsonValueKind.String ? JsonNode.Parse(raw.GetString()!) : JsonNode.Parse(raw.GetRawText());
            }
            catch (JsonException)
            {
                return (null, []);
            }
        }

        var privateData = content?["cardPrivateData"];
        var form = privateData?["params"] is JsonObject parameters ? (JsonObject)parameters.DeepClone() : [];
        var action = form[Bots.BotCardActions.ActionField] is JsonValue value && value.TryGetValue<string>(out var named) && named.Length > 0 ? named
            : privateData?["actionIds"] is JsonArray ids && ids.Count > 0 && ids[0] is JsonValue first && first.TryGetValue<string>(out var id) && id.Length > 0 ? id
            : null;
        form.Remove(Bots.BotCardActions.ActionField);
        return (action is { Length: <= NotificationActionRow.MaxNameLength } ? action : null, form);
    }

    [LoggerMessage(EventId = LogEvents.DingTalkCardClickRefused, Level = LogLevel.Warning, Message = "A DingTalk card callback for app {App} (outTrackId {OutTrackId}) was refused: {Reason}.")]
    private static partial void LogRefused(ILogger logger, string app, string outTrackId, string reason);

    [LoggerMessage(EventId = LogEvents.DingTalkCardUpdateFailed, Level = LogLevel.Warning, Message = "The DingTalk card of notification {NotificationId} (app {App}) could not show its decision: DingTalk answered {Code}.")]
    private static partial void LogUpdateFailed(ILogger logger, string app, string notificationId, string code);
}
