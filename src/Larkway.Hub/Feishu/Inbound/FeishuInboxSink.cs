using Larkway.Feishu.Events.Dispatch;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Ingest;
using Larkway.Feishu.Events.Models.Cards;
using Larkway.Hub.Apps;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Feishu.Inbound;

/// <summary>
/// Feishu's door to the inbox, the Hub's <see cref="IFeishuEventSink"/>: every event and callback, read once by the receiver,
/// is stored as the inbox's neutral event (<see cref="FeishuInboxEntry"/>), with dedup, before the receiver acknowledges it, so a crash after the ack loses nothing and a redelivery is a no-op. Events are
/// handled later by the inbox queue's worker (<see cref="InboxProcessor"/>). Card actions must be answered within Feishu's 3 s, so their
/// handler runs inline with a deadline (<see cref="InboxOptions.CardActionTimeout"/>); a slower handler keeps
/// running and the callback is answered without a card response.
/// </summary>
public sealed partial class FeishuInboxSink : IFeishuEventSink, IDisposable
{
    private readonly InboxStore _store;
    private readonly InboxQueue _queue;
    private readonly IHubEventDispatcherProvider _dispatchers;
    private readonly TimeProvider _time;
    private readonly InboxOptions _options;
    private readonly ILogger _logger;
    private readonly IInboxEventObserver[] _observers;
    private readonly InboxTelemetry? _telemetry;
    private readonly FeishuInboxTriage? _triage;
    private readonly CancellationTokenSource _disposed = new();
    private int _disposeCount;

    // Card actions stored here are leased to this sink while their handler runs inline.
    private readonly string _owner = QueueOwner.Create("card");

    internal FeishuInboxSink(
        InboxStore store,
        InboxQueue queue,
        IHubEventDispatcherProvider dispatchers,
        TimeProvider time,
        IOptions<InboxOptions> options,
        ILogger<FeishuInboxSink> logger,
        IEnumerable<IInboxEventObserver>? observers = null,
        InboxTelemetry? telemetry = null,
        FeishuInboxTriage? triage = null)
    {
        _telemetry = telemetry;
        _triage = triage;
        _observers = [.. observers ?? []];
        _store = store;
        _queue = queue;
        _dispatchers = dispatchers;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    public async ValueTask<FeishuIngestResult> AcceptAsync(FeishuInboundEvent inbound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        if (inbound.Envelope.IsUrlVerification)
        {
            // Receivers answer challenges themselves; one reaching here has nothing to store or dispatch.
            return FeishuIngestResult.Accepted;
        }

        if (!inbound.IsCardAction)
        {
            // An event nothing would act on is stored already Done: durable and deduplicated as any other, never claimed.
            var ignored = _triage is not null && await _triage.IsIgnoredAsync(inbound, cancellationToken).ConfigureAwait(false);
            var entry = FeishuInboxEntry.Of(inbound);
            var appended = await (ignored ? _store.AppendDoneAsync(entry, cancellationToken) : _store.AppendAsync(entry, cancellationToken)).ConfigureAwait(false);
            var accepted = appended.Status == InboxAppendStatus.Accepted;
            _telemetry?.Stored(inbound.AppName, inbound.Envelope.EventType, !accepted);
            if (ignored && accepted)
            {
                _telemetry?.Handled(inbound.AppName, inbound.Envelope.EventType, "ignored", _time.GetUtcNow() - inbound.Envelope.CreateTime);
            }

            return accepted ? FeishuIngestResult.Accepted : FeishuIngestResult.Duplicate;
        }

        var stored = await _store.AppendClaimedAsync(FeishuInboxEntry.Of(inbound), _owner, cancellationToken).ConfigureAwait(false);
        _telemetry?.Stored(inbound.AppName, inbound.Envelope.EventType, stored.Status == InboxAppendStatus.Duplicate);
        if (stored.Status == InboxAppendStatus.Duplicate)
        {
            return FeishuIngestResult.Duplicate;
        }

        var dispatcher = _dispatchers.GetDispatcher(inbound.AppName);
        if (dispatcher is null)
        {
            if (_observers.Length > 0)
            {
                // Nothing to answer Feishu with: observers run after the ack, with the processor as the fallback.
                _ = Task.Run(() => HandleAsync(null, inbound, stored.EventId), CancellationToken.None);
                return FeishuIngestResult.Accepted;
            }

            LogNoDispatcher(_logger, stored.EventId, HubAppService.NameOnWire(inbound.AppName));
            await _queue.RecordAsync(stored.EventId, _owner, WorkOutcome<InboxEvent>.Done(), CancellationToken.None).ConfigureAwait(false);
            return FeishuIngestResult.Accepted;
        }

        // Task.Run: a handler that blocks before its first await must not hold up the deadline.
        var handling = Task.Run(() => HandleAsync(dispatcher, inbound, stored.EventId), CancellationToken.None);
        try
        {
            var response = await handling.WaitAsync(_options.CardActionTimeout, _time, cancellationToken).ConfigureAwait(false);
            return new FeishuIngestResult(FeishuIngestStatus.Accepted, response);
        }
        catch (TimeoutException)
        {
            // The handler goes on (it records Done/Failed itself); Feishu gets an empty answer in time.
            LogCardActionSlow(_logger, stored.EventId, _options.CardActionTimeout.TotalMilliseconds);
            return FeishuIngestResult.Accepted;
        }
    }

    /// <summary>Cancels card-action handlers still running in the background (at shutdown); their leases let the processor retry them.</summary>
    public void Dispose()
    {
        // Registered both as itself and as IFeishuEventSink, so the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposeCount, 1) == 0)
        {
            _disposed.Cancel();
            _disposed.Dispose();
        }
    }

    /// <summary>Runs the handler and records the outcome; never throws (a failure is stored and answered with no card response).</summary>
    private async Task<CardActionResponse?> HandleAsync(FeishuEventDispatcher? dispatcher, FeishuInboundEvent inbound, long eventId)
    {
        CancellationToken token;
        try
        {
            token = _disposed.Token;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }

        try
        {
            var dispatches = dispatcher?.Handles(inbound.Envelope.EventType) == true;
            var result = dispatches ? await dispatcher!.DispatchAsync(inbound.Envelope, token).ConfigureAwait(false) : null;

            // After the handler, so forwarding (a database write) does not delay the card response past necessity;
            // a failure here fails the event and the processor retries it (observers are idempotent).
            var context = FeishuEventContexts.Of(eventId, inbound.AppName, _time.GetUtcNow(), inbound.Envelope);
            var observed = await InboxObservers.ObserveAsync(_observers, context, token).ConfigureAwait(false);
            if (!dispatches && !observed)
            {
                // Nobody took it: the dispatcher's own "no handler" line (or the sink's, without a dispatcher) says so, once.
                if (dispatcher is null)
                {
                    LogNoDispatcher(_logger, eventId, HubAppService.NameOnWire(inbound.AppName));
                }
                else
                {
                    await dispatcher.DispatchAsync(inbound.Envelope, token).ConfigureAwait(false);
                }
            }

            await _queue.RecordAsync(eventId, _owner, WorkOutcome<InboxEvent>.Done(), CancellationToken.None).ConfigureAwait(false);
            return result?.CardResponse;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Shutting down: the lease expires and the processor handles it again.
            return null;
        }
        catch (Exception ex)
        {
            LogCardActionFailed(_logger, eventId, QueueErrors.ForLog(ex));
            try
            {
                // This inline run was the event's first attempt; the inbox worker retries it on the inbox's schedule.
                var retry = WorkOutcome<InboxEvent>.Failed(_options.Retry.NextAttempt(_time.GetUtcNow(), attempts: 1), QueueErrors.Describe(ex));
                await _queue.RecordAsync(eventId, _owner, retry, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception storeError)
            {
                LogRecordFailed(_logger, eventId, QueueErrors.ForLog(storeError));
            }

            return null;
        }
    }

    [LoggerMessage(EventId = LogEvents.InboxEventSinkCardActionSlow, Level = LogLevel.Warning, Message = "Card action {EventId}: the handler did not answer within {TimeoutMs} ms; answered without a card response, the handler continues.")]
    private static partial void LogCardActionSlow(ILogger logger, long eventId, double timeoutMs);

    [LoggerMessage(EventId = LogEvents.InboxEventSinkCardActionFailed, Level = LogLevel.Error, Message = "Card action {EventId}: the handler failed ({Failure}); stored as Failed for retry.")]
    private static partial void LogCardActionFailed(ILogger logger, long eventId, string failure);

    [LoggerMessage(EventId = LogEvents.InboxEventSinkNoDispatcher, Level = LogLevel.Warning, Message = "Inbox event {EventId}: no dispatcher for app '{AppName}'; marked Done without handling.")]
    private static partial void LogNoDispatcher(ILogger logger, long eventId, string appName);

    [LoggerMessage(EventId = LogEvents.InboxEventSinkRecordFailed, Level = LogLevel.Error, Message = "Card action {EventId}: could not record the handler's outcome ({Failure}); the lease will expire and it will be retried.")]
    private static partial void LogRecordFailed(ILogger logger, long eventId, string failure);
}
