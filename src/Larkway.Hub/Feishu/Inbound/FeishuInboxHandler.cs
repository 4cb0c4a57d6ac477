using Larkway.Feishu.Events;
using Larkway.Feishu.Events.Dispatch;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Hub.Apps;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu.Inbound;

/// <summary>
/// Handles the Feishu events the inbox queue claims (webhook and long connection alike): reads the stored envelope once
/// into the neutral event (the envelope attached), and after the observers saw it dispatches it through its app's
/// <see cref="FeishuEventDispatcher"/> with the event's <see cref="InboxArrival"/> on the handlers' context, which the
/// bot hands on to the assistant. An envelope that does not match its event model is malformed (dead-lettered at once).
/// </summary>
internal sealed partial class FeishuInboxHandler(
    IHubEventDispatcherProvider dispatchers,
    ILogger<FeishuInboxHandler> logger) : IInboxPlatformHandler
{
    /// <inheritdoc/>
    public IReadOnlyCollection<InboxTransport> Transports { get; } = [InboxTransport.Http, InboxTransport.LongConnection];

    /// <inheritdoc/>
    public InboxEventContext Read(InboxEvent item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return FeishuEventContexts.Of(item.Id, item.AppName, item.ReceivedAt, FeishuEventEnvelope.Parse(item.Body));
    }

    /// <inheritdoc/>
    public async Task<InboxHandling> HandleAsync(InboxEvent item, InboxEventContext context, bool observed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        var envelope = context.Native<FeishuEventEnvelope>()
            ?? throw new ArgumentException("Feishu's handler handles the events it read itself (Read attaches the envelope).", nameof(context));
        var dispatcher = dispatchers.GetDispatcher(item.AppName);
        if (dispatcher is null || (observed && !dispatcher.Handles(envelope.EventType)))
        {
            // An observer's event needs no dispatcher handler: it is handled, not "without a handler".
            if (!observed)
            {
                LogNoDispatcher(logger, item.Id, HubAppService.NameOnWire(item.AppName));
            }

            return observed ? InboxHandling.Handled(envelope.CreateTime) : InboxHandling.NoHandler(envelope.CreateTime);
        }

        try
        {
            var dispatch = new FeishuEventContext(envelope).Set(InboxArrival.Of(item));
            var result = await dispatcher.DispatchAsync(dispatch, cancellationToken).ConfigureAwait(false);
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
