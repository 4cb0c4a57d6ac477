namespace Larkway.Hub.Inbox;

/// <summary>
/// A verified event as its platform's door hands it to the inbox, read once there: the app's name in the Hub, a type
/// (<c>im.message.receive_v1</c>, <c>dingtalk.robot_message</c>…), the platform's own ids as dedup keys (any one already
/// stored makes it a duplicate), and the body to keep for handling — already decrypted and stripped of credentials by
/// the door. The inbox stores it as it is: nothing here is read again before the platform's handler claims it.
/// </summary>
/// <param name="Keys">The dedup keys the store indexes, the dedup guarantee; the first is listed unless <see cref="ListedKey"/> says otherwise.</param>
public sealed record PlatformInbound(string AppName, string EventType, InboxTransport Transport, IReadOnlyList<string> Keys, byte[] Body)
{
    /// <summary>The conversation the event belongs to, as the platform names it (<see cref="InboxLane.Of"/>); null for none.</summary>
    public string? Lane { get; init; }

    /// <summary>The key stored in the event's row and listed; null: the first of <see cref="Keys"/> (a platform may index fewer keys than it lists).</summary>
    public string? ListedKey { get; init; }

    /// <summary>A key in creation order that a store may index instead of <see cref="Keys"/> (<see cref="InboxTimeOrderedKey"/>); null for none.</summary>
    public InboxTimeOrderedKey? TimeOrderedKey { get; init; }
}

/// <summary>
/// An event's index key in creation order, for an index kept in key order (a B-tree): a new event lands at the right edge
/// of its app's range, where a batch of them shares a page, instead of each on a random page. Every delivery of one event
/// must map to the same key.
/// </summary>
/// <param name="Key">The key to index.</param>
/// <param name="PlainKey">The same event's plain key, which a store written before the time-ordered key may hold instead.</param>
/// <param name="PlainPrefix">The start every plain key of the app shares: a range scan from it tells whether any is stored.</param>
/// <param name="CreatedAt">When the platform created the event (by its clock).</param>
public readonly record struct InboxTimeOrderedKey(string Key, string PlainKey, string PlainPrefix, DateTimeOffset CreatedAt);
