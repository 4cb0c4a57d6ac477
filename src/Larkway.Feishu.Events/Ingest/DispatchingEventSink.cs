using Larkway.Feishu.Events.Dispatch;

namespace Larkway.Feishu.Events.Ingest;

/// <summary>
/// The in-process sink: dedupes in memory and runs the dispatcher before the ack. Simple and fast,
/// but not durable — an event whose handler is running when the process dies is lost unless Feishu
/// redelivers it. Use the Hub's inbox (or your own persisting sink) when that matters.
/// A handler failure forgets the event's keys and rethrows, so the receiver answers with a retryable
/// status and Feishu's redelivery gets another chance.
/// </summary>
public sealed class DispatchingEventSink : IFeishuEventSink
{
    private readonly FeishuEventDispatcher _dispatcher;
    private readonly InMemoryEventDeduplicator _deduplicator;

    public DispatchingEventSink(FeishuEventDispatcher dispatcher, InMemoryEventDeduplicator? deduplicator = null)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        _dispatcher = dispatcher;
        _deduplicator = deduplicator ?? new InMemoryEventDeduplicator();
    }

    /// <inheritdoc />
    public async ValueTask<FeishuIngestResult> AcceptAsync(FeishuInboundEvent inbound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        var keys = inbound.DedupKeys;
        if (!_deduplicator.TryAdd(keys))
        {
            return FeishuIngestResult.Duplicate;
        }

        try
        {
            var result = await _dispatcher.DispatchAsync(inbound.Envelope, cancellationToken).ConfigureAwait(false);
            return new FeishuIngestResult(FeishuIngestStatus.Accepted, result.CardResponse);
        }
        catch
        {
            _deduplicator.Remove(keys);
            throw;
        }
    }
}
