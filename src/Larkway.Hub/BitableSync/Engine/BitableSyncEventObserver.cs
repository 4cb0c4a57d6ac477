using Larkway.Feishu.Events;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Models;
using Larkway.Feishu.Events.Models.Bitable;
using Larkway.Hub.Inbox;

namespace Larkway.Hub.BitableSync;

/// <summary>
/// Bitable's record-change events, for latency: the records they name are marked changed for every sync of that table and
/// the active syncs are woken. Events carry no formula values and may be lost, so they only say where to look: the pass
/// reads the records itself, and its reconciliation finds what an event never said. A field-changed event wakes a full
/// diff, which re-resolves the mapping by field id and pauses only the columns whose field changed.
/// </summary>
internal sealed class BitableSyncEventObserver(BitableSyncStore store) : IInboxEventObserver
{
    /// <summary>Record and field changes only.</summary>
    public ValueTask<bool> WantsAsync(InboxEventContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.Native<FeishuEventEnvelope>() is { EventType: BitableRecordChangedEvent.Type or BitableFieldChangedEvent.Type });

    public async Task<bool> OnEventAsync(InboxEventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Native<FeishuEventEnvelope>() is not { } envelope)
        {
            // Bitable is Feishu's: no other platform's event names a table.
            return false;
        }

        switch (envelope.EventType)
        {
            case BitableRecordChangedEvent.Type:
                if (FeishuEventParser.Parse(envelope) is BitableRecordChangedEvent changed && changed.ActionList.Count > 0)
                {
                    var at = changed.UpdateTime > 0 ? DateTimeOffset.FromUnixTimeSeconds(changed.UpdateTime) : context.ReceivedAt;
                    at = at < context.ReceivedAt ? context.ReceivedAt : at;
                    return await store.MarkDirtyAsync(changed.FileToken, changed.TableId, [.. changed.ActionList.Select(a => (a.RecordId, a.Action))], at, cancellationToken).ConfigureAwait(false) > 0;
                }

                return false;
            case BitableFieldChangedEvent.Type:
                if (FeishuEventParser.Parse(envelope) is BitableFieldChangedEvent field)
                {
                    return await store.WakeFullAsync(field.FileToken, field.TableId, cancellationToken).ConfigureAwait(false) > 0;
                }

                return false;
            default:
                return false;
        }
    }
}
