namespace Larkway.Feishu.Events.Ingest;

/// <summary>
/// Where verified events go after a receiver (HTTP endpoint or long connection) has authenticated and
/// parsed them: a durable inbox (the Hub), or in-process dispatch. The receiver acknowledges Feishu only
/// after <see cref="AcceptAsync"/> returns, so an implementation that persists before returning loses
/// nothing when the process dies after the ack.
/// </summary>
public interface IFeishuEventSink
{
    /// <summary>
    /// Takes one event or callback. Card actions (<see cref="FeishuInboundEvent.IsCardAction"/>) must be
    /// answered within Feishu's 3 s deadline; the returned <see cref="FeishuIngestResult.CardResponse"/> is
    /// the callback's body. Throwing means "not accepted": HTTP answers 503 and the long connection acks 500,
    /// so Feishu delivers again.
    /// </summary>
    ValueTask<FeishuIngestResult> AcceptAsync(FeishuInboundEvent inbound, CancellationToken cancellationToken);
}
