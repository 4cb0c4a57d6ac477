using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Ingest;
using Larkway.Hub.Inbox;

namespace Larkway.Hub.Feishu.Inbound;

/// <summary>
/// Says, from the envelope alone and without I/O, that an app's registered handler will leave an event untouched
/// (the bot and a group message that does not mention it). Registered with <c>AddHubEventIgnoreRule</c> beside the
/// handler it describes; a rule must only answer true where the handler would do nothing at all.
/// </summary>
/// <param name="AppName">The app whose dispatcher has the handler.</param>
/// <param name="LeavesAlone">True when the handler would do nothing with the event.</param>
internal sealed record FeishuEventIgnoreRule(string AppName, Func<FeishuEventEnvelope, bool> LeavesAlone);

/// <summary>
/// Decides at ingest whether an event needs handling at all. An app receiving every group message gets mostly messages
/// its bot ignores; each one would otherwise cost the queue a claim, a second parse, a dispatch and a completion. An
/// event is settled at ingest when its app's handler for the type has a rule that leaves it alone and no observer
/// (webhook subscription, approvals, directory, Bitable sync) wants it; it is then stored already Done, in the same
/// durable transaction as any other append, so it is still deduplicated, listed and replayable.
/// </summary>
/// <remarks>
/// Conservative by construction: no rule, an app without a dispatcher, a type without a handler (the processor's
/// "no handler" line), or an observer that cannot tell — each keeps the event on the queue.
/// </remarks>
internal sealed class FeishuInboxTriage(
    IHubEventDispatcherProvider dispatchers,
    IEnumerable<FeishuEventIgnoreRule> rules,
    IEnumerable<IInboxEventObserver> observers,
    TimeProvider? time = null)
{
    private readonly ILookup<string, FeishuEventIgnoreRule> _rules = rules.ToLookup(r => r.AppName, StringComparer.Ordinal);
    private readonly IInboxEventObserver[] _observers = [.. observers];

    /// <summary>True when nothing would happen to the event if it were dispatched.</summary>
    public async ValueTask<bool> IsIgnoredAsync(FeishuInboundEvent inbound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        var envelope = inbound.Envelope;
        if (!_rules.Contains(inbound.AppName)
            || dispatchers.GetDispatcher(inbound.AppName) is not { } dispatcher
            || !dispatcher.Handles(envelope.EventType)
            || !_rules[inbound.AppName].Any(r => r.LeavesAlone(envelope)))
        {
            return false;
        }

        var context = FeishuEventContexts.Of(0, inbound.AppName, (time ?? TimeProvider.System).GetUtcNow(), envelope);
        foreach (var observer in _observers)
        {
            if (await observer.WantsAsync(context, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }
}
