using System.Text.Json.Nodes;
using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Hub.Apps;
using Larkway.Hub.Hosting;
using Larkway.Hub.Inbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Notifications;

/// <summary>
/// Drains the outbox: claims due deliveries under a lease, sends each with its stable <c>uuid</c> (so a retry after
/// an ambiguous failure never posts twice), and records Sent with the message id, Retrying with a back-off for
/// failures that may pass (rate limits, 5xx, network), or Failed with Feishu's code, message and log id.
/// </summary>
internal sealed partial class NotificationSender(
    NotificationStore store,
    NotificationSignal signal,
    IHubApps apps,
    IRecipientResolver resolver,
    TimeProvider time,
    IOptions<NotificationOptions> options,
    ILogger<NotificationSender> logger) : OutboxWorker<ClaimedDelivery>(signal, time)
{
    /// <summary>The code the status API reports when the notification's app is disabled or gone (negative: not a Feishu code).</summary>
    public const int AppUnavailableCode = -101;

    private readonly NotificationOptions _options = options.Value;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SendPacer> _pacers = new(StringComparer.Ordinal);

    /// <summary>This sender's lease owner name.</summary>
    public string Owner { get; } = InboxOwner.Create("sender");

    protected override int BatchSize => _options.BatchSize;

    protected override int Concurrency => _options.Concurrency;

    protected override TimeSpan PollInterval => _options.PollInterval;

    protected override Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(int batchSize, CancellationToken cancellationToken) =>
        store.ClaimAsync(Owner, batchSize, _options.LeaseDuration, cancellationToken);

    protected override Task HandleAsync(ClaimedDelivery item, CancellationToken stoppingToken) => SendOneAsync(item, stoppingToken);

    protected override void OnRoundFailed(Exception exception) => LogLoopFailed(logger, exception);

    private async Task SendOneAsync(ClaimedDelivery claimed, CancellationToken stoppingToken)
    {
        var delivery = claimed.Delivery;
        var receiver = ReceiverKey(delivery);
        var appName = claimed.Notification.App ?? "";
        var pacer = PacerFor(appName);
        try
        {
            if (pacer.Reserve(receiver, delivery.Id) is { } slot)
            {
                // The next send slot (the receiver's or the app's) is later: back to the outbox until then; the worker moves on.
                await store.DeferAsync(delivery.Id, Owner, slot, error: null, CancellationToken.None).ConfigureAwait(false);
                LogPaced(logger, delivery.Id, slot);
                _ = WakeAtAsync(slot, stoppingToken);
                return;
            }

            // The notification's own app: its bot sends, and its card updates must come from the same bot.
            var client = await apps.GetClientAsync(appName, stoppingToken).ConfigureAwait(false);
            string messageId;
            if (delivery.MessageId is { } sentBefore)
            {
                // Posted before: the content changed since, so the message is updated in place.
                await client.Im.Messages.UpdateCardAsync(sentBefore, Content(claimed.Notification), stoppingToken).ConfigureAwait(false);
                messageId = sentBefore;
            }
            else
            {
                var to = await resolver.ResolveAsync(appName, new NotificationRecipient(delivery.RecipientType, delivery.Recipient), stoppingToken).ConfigureAwait(false);
                messageId = (await client.Im.Messages.SendAsync(to, Content(claimed.Notification), delivery.Uuid, stoppingToken).ConfigureAwait(false)).MessageId;
            }

            await store.MarkSentAsync(delivery.Id, Owner, messageId, claimed.Notification.Version, CancellationToken.None).ConfigureAwait(false);
            LogSent(logger, claimed.Notification.Id, delivery.Id, delivery.Attempts);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the lease expires and a sender tries again with the same uuid.
        }
        catch (HubAppNotFoundException ex)
        {
            // Disabled (or deleted) after it was accepted: retried with back-off, so enabling the app again resumes it.
            var retryAt = delivery.Attempts < _options.MaxAttempts ? Time.GetUtcNow() + RetryDelay(delivery.Attempts) : (DateTimeOffset?)null;
            await RecordFailureAsync(claimed, new DeliveryError(AppUnavailableCode, ex.Message, null), retryAt).ConfigureAwait(false);
        }
        catch (RecipientNotFoundException ex)
        {
            await RecordFailureAsync(claimed, new DeliveryError(RecipientNotFoundException.Code, ex.Message, null), retryAt: null).ConfigureAwait(false);
        }
        catch (FeishuApiException ex) when (FeishuErrorCodes.IsRateLimit(ex.Code) || ex.HttpStatus == System.Net.HttpStatusCode.TooManyRequests)
        {
            // Throttled (the client's own retries, which honour the reset, did not get through): tried again at the
            // reset Feishu named, without using up an attempt; a per-receiver limit also holds this receiver's next slot.
            var retryAt = Time.GetUtcNow() + (ex.RetryAfter is { } reset && reset > TimeSpan.Zero ? reset : _options.RateLimitedDelay);
            if (ex.Code is FeishuErrorCodes.ImRateLimited or FeishuErrorCodes.MessageChatRateLimited)
            {
                pacer.Throttled(receiver, retryAt);
            }

            await DeferAfterRateLimitAsync(claimed, new DeliveryError(ex.Code, ex.Msg, ex.LogId), retryAt).ConfigureAwait(false);
        }
        catch (FeishuApiException ex)
        {
            var retryAt = ex.IsTransient && delivery.Attempts < _options.MaxAttempts ? Time.GetUtcNow() + RetryDelay(delivery.Attempts) : (DateTimeOffset?)null;
            await RecordFailureAsync(claimed, new DeliveryError(ex.Code, ex.Msg, ex.LogId), retryAt).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or OperationCanceledException)
        {
            var retryAt = delivery.Attempts < _options.MaxAttempts ? Time.GetUtcNow() + RetryDelay(delivery.Attempts) : (DateTimeOffset?)null;
            await RecordFailureAsync(claimed, new DeliveryError(FeishuErrorCodes.NetworkError, ex.GetType().Name + ": " + ex.Message, null), retryAt).ConfigureAwait(false);
        }
    }

    private async Task RecordFailureAsync(ClaimedDelivery claimed, DeliveryError error, DateTimeOffset? retryAt)
    {
        try
        {
            await store.MarkFailedAsync(claimed.Delivery.Id, Owner, error, retryAt, CancellationToken.None).ConfigureAwait(false);
            if (retryAt is null)
            {
                LogFailed(logger, claimed.Notification.Id, claimed.Delivery.Id, error.Code, error.LogId);
            }
            else
            {
                LogRetrying(logger, claimed.Notification.Id, claimed.Delivery.Id, error.Code, retryAt.Value);
            }
        }
        catch (Exception ex)
        {
            // The lease expires and the delivery is tried again; its uuid keeps that from posting twice.
            LogRecordFailed(logger, claimed.Delivery.Id, ex.GetType().Name);
        }
    }

    /// <summary>Wakes this sender at a paced delivery's slot, so it goes then rather than at the next poll.</summary>
    private async Task WakeAtAsync(DateTimeOffset slot, CancellationToken stoppingToken)
    {
        try
        {
            var due = slot - Time.GetUtcNow();
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, Time, stoppingToken).ConfigureAwait(false);
            }

            Wake();
        }
        catch (OperationCanceledException)
        {
            // Stopping: the delivery waits in the outbox for the next sender.
        }
    }

    private async Task DeferAfterRateLimitAsync(ClaimedDelivery claimed, DeliveryError error, DateTimeOffset retryAt)
    {
        try
        {
            await store.DeferAsync(claimed.Delivery.Id, Owner, retryAt, error, CancellationToken.None).ConfigureAwait(false);
            LogRetrying(logger, claimed.Notification.Id, claimed.Delivery.Id, error.Code, retryAt);
        }
        catch (Exception ex)
        {
            LogRecordFailed(logger, claimed.Delivery.Id, ex.GetType().Name);
        }
    }

    /// <summary>
    /// Whom a send goes to, for pacing: the recipient as named (an email and the same person's open_id are two keys
    /// here; the Feishu client's own per-receiver limiter, keyed by the resolved id, catches the rest), or the message
    /// for an update (Feishu allows 5 updates a second per message).
    /// </summary>
    /// <summary>Feishu's limits hold per app (its tenant token): each app has its own pacer.</summary>
    private SendPacer PacerFor(string appName) => _pacers.GetOrAdd(appName, _ =>
        SendPacer.ForFeishu(Time, _options.MessagesPerSecondPerReceiver, _options.MessagesPerSecond, _options.MessagesPerMinute));

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

    private TimeSpan RetryDelay(int attempts)
    {
        var delays = _options.EffectiveRetryDelays;
        return delays[Math.Clamp(attempts - 1, 0, delays.Count - 1)];
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "Notification {NotificationId}: delivery {DeliveryId} sent (attempt {Attempt}).")]
    private static partial void LogSent(ILogger logger, string notificationId, long deliveryId, int attempt);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Notification {NotificationId}: delivery {DeliveryId} failed with code {Code}; retrying at {RetryAt:o}.")]
    private static partial void LogRetrying(ILogger logger, string notificationId, long deliveryId, int code, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Notification {NotificationId}: delivery {DeliveryId} failed for good with code {Code} (log id {LogId}).")]
    private static partial void LogFailed(ILogger logger, string notificationId, long deliveryId, int code, string? logId);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Error, Message = "Notification sender loop failed; retrying after the poll interval.")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Debug, Message = "Notification delivery {DeliveryId}: its next send slot is {Slot:o}; back in the outbox until then.")]
    private static partial void LogPaced(ILogger logger, long deliveryId, DateTimeOffset slot);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Error, Message = "Notification delivery {DeliveryId}: recording its outcome failed ({ExceptionType}); it is retried after its lease expires.")]
    private static partial void LogRecordFailed(ILogger logger, long deliveryId, string exceptionType);
}
