using Larkway.Hub.Platform.Units;
using System.Diagnostics;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Inbox;

/// <summary>
/// The inbox queue's handler: has the <see cref="IInboxPlatformHandler"/> of a claimed event's transport read it once into
/// the neutral event, shows that to every <see cref="IInboxEventObserver"/> (webhooks, approvals, the directory, Bitable
/// sync), then lets the handler dispatch it (the room of the platform that stored it hands its <see cref="InboxArrival"/>
/// on), counts what came of it, and completes it. A failing handler is retried on the inbox's schedule; a body that does not match its
/// event model, an event no registered platform reads, or one for an app since deleted is dead-lettered at once.
/// </summary>
/// <remarks>
/// Guarantees: at-least-once dispatch (handlers must be idempotent — a crash between the handler and its completion
/// runs it again after the lease expires); an event is held by one worker at a time. Ordering: claims are oldest first,
/// but events run concurrently (<see cref="InboxOptions.Concurrency"/>) and failed events retry later, so there is no
/// per-chat or global ordering. Set Concurrency to 1 on a single replica for arrival order among events that succeed first time.
/// </remarks>
internal sealed partial class InboxProcessor(
    PlatformPieces<IInboxPlatformHandler> platformHandlers,
    InboxTelemetry telemetry,
    TimeProvider time,
    ILogger<InboxProcessor> logger,
    IEnumerable<IInboxEventObserver>? observers = null,
    HubAppRegistry? apps = null) : IWorkHandler<InboxEvent>
{
    private readonly IInboxEventObserver[] _observers = [.. observers ?? []];

    private readonly Dictionary<InboxTransport, IInboxPlatformHandler> _platformHandlers = platformHandlers.Each
        .SelectMany(h => h.Transports, (h, transport) => (h, transport)).ToDictionary(x => x.transport, x => x.h);

    public async Task<WorkOutcome<InboxEvent>> HandleAsync(InboxEvent item, CancellationToken cancellationToken)
    {
        // The handling, and every platform call it makes, continues the trace of the request that received the event.
        using var activity = InboxTelemetry.StartHandling(item);
        try
        {
            return await DispatchAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch (HubAppNotFoundException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            if (!await IsDeletedAsync(item.AppName, cancellationToken).ConfigureAwait(false))
            {
                // Disabled (still stored), or its secrets unreadable: retried, so enabling or fixing it resumes its events.
                throw;
            }

            // The app the event came for is gone: no retry can find it, so it is dead-lettered now, not after hours of retries.
            var name = HubAppService.NameOnWire(item.AppName);
            LogAppDeleted(logger, item.Id, name);
            telemetry.Handled(item.AppName, item.EventType, "app_deleted", null);
            return WorkOutcome<InboxEvent>.DeadLetter($"The app '{name}' this event came for is no longer in the Hub (deleted); nothing can handle it. Add the app again and replay the event to handle it.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }

    /// <summary>True when a fresh read of the stored apps has none named <paramref name="appName"/> (the default app is never deleted).</summary>
    private async Task<bool> IsDeletedAsync(string appName, CancellationToken cancellationToken)
    {
        if (apps is null || HubAppRegistry.IsDefault(appName))
        {
            return false;
        }

        // Read afresh: the cached list may predate the app on this replica.
        apps.Invalidate();
        return await apps.FindAsync(appName, cancellationToken).ConfigureAwait(false) is null;
    }

    private async Task<WorkOutcome<InboxEvent>> DispatchAsync(InboxEvent item, CancellationToken cancellationToken)
    {
        if (!_platformHandlers.TryGetValue(item.Transport, out var platform))
        {
            // Stored by a platform this Hub no longer runs (its room not added): no retry can read it, but a replay can once it is back.
            LogNoPlatform(logger, item.Id, item.Transport.WireName);
            telemetry.Handled(item.AppName, item.EventType, "no_platform", null);
            return WorkOutcome<InboxEvent>.DeadLetter(
                $"No platform of this Hub reads events that arrived by '{item.Transport.WireName}': the platform that stored it is not set up here. Set it up again and replay the event to handle it.");
        }

        var handling = await HandleAsync(platform, item, cancellationToken).ConfigureAwait(false);
        telemetry.Handled(item.AppName, item.EventType, handling.Outcome, time.GetUtcNow() - handling.Since);
        if (handling.Error is { } error)
        {
            // The stored body does not match its event model: every retry would fail the same way.
            LogMalformed(logger, item.Id, item.EventType);
            return WorkOutcome<InboxEvent>.DeadLetter(QueueErrors.Describe(error));
        }

        return WorkOutcome<InboxEvent>.Done();
    }

    /// <summary>Reads the event once, lets the observers see it, then has its platform handle it.</summary>
    private async Task<InboxHandling> HandleAsync(IInboxPlatformHandler platform, InboxEvent item, CancellationToken cancellationToken)
    {
        InboxEventContext context;
        try
        {
            context = platform.Read(item);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Reading is the body alone: what fails once fails on every retry.
            return InboxHandling.Malformed(ex);
        }

        try
        {
            // Observers first: a failing handler then does not hold back forwarding, and both are idempotent.
            var observed = await InboxObservers.ObserveAsync(_observers, context, cancellationToken).ConfigureAwait(false);
            return await platform.HandleAsync(item, context, observed, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return InboxHandling.Malformed(ex);
        }
    }

    [LoggerMessage(EventId = LogEvents.InboxProcessorAppDeleted, Level = LogLevel.Warning, Message = "Inbox event {EventId}: the app '{AppName}' is no longer in the Hub; dead-lettered without retries.")]
    private static partial void LogAppDeleted(ILogger logger, long eventId, string appName);

    [LoggerMessage(EventId = LogEvents.InboxProcessorMalformed, Level = LogLevel.Warning, Message = "Inbox event {EventId} ({EventType}) is malformed for its event type; dead-lettered without retries.")]
    private static partial void LogMalformed(ILogger logger, long eventId, string eventType);

    [LoggerMessage(EventId = LogEvents.InboxProcessorNoPlatform, Level = LogLevel.Warning, Message = "Inbox event {EventId} arrived by '{Transport}', which no platform set up in this Hub reads; dead-lettered without retries.")]
    private static partial void LogNoPlatform(ILogger logger, long eventId, string transport);
}
