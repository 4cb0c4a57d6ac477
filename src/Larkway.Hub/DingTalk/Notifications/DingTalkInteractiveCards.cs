using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Larkway.DingTalk;
using Larkway.DingTalk.Cards;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Actions;
using Larkway.Hub.Notifications.Cards;

namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>
/// A notification as a DingTalk interactive card (for an app with a card template,
/// <see cref="DingTalkNotificationCardOptions"/>): one card instance per delivery, its <c>outTrackId</c> made from the
/// notification and delivery (<see cref="OutTrackIdOf"/>) so a retried send finds the card it made instead of delivering
/// a second one, into the recipient's chat with the app's robot (<c>dtv1.card//IM_ROBOT.{userId}</c>). Its variables
/// (<c>cardParamMap</c>, strings) are <c>title</c>, <c>markdown</c>, <c>buttons</c> (a JSON array: a callback button is
/// <c>{text, actionId, params{action}}</c>, a link <c>{text, url}</c>) and, once decided, <c>decision</c> ("Approved by
/// Alice Chen") with <c>buttons</c> emptied. A changed notification updates the same card in place
/// (<c>PUT /v1.0/card/instances</c>, by key); its decision stays shown.
/// </summary>
internal sealed class DingTalkInteractiveCards(NotificationStore store, DingTalkNotificationCardOptions options)
{
    /// <summary>How the outTrackId of a notification's card starts.</summary>
    public const string OutTrackIdPrefix = "lwn_";

    /// <summary>The card variables the Hub sets.</summary>
    public const string TitleKey = "title";

    /// <inheritdoc cref="TitleKey"/>
    public const string MarkdownKey = "markdown";

    /// <inheritdoc cref="TitleKey"/>
    public const string ButtonsKey = "buttons";

    /// <inheritdoc cref="TitleKey"/>
    public const string DecisionKey = "decision";

    /// <summary>A stand-in link for a button that calls back: the renderer needs a URL, the card needs the button.</summary>
    private const string CallbackStandIn = "https://hub.invalid/dingtalk/card-button/";

    /// <summary>The card template of <paramref name="appName"/>, or null when it sends action cards.</summary>
    public string? TemplateOf(string appName) => options.TemplateOf(appName);

    /// <summary>The card's outTrackId: <c>lwn_{notification}_{delivery}</c>, the same for every version of the notification.</summary>
    public static string OutTrackIdOf(string notificationId, long deliveryId) =>
        string.Create(CultureInfo.InvariantCulture, $"{OutTrackIdPrefix}{notificationId}_{deliveryId}");

    /// <summary>The notification and delivery an outTrackId names, or null when it is not one the Hub makes.</summary>
    public static (string NotificationId, long DeliveryId)? ReadOutTrackId(string? outTrackId)
    {
        if (outTrackId is null || !outTrackId.StartsWith(OutTrackIdPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = outTrackId[OutTrackIdPrefix.Length..];
        var cut = rest.LastIndexOf('_');
        return cut > 0 && long.TryParse(rest[(cut + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var deliveryId) ? (rest[..cut], deliveryId) : null;
    }

    /// <summary>
    /// Delivers the card (or updates the one delivered before) and returns its outTrackId; null when the card has
    /// something an interactive card of the template cannot carry (it becomes plain text), so the caller sends the action card.
    /// </summary>
    /// <exception cref="NotificationRenderException">The card cannot be shown on DingTalk.</exception>
    /// <exception cref="RecipientNotFoundException">DingTalk did not deliver to the person.</exception>
    /// <exception cref="DingTalkApiException">DingTalk refused or did not answer.</exception>
    public async Task<string?> SendAsync(DingTalkClient client, string template, NotificationRow notification, NotificationDeliveryRow delivery, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(delivery);
        if (Data(notification.Content) is not { } data)
        {
            return null;
        }

        var outTrackId = OutTrackIdOf(notification.Id, delivery.Id);
        if (await DecisionOfAsync(client, notification.Id, delivery, cancellationToken).ConfigureAwait(false) is { } decided)
        {
            // A changed notification keeps the decision taken on it: its buttons stay gone.
            data[ButtonsKey] = "[]";
            data[DecisionKey] = decided;
        }

        if (delivery.MessageId == outTrackId)
        {
            await client.Cards.UpdateAsync(outTrackId, data, cancellationToken).ConfigureAwait(false);
            return outTrackId;
        }

        var delivered = await client.Cards.CreateAndDeliverAsync(template, DingTalkCardTarget.User(userId), data, outTrackId, cancellationToken).ConfigureAwait(false);
        if (!delivered.Delivered)
        {
            var why = string.Join("; ", delivered.Spaces.Where(s => !s.Success).Select(s => s.Error ?? "not delivered"));
            throw new RecipientNotFoundException($"DingTalk did not deliver the card to the user '{userId}' ({why}): check the userid and the app's visibility range.");
        }

        return delivered.OutTrackId;
    }

    /// <summary>Shows the delivery's standing decision on its card (buttons gone); false when it has none.</summary>
    /// <exception cref="DingTalkApiException">DingTalk refused or did not answer.</exception>
    public async Task<bool> ShowDecisionAsync(DingTalkClient client, string outTrackId, string notificationId, NotificationDeliveryRow delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (await DecisionOfAsync(client, notificationId, delivery, cancellationToken).ConfigureAwait(false) is not { } decided)
        {
            return false;
        }

        await client.Cards.UpdateAsync(outTrackId, new Dictionary<string, string>(StringComparer.Ordinal) { [ButtonsKey] = "[]", [DecisionKey] = decided }, cancellationToken)
            .ConfigureAwait(false);
        return true;
    }

    /// <summary>The card's variables for <paramref name="content"/>; null when the card only fits DingTalk as plain text.</summary>
    /// <exception cref="NotificationRenderException">The card cannot be shown on DingTalk.</exception>
    internal static Dictionary<string, string>? Data(string content)
    {
        var callbacks = new Dictionary<string, CardButton>(StringComparer.Ordinal);
        var rendered = DingTalkCardRenderer.Render(content, button =>
        {
            if (button is { Url: { } url, Value: null })
            {
                return url;
            }

            var standIn = CallbackStandIn + button.Index.ToString(CultureInfo.InvariantCulture);
            callbacks[standIn] = button;
            return standIn;
        });
        if (rendered.Rendering is not { } rendering)
        {
            throw new NotificationRenderException(string.Join(" ", rendered.Problems.Select(p => p.Message)));
        }

        if (rendering.Robot.Kind == DingTalkMessageKind.Text)
        {
            return null;
        }

        var buttons = new JsonArray();
        foreach (var button in rendering.Robot.Buttons)
        {
            buttons.Add(callbacks.TryGetValue(button.ActionUrl, out var callback)
                ? new JsonObject
                {
                    ["text"] = button.Title,
                    ["actionId"] = CardButtonActions.ActionOf(callback),
                    ["params"] = new JsonObject { [Bots.BotCardActions.ActionField] = CardButtonActions.ActionOf(callback) },
                }
                : new JsonObject { ["text"] = button.Title, ["url"] = button.ActionUrl });
        }

        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TitleKey] = rendering.Robot.Title,
            [MarkdownKey] = rendering.Robot.Text,
            [ButtonsKey] = buttons.ToJsonString(),
        };
    }

    /// <summary>The delivery's decision as the card shows it ("Approved by Alice Chen"), or null when it is undecided.</summary>
    private async Task<string?> DecisionOfAsync(DingTalkClient client, string notificationId, NotificationDeliveryRow delivery, CancellationToken cancellationToken)
    {
        var key = $"dingtalk/{delivery.Id}/{NotificationCardActions.DecisionKey}";
        var decision = (await store.ListActionsAsync(notificationId, cancellationToken).ConfigureAwait(false)).FirstOrDefault(a => a.EventKey == key && a.Decision is not null);
        if (decision is null)
        {
            return null;
        }

        var who = decision.OperatorUserId ?? "";
        try
        {
            who = (await client.Users.GetAsync(who, cancellationToken).ConfigureAwait(false)).Name is { Length: > 0 } name ? name : who;
        }
        catch (Exception ex) when (ex is DingTalkApiException or HttpRequestException or TimeoutException)
        {
            // No contacts permission or DingTalk away: the card names the person by their userid.
        }

        return $"{DingTalkActionState.DecisionWord(decision.Decision)} by {who}";
    }

    /// <summary>A string field of a callback's JSON, or null.</summary>
    internal static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
