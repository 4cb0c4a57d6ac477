using Larkway.Feishu.Events.Envelopes;

namespace Larkway.Hub.Inbox;

/// <summary>
/// Sees every stored Feishu event that is handled — by Feishu's inbox handler, or inline for card actions — of any type,
/// whether or not the app's dispatcher has a handler for it. The other platforms' rooms forward their events themselves
/// (<c>WebhookStore.FanOutAsync</c>); this hook stays beside the inbox because the rooms implementing it (Directory among
/// them) are ones Feishu's room itself uses. Runs before the event is marked Done: a failure fails the event
/// and it is retried, so observers must be idempotent per <see cref="InboxEventContext.InboxEventId"/>.
/// </summary>
/// <remarks>
/// A hook rather than a dispatcher handler: a <see cref="Larkway.Feishu.Events.Dispatch.FeishuEventDispatcher"/> routes
/// each type to one handler (the bot's), and its fallback only sees types nobody handles.
/// </remarks>
internal interface IInboxEventObserver
{
    /// <summary>Sees the event.</summary>
    /// <returns>
    /// True when the event is this observer's to handle (an approval event, a type a webhook subscription forwards): it
    /// then counts as handled even where the app's dispatcher has no handler for its type, and no "no handler" line is written.
    /// </returns>
    Task<bool> OnEventAsync(InboxEventContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Whether this observer could take the event, judged at ingest from its envelope (<see cref="InboxTriage"/>): an event
    /// that no observer wants and whose handler leaves it alone is stored as Done and never handled. Runs on the ack path,
    /// so it answers from memory or a cache; true unless the observer knows it has nothing to do.
    /// </summary>
    ValueTask<bool> WantsAsync(string appName, FeishuEventEnvelope envelope, CancellationToken cancellationToken) => ValueTask.FromResult(true);
}

/// <summary>A stored event being handled.</summary>
/// <param name="InboxEventId">The inbox row id.</param>
/// <param name="AppName">The app.</param>
/// <param name="ReceivedAt">When stored.</param>
/// <param name="Envelope">The parsed body.</param>
internal sealed record InboxEventContext(long InboxEventId, string AppName, DateTimeOffset ReceivedAt, FeishuEventEnvelope Envelope);

/// <summary>Runs every observer on an event, in order.</summary>
internal static class InboxObservers
{
    /// <summary>True when at least one observer took the event as its own.</summary>
    public static async Task<bool> ObserveAsync(IReadOnlyList<IInboxEventObserver> observers, InboxEventContext context, CancellationToken cancellationToken)
    {
        var observed = false;
        foreach (var observer in observers)
        {
            observed |= await observer.OnEventAsync(context, cancellationToken).ConfigureAwait(false);
        }

        return observed;
    }
}
