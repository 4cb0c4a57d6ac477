using System.Text.Json;
using Larkway.Channels.Messages;

namespace Larkway.Hub.Inbox;

/// <summary>
/// Sees every stored event that is handled, of every platform and any type, whether or not a handler of its platform
/// takes it: the inbox reads each claimed event once through its platform's <see cref="IInboxPlatformHandler.Read"/> and
/// shows the same neutral <see cref="InboxEventContext"/> to every observer before the handler dispatches it (Feishu's card
/// actions, answered inline, are observed the same way). Runs before the event is marked Done: a failure fails the event
/// and it is retried, so observers must be idempotent per <see cref="InboxEventContext.InboxEventId"/>.
/// </summary>
/// <remarks>
/// A hook rather than a platform's handler: a handler routes each type to one place (the bot's), and the business webhooks,
/// approvals, the directory and Bitable sync each want to see events no matter who handles them.
/// </remarks>
internal interface IInboxEventObserver
{
    /// <summary>Sees the event.</summary>
    /// <returns>
    /// True when the event is this observer's to handle (an approval event, a type a webhook subscription forwards): it
    /// then counts as handled even where the platform has no handler for its type, and no "no handler" line is written.
    /// </returns>
    Task<bool> OnEventAsync(InboxEventContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Whether this observer could take the event, judged at ingest before it is stored (by its platform's door, e.g. Feishu's triage; its
    /// <see cref="InboxEventContext.InboxEventId"/> is 0): an event that no observer wants and whose handler leaves it alone
    /// is stored as Done and never handled. Runs on the ack path, so it answers from memory or a cache; true unless the
    /// observer knows it has nothing to do.
    /// </summary>
    ValueTask<bool> WantsAsync(InboxEventContext context, CancellationToken cancellationToken) => ValueTask.FromResult(true);
}

/// <summary>
/// A stored event as every observer sees it, whatever its platform: who it came for, what it is and the platform's own
/// event JSON as received. A platform's room may attach its own reading of the event (<see cref="Native{T}"/>), so the
/// observers of that platform's events (the directory's Feishu contact events, say) need not parse the body again.
/// </summary>
/// <param name="InboxEventId">The inbox row id.</param>
/// <param name="AppName">The app the event came for.</param>
/// <param name="Platform">The platform that stored it (the unit its handler belongs to).</param>
/// <param name="EventType">The event's type as the inbox stores it (<c>im.message.receive_v1</c>, <c>dingtalk.robot_message</c>, <c>wecom.message.text</c>).</param>
/// <param name="EventId">The platform's id of the event (its first dedup key); null when it gave none.</param>
/// <param name="CreatedAt">When the platform says the event happened; null when it does not say.</param>
/// <param name="ReceivedAt">When the Hub stored it.</param>
/// <param name="Event">The platform's event as received (Feishu's <c>event</c> object, DingTalk's push, WeCom's callback as JSON).</param>
internal sealed record InboxEventContext(
    long InboxEventId,
    string AppName,
    ChannelPlatform Platform,
    string EventType,
    string? EventId,
    DateTimeOffset? CreatedAt,
    DateTimeOffset ReceivedAt,
    JsonElement Event)
{
    /// <summary>The platform room's own reading of the event (Feishu's envelope), when it attached one.</summary>
    public T? Native<T>() where T : class => NativeValue as T;

    /// <summary>This event with its platform's own reading attached.</summary>
    public InboxEventContext WithNative(object native) => this with { NativeValue = native };

    private object? NativeValue { get; init; }
}

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
