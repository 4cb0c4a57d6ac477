using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Http;
using Larkway.Hub.Platform.Queue;
using Microsoft.EntityFrameworkCore.Query;
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
/// Sends one claimed delivery through its platform's channel (<see cref="INotificationChannel"/>) — or updates the message
/// already sent when the content changed — and says how it ended: sent with the message id, retried after a back-off for
/// failures that may pass (5xx, network, an expired token), deferred without using an attempt when paced or throttled, or
/// failed for good with the platform's code, message and log id. A routed person's delivery that fails for good moves on
/// to the next platform of their order. The sender knows no platform: the delivery's app names its platform.
/// </summary>
internal sealed partial class NotificationSender(
    NotificationStore store,
    NotificationChannels channels,
    TimeProvider time,
    IOptions<NotificationOptions> options,
    ILogger<NotificationSender> logger,
    HubAppRegistry? registry = null,
    Routing.PersonRouter? router = null,
    Routing.PersonLinker? linker = null) : IWorkHandler<NotificationDeliveryRow>, IWorkRecordedHandler<NotificationDeliveryRow>
{
    /// <summary>The code the status API reports when the notification's app is disabled or gone (negative: not a platform code).</summary>
    public const int AppUnavailableCode = -101;

    /// <summary>The code the status API reports when the platform did not answer: the network, a timeout (negative: not a platform code).</summary>
    public const int NoAnswerCode = -2;

    private readonly NotificationOptions _options = options.Value;

    public async Task<WorkOutcome<NotificationDeliveryRow>> HandleAsync(NotificationDeliveryRow delivery, CancellationToken cancellationToken)
    {
        if (await store.FindNotificationAsync(delivery.NotificationId, cancellationToken).ConfigureAwait(false) is not { } notification)
        {
            return WorkOutcome<NotificationDeliveryRow>.DeadLetter("The notification no longer exists.");
        }

        // The platform is decided once, by the app that sends: a routed delivery's own app, else the notification's.
        var appName = delivery.App ?? notification.App ?? "";
        var app = appName.Length > 0 && registry is not null ? await registry.FindAsync(appName, cancellationToken).ConfigureAwait(false) : null;
        var platform = HubAppPlatform.Of(app?.Platform);
        var channel = channels.For(platform);
        var send = new ChannelSend(appName, app, notification, delivery);
        if (delivery.PersonId is null || router is null || linker is null)
        {
            return await SendAsync(channel, platform, send, cancellationToken).ConfigureAwait(false);
        }

        // A person routed by email or mobile is looked up (and linked) on their platform first.
        var lookup = await linker.LookUpAsync(delivery, notification, cancellationToken).ConfigureAwait(false);
        if (lookup.Unavailable is { } unavailable)
        {
            return Failed(notification, delivery, PlatformFailure.Numbered(platform, NoAnswerCode, unavailable), transient: true);
        }

        var refusal = lookup.NotFound is { } notFound ? PlatformFailure.Numbered(platform, RecipientNotFoundException.Code, notFound) : null;
        var outcome = refusal is not null
            ? Failed(notification, delivery, refusal, transient: false)
            : await SendAsync(channel, platform, send, cancellationToken, failure => refusal = failure).ConfigureAwait(false);
        outcome = lookup.Also is { } also ? outcome.AlsoSetting(also) : outcome;
        return outcome.Kind == WorkOutcomeKind.DeadLetter && delivery.MessageId is null
            ? await FallBackAsync(notification, delivery, platform, outcome, refusal, cancellationToken).ConfigureAwait(false)
            : outcome;
    }

    /// <summary>
    /// A routed person's platform refused for good: the delivery moves to the next platform of the person's order (at once,
    /// without using an attempt), or stays failed with why no platform is left. Either way its steps record the refusal
    /// (with the platform's code) and the platforms skipped after it.
    /// </summary>
    private async Task<WorkOutcome<NotificationDeliveryRow>> FallBackAsync(NotificationRow notification, NotificationDeliveryRow delivery, string platform,
        WorkOutcome<NotificationDeliveryRow> refused, PlatformFailure? failure, CancellationToken cancellationToken)
    {
        if (await router!.FindAsync(delivery.PersonId!, cancellationToken).ConfigureAwait(false) is not { } person)
        {
            return refused;
        }

        // The current platform's step is the one without an outcome (a row stored before steps were kept has none: added).
        var steps = Routing.RouteStep.Read(delivery.PlatformsTried).ToList();
        var current = steps.FindIndex(s => s.Outcome is null);
        if (current < 0)
        {
            steps.Add(new Routing.RouteStep(platform));
            current = steps.Count - 1;
        }

        var considered = steps.Select(s => s.Platform).Append(platform).Distinct().ToList();
        var (next, why, skipped) = await router.NextAsync(person, notification.Type, notification.App, considered, cancellationToken).ConfigureAwait(false);
        var refusal = $"{HubAppPlatform.Display(platform)}: {refused.Error}";
        if (next is null)
        {
            // It stays on this platform, failed: its step shows the delivery's status and code; the skipped ones follow.
            var finalSteps = Routing.RouteStep.Write([.. steps, .. skipped]);
            return WorkOutcome<NotificationDeliveryRow>.DeadLetter(Truncate($"{refusal} {why}"), refused.Also)
                .AlsoSetting(s => s.SetProperty(d => d.PlatformsTried, finalSteps));
        }

        LogFellBack(logger, notification.Id, delivery.Id, platform, next.Platform);
        steps[current] = Routing.RouteStep.RefusedWith(platform, failure);
        var triedText = Routing.RouteStep.Write([.. steps, .. skipped, new Routing.RouteStep(next.Platform)]);
        return WorkOutcome<NotificationDeliveryRow>.Defer(time.GetUtcNow(), Truncate($"{refusal} Trying {HubAppPlatform.Display(next.Platform)} next."), s =>
        {
            refused.Also?.Invoke(s);
            s.SetProperty(d => d.App, next.App);
            s.SetProperty(d => d.RecipientType, next.RecipientType);
            s.SetProperty(d => d.Recipient, next.Recipient);
            s.SetProperty(d => d.PlatformsTried, triedText);
        });
    }

    /// <summary>The platform a delivery goes to, by its recipient's kind (the status API's <c>platform</c>).</summary>
    internal static string PlatformOf(NotificationDeliveryRow delivery) => NotificationRequest.PlatformOf(delivery.RecipientType);

    private static string Truncate(string text) =>
        text.Length <= NotificationDeliveryRow.MaxErrorLength ? text : text[..NotificationDeliveryRow.MaxErrorLength];

    /// <summary>Sends one delivery through <paramref name="platform"/>'s channel, and turns how it ended into the outbox's outcome.</summary>
    private async Task<WorkOutcome<NotificationDeliveryRow>> SendAsync(INotificationChannel channel, string platform, ChannelSend send, CancellationToken cancellationToken,
        Action<PlatformFailure>? refusedForGood = null)
    {
        var (notification, delivery) = (send.Notification, send.Delivery);
        ChannelOutcome outcome;
        try
        {
            outcome = await channel.SendAsync(send, cancellationToken).ConfigureAwait(false);
        }
        catch (HubAppNotFoundException ex)
        {
            // Disabled (or deleted) after it was accepted: retried with back-off, so enabling the app again resumes it.
            return Failed(notification, delivery, PlatformFailure.Numbered(platform, AppUnavailableCode, ex.Message), transient: true);
        }
        catch (RecipientNotFoundException ex)
        {
            // The platform's own refusal when one said so (its code as it gave it), else the Hub's code; the Hub's words.
            var notFound = ex.Failure is { } said ? said with { Message = ex.Message } : PlatformFailure.Numbered(platform, RecipientNotFoundException.Code, ex.Message);
            refusedForGood?.Invoke(notFound);
            return Failed(notification, delivery, notFound, transient: false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return Failed(notification, delivery, PlatformFailure.Numbered(platform, NoAnswerCode, ex.GetType().Name + ": " + ex.Message), transient: true);
        }

        switch (outcome)
        {
            case ChannelOutcome.Sent sent:
                return Sent(notification, delivery, sent.MessageId, sent.ResponseCode);
            case ChannelOutcome.Paced paced:
                // The next send slot (the receiver's or the app's) is later: back to the outbox until then; the worker moves on.
                LogPaced(logger, delivery.Id, paced.Slot);
                return WorkOutcome<NotificationDeliveryRow>.Defer(paced.Slot);
            case ChannelOutcome.Throttled throttled:
            {
                // Throttled (the client's own retries did not get through): tried again at the reset the platform named,
                // without using up an attempt.
                var retryAt = time.GetUtcNow() + (throttled.RetryAfter is { } reset && reset > TimeSpan.Zero ? reset : _options.RateLimitedDelay);
                LogRetrying(logger, notification.Id, delivery.Id, throttled.Failure.CodeText, retryAt);
                return WorkOutcome<NotificationDeliveryRow>.Defer(retryAt, throttled.Failure.Message, Recording(throttled.Failure));
            }

            case ChannelOutcome.Refused refused:
                if (!refused.Transient)
                {
                    refusedForGood?.Invoke(refused.Failure);
                }

                return Failed(notification, delivery, refused.Failure, refused.Transient);
            default:
                throw new InvalidOperationException($"The {platform} channel answered {outcome.GetType().Name}, which the outbox does not know.");
        }
    }

    /// <summary>A delivery sent: its message id, when first sent, the version it shows, no error; and the platform's update token when it gave one.</summary>
    private WorkOutcome<NotificationDeliveryRow> Sent(NotificationRow notification, NotificationDeliveryRow delivery, string messageId, string? responseCode)
    {
        LogSent(logger, notification.Id, delivery.Id, delivery.Attempts);
        DateTimeOffset? now = time.GetUtcNow();
        int? version = notification.Version;
        var platformUpdates = responseCode is not null || delivery.ResponseCode is not null;
        return WorkOutcome<NotificationDeliveryRow>.Done(s =>
        {
            s.SetProperty(d => d.MessageId, messageId);
            s.SetProperty(d => d.SentAt, d => d.SentAt ?? now);
            s.SetProperty(d => d.SentVersion, version);
            s.SetProperty(d => d.ErrorCode, (int?)null);
            s.SetProperty(d => d.PlatformCode, (string?)null);
            s.SetProperty(d => d.ErrorPlatform, (string?)null);
            s.SetProperty(d => d.LogId, (string?)null);
            if (platformUpdates)
            {
                s.SetProperty(d => d.ResponseCode, responseCode);
            }
        });
    }

    /// <summary>A message sent while the content changed shows an older version: it is queued again to be updated.</summary>
    public Task OnRecordedAsync(NotificationDeliveryRow item, WorkOutcome<NotificationDeliveryRow> outcome, CancellationToken cancellationToken) =>
        outcome.Kind == WorkOutcomeKind.Done ? store.RequeueIfStaleAsync(item.Id, cancellationToken) : Task.CompletedTask;

    private WorkOutcome<NotificationDeliveryRow> Failed(NotificationRow notification, NotificationDeliveryRow delivery, PlatformFailure error, bool transient)
    {
        var retryAt = transient ? _options.Retry.NextAttempt(time.GetUtcNow(), delivery.Attempts) : null;
        if (retryAt is { } at)
        {
            LogRetrying(logger, notification.Id, delivery.Id, error.CodeText, at);
        }
        else
        {
            LogFailed(logger, notification.Id, delivery.Id, error.CodeText, error.RequestId);
        }

        return WorkOutcome<NotificationDeliveryRow>.Failed(retryAt, error.Message, Recording(error));
    }

    /// <summary>
    /// The failure's columns: the platform, its code as it gave it, the request id — and the code as a number when it is
    /// one, where older Hubs read it.
    /// </summary>
    private static Action<UpdateSettersBuilder<NotificationDeliveryRow>> Recording(PlatformFailure failure)
    {
        int? number = failure.Number is { } n && n is >= int.MinValue and <= int.MaxValue ? (int)n : null;
        var code = failure.Code.Length <= NotificationDeliveryRow.MaxPlatformCodeLength ? failure.Code : null;
        var platform = failure.Platform;
        var requestId = failure.RequestId is { Length: > 128 } longId ? longId[..128] : failure.RequestId;
        return s =>
        {
            s.SetProperty(d => d.ErrorCode, number);
            s.SetProperty(d => d.PlatformCode, code);
            s.SetProperty(d => d.ErrorPlatform, platform);
            s.SetProperty(d => d.LogId, requestId);
        };
    }

    [LoggerMessage(EventId = LogEvents.NotificationSenderSent, Level = LogLevel.Debug, Message = "Notification {NotificationId}: delivery {DeliveryId} sent (attempt {Attempt}).")]
    private static partial void LogSent(ILogger logger, string notificationId, long deliveryId, int attempt);

    [LoggerMessage(EventId = LogEvents.NotificationSenderRetrying, Level = LogLevel.Warning, Message = "Notification {NotificationId}: delivery {DeliveryId} failed with code {Code}; retrying at {RetryAt:o}.")]
    private static partial void LogRetrying(ILogger logger, string notificationId, long deliveryId, string code, DateTimeOffset retryAt);

    [LoggerMessage(EventId = LogEvents.NotificationSenderFailed, Level = LogLevel.Warning, Message = "Notification {NotificationId}: delivery {DeliveryId} failed for good with code {Code} (log id {LogId}).")]
    private static partial void LogFailed(ILogger logger, string notificationId, long deliveryId, string code, string? logId);

    [LoggerMessage(EventId = LogEvents.PersonRoutingFellBack, Level = LogLevel.Information, Message = "Notification {NotificationId}: delivery {DeliveryId} refused on {Platform} for good; trying {Next} next.")]
    private static partial void LogFellBack(ILogger logger, string notificationId, long deliveryId, string platform, string next);

    [LoggerMessage(EventId = LogEvents.NotificationSenderPaced, Level = LogLevel.Debug, Message = "Notification delivery {DeliveryId}: its next send slot is {Slot:o}; back in the outbox until then.")]
    private static partial void LogPaced(ILogger logger, long deliveryId, DateTimeOffset slot);
}
