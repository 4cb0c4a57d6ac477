using Larkway.Hub.Notifications;
using Larkway.Hub.Apps;
using Larkway.Hub.WeCom;
using Larkway.WeCom;
using Larkway.WeCom.Messages;

namespace Larkway.Hub.WeCom.Notifications;

/// <summary>
/// Sends one delivery of a notification whose app is a WeCom app: the member found (userid as given, or by email or
/// mobile through WeCom's user lookup), the card rendered for WeCom (<see cref="WeComCardRenderer"/>) as the template card
/// <see cref="TaskIdOf"/> names, sent one-to-one through the app's <c>message/send</c> with <c>enable_duplicate_check</c>
/// over <see cref="DuplicateWindow"/>: a retry of a send whose answer was lost is the same message (the same task_id and
/// content), which WeCom drops. A changed notification updates an interactive card in place with the response_code its
/// send returned (<c>update_template_card</c>; WeCom honours a code once, for 72 hours); a card without an unused code,
/// or one WeCom no longer lets be updated, is sent again as a new card (a new task_id, since task ids are unique per
/// app). Clicks come back as <c>template_card_event</c> callbacks (<see cref="WeComCardClicks"/>).
/// </summary>
internal sealed class WeComNotificationSender(HubWeComClients clients)
{
    /// <summary>The recipient types a WeCom app sends to.</summary>
    public static readonly IReadOnlyList<string> RecipientTypes = ["wecom_userid", "wecom_email", "wecom_mobile"];

    /// <summary>
    /// The duplicate-check window: WeCom's longest, 4 hours ("duplicate_check_interval … 最大不超过4小时", path/90236), so
    /// that the outbox's retries of one delivery fall inside it.
    /// </summary>
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromHours(4);

    /// <summary>The recipient kinds of WeCom (the notification's <c>app</c> must then be a WeCom app).</summary>
    public static bool IsRecipient(string type) => type.StartsWith("wecom_", StringComparison.Ordinal);

    /// <summary>The card's task_id: <c>{notification}@{delivery}@{version}</c> (letters, digits, _ and @), unique per app.</summary>
    public static string TaskIdOf(NotificationRow notification, NotificationDeliveryRow delivery)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(delivery);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{notification.Id}@{delivery.Id}@{notification.Version}");
    }

    /// <summary>The notification and delivery a task_id names, or null when it is not one the Hub makes.</summary>
    public static (string NotificationId, long DeliveryId)? ReadTaskId(string? taskId)
    {
        var parts = taskId?.Split('@');
        return parts is [{ Length: > 0 } id, var delivery, _]
            && long.TryParse(delivery, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var deliveryId)
            ? (id, deliveryId)
            : null;
    }

    /// <summary>Sends, or updates the card sent before in place; returns the message's msgid and the card's unused response_code.</summary>
    /// <exception cref="RecipientNotFoundException">WeCom does not know the member, or the app may not reach them.</exception>
    /// <exception cref="NotificationRenderException">The card cannot be shown on WeCom.</exception>
    /// <exception cref="WeComApiException">WeCom refused or did not answer.</exception>
    public async Task<WeComDeliverySent> SendAsync(StoredApp app, NotificationRow notification, NotificationDeliveryRow delivery, CancellationToken cancellationToken)
    {
        var client = clients.For(app, app.Name);
        var userId = await UserIdAsync(client, delivery, cancellationToken).ConfigureAwait(false);

        var rendered = WeComCardRenderer.Render(notification.Content, TaskIdOf(notification, delivery));
        if (rendered.Rendering is not { } rendering)
        {
            throw new NotificationRenderException(string.Join(" ", rendered.Problems.Select(p => p.Message)));
        }

        if (delivery.MessageId is { } sentBefore && delivery.ResponseCode is { } responseCode && rendering.Card is { } card
            && await TryUpdateAsync(client, responseCode, card, userId, cancellationToken).ConfigureAwait(false))
        {
            // The code is spent: a later change is sent as a new card.
            return new(sentBefore, null);
        }

        WeComSendResult sent;
        try
        {
            sent = await client.Messages.SendAsync(
                WeComRecipients.ToUsers(userId),
                rendering.ToAppMessage(),
                new WeComSendOptions { EnableDuplicateCheck = true, DuplicateCheckInterval = DuplicateWindow },
                cancellationToken).ConfigureAwait(false);
        }
        catch (WeComApiException ex) when (ex.Code is WeComErrorCodes.AllRecipientsInvalid or WeComErrorCodes.UserNotFound or WeComErrorCodes.InvalidUserId)
        {
            throw new RecipientNotFoundException($"WeCom does not know the member '{userId}' (or they are outside the app's visible range): {ex.Code} {ex.ErrorMessage}. Check the userid and the app's visible range (可见范围).")
            {
                Failure = WeComFailures.From(ex),
            };
        }
        catch (WeComApiException ex) when (ex.Code == WeComErrorCodes.InvalidRequest)
        {
            throw new NotificationRenderException(ex.ErrorMessage);
        }

        if (sent.InvalidUsers.Count > 0 || sent.UnlicensedUsers.Count > 0)
        {
            throw new RecipientNotFoundException(sent.UnlicensedUsers.Count > 0
                ? $"The WeCom member '{userId}' has no interface licence (接口许可), so the app cannot message them."
                : $"WeCom does not know the member '{userId}' (or they are outside the app's visible range): check the userid and the app's visible range (可见范围).");
        }

        return new(sent.MsgId ?? "wecom:" + delivery.Id, sent.ResponseCode is { Length: > 0 } code ? code : null);
    }

    /// <summary>
    /// Replaces the member's card with the new version; false when WeCom refuses the code (used by a decision's update,
    /// expired after 72 hours), so the caller sends a new card. A transient failure is thrown: the outbox retries it.
    /// </summary>
    private static async Task<bool> TryUpdateAsync(WeComClient client, string responseCode, WeComTemplateCard card, string userId, CancellationToken cancellationToken)
    {
        try
        {
            await client.Messages.UpdateTemplateCardAsync(responseCode, card, WeComRecipients.ToUsers(userId), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (WeComApiException ex) when (!ex.IsTransient && !WeComErrorCodes.IsRateLimit(ex.Code, ex.HttpStatus))
        {
            return false;
        }
    }

    /// <summary>The member's userid: as given, or looked up by email (the corp mailbox first, then a personal email) or mobile.</summary>
    public static async Task<string> UserIdAsync(WeComClient client, NotificationDeliveryRow delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(delivery);
        try
        {
            var found = delivery.RecipientType switch
            {
                "wecom_userid" => delivery.Recipient,
                "wecom_email" => await client.Users.GetUserIdByEmailAsync(delivery.Recipient, corpEmail: true, cancellationToken).ConfigureAwait(false)
                    ?? await client.Users.GetUserIdByEmailAsync(delivery.Recipient, corpEmail: false, cancellationToken).ConfigureAwait(false),
                "wecom_mobile" => await client.Users.GetUserIdByMobileAsync(delivery.Recipient, cancellationToken).ConfigureAwait(false),
                _ => throw new RecipientNotFoundException($"A WeCom app sends to {string.Join(", ", RecipientTypes)}, not to {delivery.RecipientType}."),
            };
            return found ?? throw new RecipientNotFoundException(delivery.RecipientType == "wecom_email"
                ? $"No member of the WeCom corp has the email {delivery.Recipient} (neither as corp mailbox nor as personal email), or the app may not see them."
                : $"No member of the WeCom corp has the mobile number {delivery.Recipient}, or the app may not see them.");
        }
        catch (WeComApiException ex) when (!ex.IsTransient && ex.Code != WeComErrorCodes.InvalidRequest && delivery.RecipientType != "wecom_userid")
        {
            throw new RecipientNotFoundException($"WeCom could not look up {delivery.Recipient} ({ex.Code}: {ex.ErrorMessage}).") { Failure = WeComFailures.From(ex) };
        }
    }
}

/// <summary>A WeCom delivery sent: the msgid, and the interactive card's response_code while unused (null otherwise).</summary>
internal sealed record WeComDeliverySent(string MessageId, string? ResponseCode);
