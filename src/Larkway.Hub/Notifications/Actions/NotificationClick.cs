using System.Text.Json.Nodes;
using Larkway.Hub.Directory.Links;

namespace Larkway.Hub.Notifications.Actions;

/// <summary>
/// One press of a notification's button, as a platform's room read it after checking it (the right app, the delivery's
/// own recipient): the single way a click enters Notifications (<see cref="NotificationCardActions.HandleClickAsync"/>).
/// </summary>
/// <param name="Platform">The platform pressed on (<see cref="PersonPlatforms"/>).</param>
/// <param name="App">The Hub app the click came through; null when the platform's click does not say (the delivery's app sent it).</param>
/// <param name="UserId">Who pressed, by the platform's own id (an open_id on Feishu, a userid on DingTalk and WeCom).</param>
/// <param name="NotificationId">The notification.</param>
/// <param name="DeliveryId">The delivery whose message was pressed.</param>
/// <param name="Action">The button's action name.</param>
/// <param name="ClickId">
/// The platform's own identity of this press, the same when the platform delivers it again (a card's task id and
/// button key, a link's delivery and action): the click is recorded once per notification and click id.
/// </param>
internal sealed record NotificationClick(string Platform, string? App, string UserId, string NotificationId, long DeliveryId, string Action, string ClickId)
{
    /// <summary>What the press sent besides the button (a card form's inputs by name); recorded and forwarded. Empty when the platform sends none.</summary>
    public JsonObject? Form { get; init; }

    /// <summary>The presser's open_id, for platforms whose ids are open_ids (shown as the action's <c>operator_open_id</c>).</summary>
    public string? OpenId { get; init; }

    /// <summary>
    /// The room acts on this press itself (an approval's buttons), so it counts as known even where the type declares
    /// no such action.
    /// </summary>
    public bool RoomActs { get; init; }

    /// <summary>
    /// Whether the entry forwards the platform's own event (<see cref="NotificationCardActions.PlatformEventType"/>). False
    /// where the platform's callback reaches the webhooks already as it came (Feishu's <c>card.action.trigger</c>, fanned
    /// out by the inbox).
    /// </summary>
    public bool ForwardsPlatformEvent { get; init; } = true;
}

/// <summary>What a click came to: whether it acted (false: the notification or delivery is gone), the answer for the presser, the decision it recorded.</summary>
internal sealed record NotificationClickAnswer(bool Ok, string Message, string? Decision)
{
    /// <summary>The notification pressed on (null when it is gone), for a room that answers in its own form.</summary>
    public NotificationRow? Notification { get; init; }

    /// <summary>The type's definition of the pressed action, or null when the type declares none.</summary>
    public NotificationTypeAction? Action { get; init; }

    /// <summary>
    /// Another decision of this delivery stands: nothing was recorded or forwarded, and <see cref="Message"/> says which
    /// (<see cref="Decision"/>). The room answers with that, not with the action.
    /// </summary>
    public bool AlreadyDecided { get; init; }
}

/// <summary>
/// Who pressed a notification's button, as the directory knows them: the person the delivery was routed for, else the
/// directory's one answer for the account (<see cref="AccountPeople"/>: its link, the directory's open_id under the app, or
/// the person the platform's contacts name by email or mobile — the same answer the assistant gets for the same account).
/// Asked on every platform the same way, so a recipient addressed by a raw id still names its person. A Hub composed
/// without the directory knows only the routed person.
/// </summary>
internal sealed class NotificationOperators(AccountPeople? accounts = null)
{
    /// <summary>The directory person of account <paramref name="userId"/> of <paramref name="app"/> on <paramref name="platform"/>, or null.</summary>
    public async Task<string?> PersonOfAsync(string platform, string app, string userId, NotificationDeliveryRow? delivery, CancellationToken cancellationToken)
    {
        if (delivery?.PersonId is { } routed)
        {
            return routed;
        }

        return accounts is null ? null : await accounts.PersonOfAsync(platform, app, userId, cancellationToken).ConfigureAwait(false);
    }
}
