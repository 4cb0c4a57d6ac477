using Larkway.Feishu.Events;
using Larkway.Feishu.Events.Dispatch;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Hub.Apps;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu.Inbound;

/// <summary>
/// Handles the Feishu events the inbox queue claims (webhook and long connection alike): parses the stored envelope, lets
/// the observers (webhook fan-out, approvals, directory, Bitable sync) see it, then dispatches it through its app's
/// <see cref="FeishuEventDispatcher"/> with the event's <see cref="InboxArrival"/> on the handlers' context, which the
/// bot hands on to the assistant. An envelope that does not match its event model is malformed (dead-lettered at once).
/// </summary>
internal sealed partial class FeishuInboxHandler(
    IHubEventDispatcherProvider dispatchers,
    IEnumerable<IInboxEventObserver> observers,
    ILogger<FeishuInboxHandler> logger) : IInboxPlatformHandler
{
    private readonly IInboxEventObserver[] _observers = [.. observers];

    /// <inheritdoc/>
    public IReadOnlyCollection<InboxTransport> Transports { get; } = [InboxTransport.Http, InboxTransport.LongConnection];

    /// <inheritdoc/>
    public async Task<InboxHandling> HandleAsync(InboxEvent item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var dispatcher = dispatchers.GetDispatcher(item.AppName);
        if (dispatcher is null && _observers.Length == 0)
        {
            LogNoDispatcher(logger, item.Id, HubAppService.NameOnWire(item.AppName));
            return InboxHandling.NoHandler(null);
        }

        try
        {
            var envelope = FeishuEventEnvelope.Parse(item.Body);

            // Observers (webhook fan-out, approvals) first: a failing handler then does not hold back forwarding, and both are idempotent.
            var observed = await InboxObservers.ObserveAsync(_observers, new InboxEventContext(item.Id, item.AppName, item.ReceivedAt, envelope), cancellationToken).ConfigureAwait(false);
            if (dispatcher is null || (observed && !dispatcher.Handles(envelope.EventType)))
            {
                // An observer's event needs no dispatcher handler: it is handled, not "without a handler".
                if (!observed)
                {
                    LogNoDispatcher(logger, item.Id, HubAppService.NameOnWire(item.AppName));
                }

                return observed ? InboxHandling.Handled(envelope.CreateTime) : InboxHandling.NoHandler(envelope.CreateTime);
            }

            var context = new FeishuEventContext(envelope).Set(InboxArrival.Of(item));
            var result = await dispatcher.DispatchAsync(context, cancellationToken).ConfigureAwait(false);
            var handled = result.Handled || observed;
            LogDispatched(logger, item.Id, item.EventType, handled);
            return handled ? InboxHandling.Handled(envelope.CreateTime) : InboxHandling.NoHandler(envelope.CreateTime);
        }
        catch (FeishuEventException ex) when (ex.Reason == FeishuEventErrorReason.Malformed)
        {
            return InboxHandling.Malformed(ex);
        }
    }

    [LoggerMessage(EventId = LogEvents.FeishuInboxHandlerDispatched, Level = LogLevel.Debug, Message = "Inbox event {EventId} ({EventType}) dispatched; handled: {Handled}.")]
    private static partial void LogDispatched(ILogger logger, long eventId, string eventType, bool handled);

    [LoggerMessage(EventId = LogEvents.FeishuInboxHandlerNoDispatcher, Level = LogLevel.Warning, Message = "Inbox event {EventId}: no dispatcher for app '{AppName}'; marked Done without handling.")]
    private static partial void LogNoDispatcher(ILogger logger, long eventId, string appName);
}
