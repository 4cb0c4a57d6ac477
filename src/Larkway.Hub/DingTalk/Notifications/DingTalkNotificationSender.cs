using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Cards;
using Larkway.DingTalk;
using Larkway.Hub.Apps;
using Larkway.Hub.DingTalk;

namespace Larkway.Hub.DingTalk.Notifications;

/// <summary>
/// Sends one delivery of a notification whose app is a DingTalk app: the recipient found (userid as given, or by mobile);
/// for an app with a card template, an interactive card (<see cref="DingTalkInteractiveCards"/>) whose buttons call back
/// and which a change updates in place; otherwise the card rendered for DingTalk (<see cref="DingTalkCardRenderer"/>) with each button a link made for this recipient
/// (<see cref="DingTalkActionLinks"/>), sent one-to-one by the app robot. DingTalk's robot messages cannot be edited: a
/// changed action-card notification is sent again as a new message. DingTalk has no idempotency key on sends, so a send whose answer
/// was lost may arrive twice after the retry.
/// </summary>
internal sealed class DingTalkNotificationSender(HubDingTalkClients clients, DingTalkActionLinks links, DingTalkInteractiveCards? cards = null)
{
    /// <summary>The recipient types a DingTalk app sends to.</summary>
    public static readonly IReadOnlyList<string> RecipientTypes = ["dingtalk_userid", "dingtalk_mobile"];

    /// <summary>Sends a card notification and returns the interactive card's outTrackId, or the message's process query key (the id DingTalk recalls it by).</summary>
    /// <exception cref="RecipientNotFoundException">DingTalk does not know the person.</exception>
    /// <exception cref="NotificationRenderException">The card cannot be shown on DingTalk.</exception>
    /// <exception cref="DingTalkApiException">DingTalk refused or did not answer.</exception>
    public async Task<string> SendAsync(StoredApp app, NotificationRow notification, NotificationDeliveryRow delivery, CancellationToken cancellationToken)
    {
        var client = clients.For(app, app.Name);
        var userId = await UserIdAsync(client, delivery, cancellationToken).ConfigureAwait(false);
        if (cards?.TemplateOf(app.Name) is { } template
            && await cards.SendAsync(client, template, notification, delivery, userId, cancellationToken).ConfigureAwait(false) is { } outTrackId)
        {
            return outTrackId;
        }

        // A link button opens its own URL; a button that calls back on Feishu becomes a link to the Hub made for this person.
        var rendered = DingTalkCardRenderer.Render(notification.Content, button => button is { Url: { } url, Value: null }
            ? url
            : links.For(new DingTalkActionClick(notification.Id, delivery.Id, userId, ActionOf(button), button.Index, Label(button.Text))));
        if (rendered.Rendering is not { } rendering)
        {
            throw new NotificationRenderException(string.Join(" ", rendered.Problems.Select(p => p.Message)));
        }

        var sent = await client.Robot.SendToUsersAsync([userId], rendering.ToAppRobotMessage(), cancellationToken).ConfigureAwait(false);
        if (sent.InvalidUserIds.Count > 0)
        {
            throw new RecipientNotFoundException($"DingTalk does not know the user '{userId}' (or the app's robot may not message them): check the userid and the app's visibility range.");
        }

        if (sent.FlowControlledUserIds.Count > 0)
        {
            throw new DingTalkApiException(DingTalkErrorCodes.RateLimited, $"DingTalk held the message to '{userId}' back for their rate; it is sent again later.");
        }

        return sent.ProcessQueryKeys.Count > 0 ? sent.ProcessQueryKeys[0] : "dingtalk:" + delivery.Id;
    }

    /// <summary>The button's text for the confirm page, kept short: the link carries it.</summary>
    private static string? Label(string text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Length <= DingTalkMessageLimits.ButtonTitleChars * 2 ? text : text[..(DingTalkMessageLimits.ButtonTitleChars * 2)];

    /// <summary>The recipient's userid: as given, or looked up by mobile.</summary>
    /// <exception cref="RecipientNotFoundException">No one in the organisation has it.</exception>
    internal static async Task<string> UserIdAsync(DingTalkClient client, NotificationDeliveryRow delivery, CancellationToken cancellationToken)
    {
        switch (delivery.RecipientType)
        {
            case "dingtalk_userid":
                return delivery.Recipient;
            case "dingtalk_mobile":
                try
                {
                    return await client.Users.GetUserIdByMobileAsync(delivery.Recipient, cancellationToken).ConfigureAwait(false);
                }
                catch (DingTalkApiException ex) when (!ex.IsTransient && !DingTalkErrorCodes.IsRateLimit(ex.Code, ex.HttpStatus))
                {
                    throw new RecipientNotFoundException($"No one in the DingTalk organisation has the mobile number {delivery.Recipient} ({ex.Code}: {ex.ErrorMessage}).")
                    {
                        Failure = DingTalkFailures.From(ex),
                    };
                }

            default:
                throw new RecipientNotFoundException($"A DingTalk app sends to {string.Join(" or ", RecipientTypes)}, not to {delivery.RecipientType}.");
        }
    }

    private static string ActionOf(CardButton button) => CardButtonActions.ActionOf(button);
}
