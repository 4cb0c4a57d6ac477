namespace Larkway.Hub.Inbox;

/// <summary>
/// Where a stored event sits in the inbox's arrival order, handed on with what its handler makes of it (a platform's room
/// puts it on the <see cref="Bots.BotMessage"/> it hands the bot), for work that must follow that order (an assistant's
/// questions) although the inbox runs events concurrently. Null on work that did not come through the inbox's queue
/// (a card action answered inline).
/// </summary>
/// <param name="EventId">The inbox row id; ids grow with arrival.</param>
/// <param name="ReceivedAt">When the Hub stored the event.</param>
public sealed record InboxArrival(long EventId, DateTimeOffset ReceivedAt)
{
    /// <summary>The arrival of a claimed event.</summary>
    public static InboxArrival Of(InboxEvent item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new InboxArrival(item.Id, item.ReceivedAt);
    }
}
