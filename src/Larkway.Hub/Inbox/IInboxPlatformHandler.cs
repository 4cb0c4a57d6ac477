namespace Larkway.Hub.Inbox;

/// <summary>
/// One platform's handling of the events it stored in the inbox, the seam through which the inbox dispatches without
/// knowing any platform: the transports whose bodies it reads, and the handling of one claimed event. Each platform's room
/// registers its handlers (<c>TryAddEnumerable</c>); an event of a transport no handler names is a Feishu envelope,
/// dispatched through its app's event dispatcher.
/// </summary>
internal interface IInboxPlatformHandler
{
    /// <summary>The transports whose events this handler reads (no two handlers name the same one).</summary>
    IReadOnlyCollection<InboxTransport> Transports { get; }

    /// <summary>Handles one claimed event; throws to have the inbox retry it, or <see cref="System.Text.Json.JsonException"/> when its body cannot be read (dead-lettered at once).</summary>
    Task HandleAsync(InboxEvent item, CancellationToken cancellationToken);
}
