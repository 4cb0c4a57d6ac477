namespace Larkway.Hub.Inbox;

/// <summary>
/// The stored event whose handler is running on this flow: where it sits in the inbox's arrival order, for work a handler
/// queues that must follow that order (an assistant's questions) although the inbox runs events concurrently.
/// </summary>
/// <param name="EventId">The inbox row id; ids grow with arrival.</param>
/// <param name="ReceivedAt">When the Hub stored the event.</param>
internal sealed record InboxArrival(long EventId, DateTimeOffset ReceivedAt)
{
    private static readonly AsyncLocal<InboxArrival?> s_current = new();

    /// <summary>The event being handled on this flow; null outside an inbox handler (a card action answered inline).</summary>
    public static InboxArrival? Current => s_current.Value;

    /// <summary>Marks <paramref name="item"/> as the event being handled until the returned scope is disposed.</summary>
    internal static Scope Enter(InboxEvent item)
    {
        var previous = s_current.Value;
        s_current.Value = new InboxArrival(item.Id, item.ReceivedAt);
        return new Scope(previous);
    }

    /// <summary>Restores the event handled before.</summary>
    internal readonly struct Scope(InboxArrival? previous) : IDisposable
    {
        public void Dispose() => s_current.Value = previous;
    }
}
