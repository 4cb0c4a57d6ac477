using System.Text.Json.Nodes;
using Larkway.Feishu;
using Larkway.Feishu.Im;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Http;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Notifications;

/// <summary>The notification outbox: one <see cref="NotificationDeliveryRow"/> per recipient.</summary>
internal static class NotificationQueue
{
    /// <summary>The queue's name.</summary>
    public const string Name = "notifications";
}

/// <summary>
/// Sends one claimed delivery with its stable <c>uuid</c> (so a retry after an ambiguous failure never posts twice) —
/// or updates the message already sent when the content changed — and says how it ended: sent with the message id,
/// retried after a back-off for failures that may pass (5xx, network, an expired token), deferred without using an
/// attempt when paced or throttled, or failed for good with Feishu's code, message and log id.
/// </summary>
internal sealed partial class NotificationSender(
    NotificationStore store,
    IFeishuClientFactory apps,
    IRecipientResolver resolver,
    TimeProvider time,
    IOptions<NotificationOptions> options,
    ILogger<NotificationSender> logger,
    HubAppRegistry? registry = null,
    DingTalk.DingTalkNotificationSender? dingTalk = null,
    WeCom.WeComNotificationSender? weCom = null,
    Routing.PersonRouter? router = null,
    Routing.PersonLinker? linker = null) : IWorkHandler<NotificationDeliveryRow>, IWorkRecordedHandler<NotificationDeliveryRow>
{
    /// <summary>The code the status API reports when the notification's app is disabled or gone (negative: not a Feishu code).</summary>
    public const int AppUnavailableCode = -101;

    /// <summary>The sender schedules every send against the app's limits itself (<see cref="SendPacer"/>): the client's limiter must not hold them again.</summary>
    private static readonly FeishuRequestOptions PacedBySender = new() { PacedByCaller = true };

    private readonly NotificationOptions _options = options.Value;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SendPacer> _pacers = new(StringComparer.Ordinal);

    public async Task<WorkOutcome<NotificationDeliveryRow>> HandleAsync(NotificationDeliveryRow delivery, CancellationToken cancellationToken)
    {
        if (await store.FindNotificationAsync(delivery.NotificationId, cancellationToken).ConfigureAwait(false) is not { } notification)
        {
            return WorkOutcome<NotificationDeliveryRow>.DeadLetter("The notification no longer exists.");
        }

        if (delivery.PersonId is null || router is null || linker is null)
        {
            return await SendAsync(notification, delivery, cancellationToken).ConfigureAwait(false);
        }

        // A person routed by email or mobile is looked up (and linked) on their platform first.
        var platform = PlatformOf(delivery);
        var lookup = await linker.LookUpAsync(delivery, notification, cancellationToken).ConfigureAwait(false);
        if (lookup.Unavailable is { } unavailable)
        {
            return Failed(notification, delivery, new FeishuFailure(FeishuErrorCodes.NetworkError, unavailable, null), transient: true);
        }

        var outcome = lookup.NotFound is { } notFound
            ? Failed(notification, delivery, new FeishuFailure(RecipientNotFoundException.Code, notFound, null), transient: false)
            : await SendAsync(notification, delivery, cancellationToken).ConfigureAwait(false);
        outcome = lookup.Also is { } also ? outcome.AlsoSetting(also) : outcome;
        return outcome.Kind == WorkOutcomeKind.DeadLetter && delivery.MessageId is null
            ? await FallBackAsync(notification, delivery, platform, outcome, cancellationToken).ConfigureAwait(false)
            : outcome;
    }

    /// <summary>
    /// A routed person's platform refused for good: the delivery moves to the next platform of the person's order (at once,
    /// without using an attempt), or stays failed with why no platform is left.
    /// </summary>
    private async Task<WorkOutcome<NotificationDeliveryRow>> FallBackAsync(NotificationRow notification, NotificationDeliveryRow delivery, string platform,
        WorkOutcome<NotificationDeliveryRow> refused, CancellationToken cancellationToken)
    {
        if (await router!.FindAsync(delivery.PersonId!, cancellationToken).ConfigureAwait(false) is not { } person)
        {
            return refused;
        }

        var tried = (delivery.PlatformsTried ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Append(platform).Distinct().ToList();
        var (next, why) = await router.NextAsync(person, notification.Type, notification.App, tried, cancellationToken).ConfigureAwait(false);
        var refusal = $"{Directory.Links.PersonPlatform.Display(platform)}: {refused.Error}";
        if (next is null)
        {
            return WorkOutcome<NotificationDeliveryRow>.DeadLetter(Truncate($"{refusal} {why}"), refused.Also);
        }

        LogFellBack(logger, notification.Id, delivery.Id, platform, next.Platform);
        var triedText = string.Join(',', tried);
        return WorkOutcome<NotificationDeliveryRow>.Defer(time.GetUtcNow(), Truncate($"{refusal} Trying {Directory.Links.PersonPlatform.Display(next.Platform)} next."), s =>
        {
            refused.Also?.Invoke(s);
            s.SetProperty(d => d.App, next.App);
            s.SetProperty(d => d.RecipientType, next.RecipientType);
            s.SetProperty(d => d.Recipient, next.Recipient);
            s.SetProperty(d => d.PlatformsTried, triedText);
        });
    }

    /// <summary>The platform a delivery goes to, by its recipient's kind.</summary>
    internal static string PlatformOf(NotificationDeliveryRow delivery) =>
        delivery.RecipientType.StartsWith("dingtalk_", StringComparison.Ordinal) ? Directory.Links.PersonPlatform.DingTalk
        : delivery.RecipientType.StartsWith("wecom_", StringComparison.Ordinal) ? Directory.Links.PersonPlatform.WeCom
        : Directory.Links.PersonPlatform.Feishu;

    private static string Truncate(string text) =>
        text.Length <= NotificationDeliveryRow.MaxErrorLength ? text : text[..NotificationDeliveryRow.MaxErrorLength];

    /// <summary>Sends one delivery with the app that sends it: a routed delivery's own app, else the notification's.</summary>
    private async Task<WorkOutcome<NotificationDeliveryRow>> SendAsync(NotificationRow notification, NotificationDeliveryRow delivery, CancellationToken cancellationToken)
    {
        var receiver = ReceiverKey(delivery);
        var appName = delivery.App ?? notification.App ?? "";
        if (appName.Length > 0 && registry is not null && (dingTalk is not null || weCom is not null)
            && await registry.FindAsync(appName, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            if (stored.IsDingTalk && dingTalk is not null)
            {
                return await SendOnDingTalkAsync(stored, notification, delivery, cancellationToken).ConfigureAwait(false);
            }

            if (stored.IsWeCom && weCom is not null)
            {
                return await SendOnWeComAsync(stored, notification, delivery, cancellationToken).ConfigureAwait(false);
            }
        }

        SendPacer? pacer = null;
        try
        {
            // The notification's own app: its bot sends, and its card updates must come from the same bot.
            var client = await apps.GetClientAsync(appName, cancellationToken).ConfigureAwait(false);
            pacer = PacerFor(appName, client.RateLimit);
            if (pacer?.Reserve(receiver, delivery.Id) is { } slot)
            {
                // The next send slot (the receiver's or the app's) is later: back to the outbox until then; the worker moves on.
                LogPaced(logger, delivery.Id, slot);
                return WorkOutcome<NotificationDeliveryRow>.Defer(slot);
            }

            client = client.WithOptions(PacedBySender);
            string messageId;
            try
            {
                if (delivery.MessageId is { } sentBefore)
                {
                    // Posted before: the content changed since, so the message is updated in place.
                    await client.Im.Messages.UpdateCardAsync(sentBefore, Content(notification), cancellationToken).ConfigureAwait(false);
                    messageId = sentBefore;
                }
                else
                {
                    var to = await resolver.ResolveAsync(appName, new NotificationRecipient(delivery.RecipientType, delivery.Recipient), cancellationToken).ConfigureAwait(false);
                    messageId = (await client.Im.Messages.SendAsync(to, Content(notification), delivery.Uuid, cancellationToken).ConfigureAwait(false)).MessageId;
                }
            }
            finally
            {
                // Answered or not, it may have reached Feishu: the next sends are spaced from now.
                pacer?.Sent(receiver);
            }

            return Sent(notification, delivery, messageId);
        }
        catch (HubAppNotFoundException ex)
        {
            // Disabled (or deleted) after it was accepted: retried with back-off, so enabling the app again resumes it.
            return Failed(notification, delivery, new FeishuFailure(AppUnavailableCode, ex.Message, null), transient: true);
        }
        catch (RecipientNotFoundException ex)
        {
            return Failed(notification, delivery, new FeishuFailure(RecipientNotFoundException.Code, ex.Message, null), transient: false);
        }
        catch (FeishuApiException ex) when (FeishuErrorCodes.IsRateLimit(ex.Code) || ex.HttpStatus == System.Net.HttpStatusCode.TooManyRequests)
        {
            // Throttled (the client's own retries, which honour the reset, did not get through): tried again at the
            // reset Feishu named, without using up an attempt; a per-receiver limit also holds this receiver's next slot.
            var retryAt = time.GetUtcNow() + (ex.RetryAfter is { } reset && reset > TimeSpan.Zero ? reset : _options.RateLimitedDelay);
            if (ex.Code is FeishuErrorCodes.ImRateLimited or FeishuErrorCodes.MessageChatRateLimited)
            {
                pacer?.Throttled(receiver, retryAt);
            }

            LogRetrying(logger, notification.Id, delivery.Id, ex.Code, retryAt);
            int? code = ex.Code;
            var logId = ex.LogId;
            return WorkOutcome<NotificationDeliveryRow>.Defer(retryAt, ex.Msg, s =>
            {
                s.SetProperty(d => d.ErrorCode, code);
                s.SetProperty(d => d.LogId, logId);
            });
        }
        catch (FeishuApiException ex)
        {
            return Failed(notification, delivery, new FeishuFailure(ex.Code, ex.Msg, ex.LogId), ex.IsTransient);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return Failed(notification, delivery, new FeishuFailure(FeishuErrorCodes.NetworkError, ex.GetType().Name + ": " + ex.Message, null), transient: true);
        }
    }

    /// <summary>
    /// A delivery of a DingTalk app's notification (<see cref="DingTalk.DingTalkNotificationSender"/>): DingTalk's errors
    /// reported like Feishu's — its request id as the log id, a rate refusal deferred without using an attempt.
    /// </summary>
    private async Task<WorkOutcome<NotificationDeliveryRow>> SendOnDingTalkAsync(StoredApp app, NotificationRow notification, NotificationDeliveryRow delivery, CancellationToken cancellationToken)
    {
        try
        {
            if (!app.Enabled || app.Error is not null)
            {
                throw new HubAppNotFoundException(app.Error ?? $"The DingTalk app '{app.Name}' is disabled in the Hub.");
            }

            var messageId = await dingTalk!.SendAsync(app, notification, delivery, cancellationToken).ConfigureAwait(false);
            return Sent(notification, delivery, messageId);
        }
        catch (HubAppNotFoundException ex)
        {
            return Failed(notification, delivery, new FeishuFailure(AppUnavailableCode, ex.Message, null), transient: true);
        }
        catch (RecipientNotFoundException ex)
        {
            return Failed(notification, delivery, new FeishuFailure(RecipientNotFoundException.Code, ex.Message, null), transient: false);
        }
        catch (DingTalk.DingTalkRenderException ex)
        {
            return Failed(notification, delivery, new FeishuFailure(DingTalkRenderFailedCode, ex.Message, null), transient: false);
        }
        catch (Larkway.DingTalk.DingTalkApiException ex) when (Larkway.DingTalk.DingTalkErrorCodes.IsRateLimit(ex.Code, ex.HttpStatus))
        {
            var retryAt = time.GetUtcNow() + (ex.RetryAfter is { } reset && reset > TimeSpan.Zero ? reset : _options.RateLimitedDelay);
            LogRetrying(logger, notification.Id, delivery.Id, ex.ErrCode ?? DingTalkRateLimitedCode, retryAt);
            var logId = ex.RequestId;
            return WorkOutcome<NotificationDeliveryRow>.Defer(retryAt, ex.Code + ": " + ex.ErrorMessage, s => s.SetProperty(d => d.LogId, logId));
        }
        catch (Larkway.DingTalk.DingTalkApiException ex)
        {
            return Failed(notification, delivery, new FeishuFailure(ex.ErrCode ?? DingTalkErrorCode, ex.Code + ": " + ex.ErrorMessage, ex.RequestId), ex.IsTransient);
        }
    }

    /// <summary>
    /// A delivery of a WeCom app's notification (<see cref="WeCom.WeComNotificationSender"/>): WeCom's errcode reported as
    /// the code, a rate refusal (45009, HTTP 429, the client's own gate) deferred without using an attempt.
    /// </summary>
    private async Task<WorkOutcome<NotificationDeliveryRow>> SendOnWeComAsync(StoredApp app, NotificationRow notification, NotificationDeliveryRow delivery, CancellationToken cancellationToken)
    {
        try
        {
            if (!app.Enabled || app.Error is not null)
            {
                throw new HubAppNotFoundException(app.Error ?? $"The WeCom app '{app.Name}' is disabled in the Hub.");
            }

            var sent = await weCom!.SendAsync(app, notification, delivery, cancellationToken).ConfigureAwait(false);
            return Sent(notification, delivery, sent.MessageId, s => s.SetProperty(d => d.ResponseCode, sent.ResponseCode));
        }
        catch (HubAppNotFoundException ex)
        {
            return Failed(notification, delivery, new FeishuFailure(AppUnavailableCode, ex.Message, null), transient: true);
        }
        catch (RecipientNotFoundException ex)
        {
            return Failed(notification, delivery, new FeishuFailure(RecipientNotFoundException.Code, ex.Message, null), transient: false);
        }
        catch (WeCom.WeComRenderException ex)
        {
            return Failed(notification, delivery, new FeishuFailure(WeComRenderFailedCode, ex.Message, null), transient: false);
        }
        catch (Larkway.WeCom.WeComApiException ex) when (Larkway.WeCom.WeComErrorCodes.IsRateLimit(ex.Code, ex.HttpStatus))
        {
            var retryAt = time.GetUtcNow() + (ex.RetryAfter is { } reset && reset > TimeSpan.Zero ? reset : _options.RateLimitedDelay);
            LogRetrying(logger, notification.Id, delivery.Id, ex.ErrCode ?? WeComRateLimitedCode, retryAt);
            var logId = ex.RequestId;
            return WorkOutcome<NotificationDeliveryRow>.Defer(retryAt, ex.Code + ": " + ex.ErrorMessage, s => s.SetProperty(d => d.LogId, logId));
        }
        catch (Larkway.WeCom.WeComApiException ex)
        {
            return Failed(notification, delivery, new FeishuFailure(ex.ErrCode ?? WeComErrorCode, ex.Code + ": " + ex.ErrorMessage, ex.RequestId), ex.IsTransient);
        }
    }

    /// <summary>The code the status API reports when a notification cannot be shown on WeCom (negative: not a platform code).</summary>
    public const int WeComRenderFailedCode = -105;

    /// <summary>The code reported for a WeCom failure without an errcode (the client's own: a timeout, the network), beside its text.</summary>
    public const int WeComErrorCode = -106;

    private const int WeComRateLimitedCode = -107;

    /// <summary>A delivery sent (on either platform): its message id, when first sent, the version it shows, no error.</summary>
    private WorkOutcome<NotificationDeliveryRow> Sent(NotificationRow notification, NotificationDeliveryRow delivery, string messageId,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<NotificationDeliveryRow>>? also = null)
    {
        LogSent(logger, notification.Id, delivery.Id, delivery.Attempts);
        DateTimeOffset? now = time.GetUtcNow();
        int? version = notification.Version;
        return WorkOutcome<NotificationDeliveryRow>.Done(s =>
        {
            s.SetProperty(d => d.MessageId, messageId);
            s.SetProperty(d => d.SentAt, d => d.SentAt ?? now);
            s.SetProperty(d => d.SentVersion, version);
            s.SetProperty(d => d.ErrorCode, (int?)null);
            s.SetProperty(d => d.LogId, (string?)null);
            also?.Invoke(s);
        });
    }

    /// <summary>The code the status API reports when a notification cannot be shown on DingTalk (negative: not a platform code).</summary>
    public const int DingTalkRenderFailedCode = -102;

    /// <summary>The code reported for a DingTalk refusal whose code is a string (the new API's), beside its text.</summary>
    public const int DingTalkErrorCode = -103;

    private const int DingTalkRateLimitedCode = -104;

    /// <summary>A message sent while the content changed shows an older version: it is queued again to be updated.</summary>
    public Task OnRecordedAsync(NotificationDeliveryRow item, WorkOutcome<NotificationDeliveryRow> outcome, CancellationToken cancellationToken) =>
        outcome.Kind == WorkOutcomeKind.Done ? store.RequeueIfStaleAsync(item.Id, cancellationToken) : Task.CompletedTask;

    private WorkOutcome<NotificationDeliveryRow> Failed(NotificationRow notification, NotificationDeliveryRow delivery, FeishuFailure error, bool transient)
    {
        var retryAt = transient ? _options.Retry.NextAttempt(time.GetUtcNow(), delivery.Attempts) : null;
        if (retryAt is { } at)
        {
            LogRetrying(logger, notification.Id, delivery.Id, error.Code, at);
        }
        else
        {
            LogFailed(logger, notification.Id, delivery.Id, error.Code, error.LogId);
        }

        int? code = error.Code;
        var logId = error.LogId;
        return WorkOutcome<NotificationDeliveryRow>.Failed(retryAt, error.Message, s =>
        {
            s.SetProperty(d => d.ErrorCode, code);
            s.SetProperty(d => d.LogId, logId);
        });
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

    [LoggerMessage(EventId = LogEvents.NotificationSenderSent, Level = LogLevel.Debug, Message = "Notification {NotificationId}: delivery {DeliveryId} sent (attempt {Attempt}).")]
    private static partial void LogSent(ILogger logger, string notificationId, long deliveryId, int attempt);

    [LoggerMessage(EventId = LogEvents.NotificationSenderRetrying, Level = LogLevel.Warning, Message = "Notification {NotificationId}: delivery {DeliveryId} failed with code {Code}; retrying at {RetryAt:o}.")]
    private static partial void LogRetrying(ILogger logger, string notificationId, long deliveryId, int code, DateTimeOffset retryAt);

    [LoggerMessage(EventId = LogEvents.NotificationSenderFailed, Level = LogLevel.Warning, Message = "Notification {NotificationId}: delivery {DeliveryId} failed for good with code {Code} (log id {LogId}).")]
    private static partial void LogFailed(ILogger logger, string notificationId, long deliveryId, int code, string? logId);

    [LoggerMessage(EventId = LogEvents.PersonRoutingFellBack, Level = LogLevel.Information, Message = "Notification {NotificationId}: delivery {DeliveryId} refused on {Platform} for good; trying {Next} next.")]
    private static partial void LogFellBack(ILogger logger, string notificationId, long deliveryId, string platform, string next);

    [LoggerMessage(EventId = LogEvents.NotificationSenderPaced, Level = LogLevel.Debug, Message = "Notification delivery {DeliveryId}: its next send slot is {Slot:o}; back in the outbox until then.")]
    private static partial void LogPaced(ILogger logger, long deliveryId, DateTimeOffset slot);
}
