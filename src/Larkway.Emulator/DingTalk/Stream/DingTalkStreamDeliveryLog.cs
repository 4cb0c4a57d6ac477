namespace Larkway.Emulator.DingTalk.Stream;

/// <summary>
/// One line of the Stream delivery log. <see cref="Direction"/> <c>out</c> is a frame pushed (or meant to be):
/// <see cref="Outcome"/> <c>sent</c>, <c>lost</c> (the connection was half-open, dropped or closed before it could be
/// written), <c>no-connection</c> (no open connection subscribes to it) or <c>gave-up</c> (an EVENT or robot message
/// out of pushes); <see cref="Attempt"/> counts the pushes of one messageId.
/// <c>in</c> is a client message: <see cref="Outcome"/> <c>ack</c>, or <c>nack</c> for an ack of an EVENT or robot
/// message that does not take it (status <c>LATER</c>, or a code other than 200: it is pushed again); for a ping also <c>late-ack</c> (an echo of an
/// earlier ping) or <c>bad-opaque</c> (the opaque did not come back); <c>unmatched</c> when its messageId names no frame
/// the server sent. <see cref="Data"/> is the frame's or the ack's data string.
/// </summary>
public sealed record DingTalkStreamDelivery(
    long Seq,
    long AtMs,
    string Direction,
    string? ConnectionId,
    string AppKey,
    string Type,
    string Topic,
    string MessageId,
    int Attempt,
    string Outcome,
    int? Code,
    string? Message,
    string? Data);

/// <summary>Every frame pushed and every ack, per connection, in order; bounded (oldest dropped).</summary>
internal sealed class DingTalkStreamDeliveryLog(DingTalkStreamOptions options)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<DingTalkStreamDelivery> _entries = new();
    private long _seq;

    public DingTalkStreamDelivery Add(long atMs, string direction, string? connectionId, string appKey, string type, string topic, string messageId, int attempt, string outcome, int? code = null, string? message = null, string? data = null)
    {
        lock (_gate)
        {
            var entry = new DingTalkStreamDelivery(++_seq, atMs, direction, connectionId, appKey, type, topic, messageId, attempt, outcome, code, message, data);
            _entries.AddLast(entry);
            while (_entries.Count > Math.Max(1, options.DeliveryLogCapacity))
            {
                _entries.RemoveFirst();
            }

            return entry;
        }
    }

    public IReadOnlyList<DingTalkStreamDelivery> Snapshot()
    {
        lock (_gate)
        {
            return [.. _entries];
        }
    }
}
