using System.Diagnostics;
using Larkway.Feishu.Events;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Inbox;

/// <summary>
/// The inbox queue's handler: parses a claimed event's stored body, lets the observers (webhook fan-out) see it, and
/// dispatches it through its app's <see cref="Larkway.Feishu.Events.Dispatch.FeishuEventDispatcher"/>. A failing
/// handler is retried on the inbox's schedule; a body that does not match its event model is dead-lettered at once.
/// </summary>
/// <remarks>
/// Guarantees: at-least-once dispatch (handlers must be idempotent — a crash between the handler and its completion
/// runs it again after the lease expires); an event is held by one worker at a time. Ordering: claims are oldest first,
/// but events run concurrently (<see cref="InboxOptions.Concurrency"/>) and failed events retry later, so there is no
/// per-chat or global ordering. Set Concurrency to 1 on a single replica for arrival order among events that succeed first time.
/// </remarks>
internal sealed partial class InboxProcessor(
    IHubEventDispatcherProvider dispatchers,
    IEnumerable<IInboxEventObserver> observers,
    InboxTelemetry telemetry,
    TimeProvider time,
    ILogger<InboxProcessor> logger,
    IEnumerable<IInboxPlatformHandler> platformHandlers,
    HubAppRegistry? apps = null) : IWorkHandler<InboxEvent>
{
    private readonly IInboxEventObserver[] _observers = [.. observers];
    private readonly Dictionary<InboxTransport, IInboxPlatformHandler> _platformHandlers = platformHandlers
        .SelectMany(h => h.Transports, (h, transport) => (h, transport)).ToDictionary(x => x.transport, x => x.h);

    public async Task<WorkOutcome<InboxEvent>> HandleAsync(InboxEvent item, CancellationToken cancellationToken)
    {
        // The handling, and every Feishu call it makes, continues the trace of the request that received the event.
        using var activity = InboxTelemetry.StartHandling(item);
        using var arrival = InboxArrival.Enter(item);
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
        // Another platform's event: its body is the platform's own, read by the room that stored it.
        if (_platformHandlers.TryGetValue(item.Transport, out var platform))
        {
            return await DispatchPlatformAsync(item, platform.HandleAsync, cancellationToken).ConfigureAwait(false);
        }

        var dispatcher = dispatchers.GetDispatcher(item.AppName);
        if (dispatcher is null && _observers.Length == 0)
        {
            LogNoDispatcher(logger, item.Id, HubAppService.NameOnWire(item.AppName));
            telemetry.Handled(item.AppName, item.EventType, "no_handler", null);
            return WorkOutcome<InboxEvent>.Done();
        }

        try
        {
            var envelope = FeishuEventEnvelope.Parse(item.Body);

            // Observers (webhook fan-out, approvals) first: a failing handler then does not hold back forwarding, and both are idempotent.
            var context = new InboxEventContext(item.Id, item.AppName, item.ReceivedAt, envelope);
            var observed = await InboxObservers.ObserveAsync(_observers, context, cancellationToken).ConfigureAwait(false);
            if (dispatcher is null || (observed && !dispatcher.Handles(envelope.EventType)))
            {
                // An observer's event needs no dispatcher handler: it is handled, not "without a handler".
                if (!observed)
                {
                    LogNoDispatcher(logger, item.Id, HubAppService.NameOnWire(item.AppName));
                }

                telemetry.Handled(item.AppName, item.EventType, observed ? "handled" : "no_handler", time.GetUtcNow() - envelope.CreateTime);
                return WorkOutcome<InboxEvent>.Done();
            }

            var result = await dispatcher.DispatchAsync(envelope, cancellationToken).ConfigureAwait(false);
            var handled = result.Handled || observed;
            LogDispatched(logger, item.Id, item.EventType, handled);
            telemetry.Handled(item.AppName, item.EventType, handled ? "handled" : "no_handler", time.GetUtcNow() - envelope.CreateTime);
            return WorkOutcome<InboxEvent>.Done();
        }
        catch (FeishuEventException ex) when (ex.Reason == FeishuEventErrorReason.Malformed)
        {
            // The stored body does not match its event model: every retry would fail the same way.
            LogMalformed(logger, item.Id, item.EventType);
            telemetry.Handled(item.AppName, item.EventType, "malformed", null);
            return WorkOutcome<InboxEvent>.DeadLetter(QueueErrors.Describe(ex));
        }
    }

    /// <summary>Another platform's event: its body is the platform's JSON, handled by its room (a body it cannot read is dead-lettered).</summary>
    private async Task<WorkOutcome<InboxEvent>> DispatchPlatformAsync(InboxEvent item, Func<InboxEvent, CancellationToken, Task> handle, CancellationToken cancellationToken)
    {
        try
        {
            await handle(item, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException ex)
        {
            LogMalformed(logger, item.Id, item.EventType);
            telemetry.Handled(item.AppName, item.EventType, "malformed", null);
            return WorkOutcome<InboxEvent>.DeadLetter(QueueErrors.Describe(ex));
        }

        telemetry.Handled(item.AppName, item.EventType, "handled", time.GetUtcNow() - item.ReceivedAt);
        return WorkOutcome<InboxEvent>.Done();
    }

    [LoggerMessage(EventId = LogEvents.InboxProcessorDispatched, Level = LogLevel.Debug, Message = "Inbox event {EventId} ({EventType}) dispatched; handled: {Handled}.")]
    private static partial void LogDispatched(ILogger logger, long eventId, string eventType, bool handled);

    [LoggerMessage(EventId = LogEvents.InboxProcessorAppDeleted, Level = LogLevel.Warning, Message = "Inbox event {EventId}: the app '{AppName}' is no longer in the Hub; dead-lettered without retries.")]
    private static partial void LogAppDeleted(ILogger logger, long eventId, string appName);

    [LoggerMessage(EventId = LogEvents.InboxProcessorMalformed, Level = LogLevel.Warning, Message = "Inbox event {EventId} ({EventType}) is malformed for its event type; dead-lettered without retries.")]
    private static partial void LogMalformed(ILogger logger, long eventId, string eventType);

    [LoggerMessage(EventId = LogEvents.InboxProcessorNoDispatcher, Level = LogLevel.Warning, Message = "Inbox event {EventId}: no dispatcher for app '{AppName}'; marked Done without handling.")]
    private static partial void LogNoDispatcher(ILogger logger, long eventId, string appName);
}
