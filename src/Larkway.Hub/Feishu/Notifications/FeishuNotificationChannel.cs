using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Hub.Apps;
using Larkway.Hub.Feishu.Recipients;
using Larkway.Hub.Notifications;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Feishu.Notifications;

/// <summary>
/// Feishu's notification channel: the card (or card-builder template) sent by the app's bot with the delivery's stable
/// <c>uuid</c> (so a retry after an ambiguous failure never posts twice), a changed notification updated in place, each
/// send paced within the app's limits (<see cref="SendPacer"/>), and Feishu's refusals classified by its error codes.
/// </summary>
internal sealed class FeishuNotificationChannel(IFeishuClientFactory apps, IRecipientResolver resolver, TimeProvider time, IOptions<NotificationOptions> options)
    : INotificationChannel
{
    /// <summary>The recipient types a Feishu app sends to.</summary>
    public static readonly IReadOnlyList<string> FeishuRecipientTypes = ["email", "open_id", "user_id", "union_id", "chat_id", "department_id"];

    /// <summary>The sender schedules every send against the app's limits itself (<see cref="SendPacer"/>): the client's limiter must not hold them again.</summary>
    private static readonly FeishuRequestOptions PacedBySender = new() { PacedByCaller = true };

    private readonly ConcurrentDictionary<string, SendPacer> _pacers = new(StringComparer.Ordinal);

    public IReadOnlyList<string> RecipientTypes => FeishuRecipientTypes;

    /// <summary>Feishu shows every card and template the request parser accepts.</summary>
    public string? WhyUnrenderable(string messageType, string content) => null;

    public async Task<ChannelOutcome> SendAsync(ChannelSend send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        var (notification, delivery) = (send.Notification, send.Delivery);
        var receiver = ReceiverKey(delivery);
        SendPacer? pacer = null;
        try
        {
            // The notification's own app: its bot sends, and its card updates must come from the same bot.
            var client = await apps.GetClientAsync(send.AppName, cancellationToken).ConfigureAwait(false);
            pacer = PacerFor(send.AppName, client.RateLimit);
            if (pacer?.Reserve(receiver, delivery.Id) is { } slot)
            {
                return new ChannelOutcome.Paced(slot);
            }

            client = client.WithOptions(PacedBySender);
            try
            {
                if (delivery.MessageId is { } sentBefore)
                {
                    // Posted before: the content changed since, so the message is updated in place.
                    await client.Im.Messages.UpdateCardAsync(sentBefore, Content(notification), cancellationToken).ConfigureAwait(false);
                    return new ChannelOutcome.Sent(sentBefore);
                }

                var to = await resolver.ResolveAsync(send.AppName, new NotificationRecipient(delivery.RecipientType, delivery.Recipient), cancellationToken).ConfigureAwait(false);
                var sent = await client.Im.Messages.SendAsync(to, Content(notification), delivery.Uuid, cancellationToken).ConfigureAwait(false);
                return new ChannelOutcome.Sent(sent.MessageId);
            }
            finally
            {
                // Answered or not, it may have reached Feishu: the next sends are spaced from now.
                pacer?.Sent(receiver);
            }
        }
        catch (FeishuApiException ex) when (FeishuErrorCodes.IsRateLimit(ex.Code) || ex.HttpStatus == System.Net.HttpStatusCode.TooManyRequests)
        {
            // Throttled (the client's own retries, which honour the reset, did not get through); a per-receiver limit also
            // holds this receiver's next slot until the reset Feishu named.
            if (ex.Code is FeishuErrorCodes.ImRateLimited or FeishuErrorCodes.MessageChatRateLimited)
            {
                pacer?.Throttled(receiver, time.GetUtcNow() + (ex.RetryAfter is { } reset && reset > TimeSpan.Zero ? reset : options.Value.RateLimitedDelay));
            }

            return new ChannelOutcome.Throttled(FeishuFailures.From(ex), ex.RetryAfter);
        }
        catch (FeishuApiException ex)
        {
            return new ChannelOutcome.Refused(FeishuFailures.From(ex), ex.IsTransient);
        }
    }

    /// <summary>
    /// Feishu's limits hold per app (its tenant token): each app has its own pacer, on the limits its client enforces
    /// (<c>Feishu:RateLimit</c>, configured once), rebuilt if a rebuilt client has others; none when they are off.
    /// </summary>
    private SendPacer? PacerFor(string appName, FeishuRateLimitOptions limits)
    {
        if (!limits.Enabled)
        {
            return null;
        }

        return _pacers.TryGetValue(appName, out var pacer) && pacer.Paces(limits)
            ? pacer
            : _pacers.AddOrUpdate(appName, (_, l) => SendPacer.For(time, l), (_, current, l) => current.Paces(l) ? current : SendPacer.For(time, l), limits);
    }

    /// <summary>
    /// Whom a send goes to, for pacing: the recipient as named (an email and the same person's open_id are two keys
    /// here: should both be used at once, Feishu's 230020 holds that receiver back until the reset it names), or the
    /// message for an update (Feishu allows 5 updates a second per message).
    /// </summary>
    private static string ReceiverKey(NotificationDeliveryRow delivery) =>
        delivery.MessageId is { } messageId ? "message:" + messageId : delivery.RecipientType + ":" + delivery.Recipient;

    private static MessageContent Content(NotificationRow notification)
    {
        if (notification.MessageType == "template")
        {
            var template = JsonNode.Parse(notification.Content)!.AsObject();
            return MessageContent.Template(
                template["template_id"]!.GetValue<string>(),
                template["template_version_name"]?.GetValue<string>(),
                template["template_variable"]?.DeepClone().AsObject());
        }

        return MessageContent.Card(notification.Content);
    }
}
