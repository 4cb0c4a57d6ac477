using Larkway.Hub.Platform.Queue;

namespace Larkway.Hub.Inbox;

/// <summary>
/// The events API's application logic, apart from HTTP: a page of stored events, an event handed to the inbox's worker
/// again. The endpoints (<c>InboxApi.cs</c>, admin key only) read the query, audit a replay and answer.
/// </summary>
internal sealed class InboxEventService(InboxStore store, InboxQueue queue)
{
    /// <summary>A page of events, newest first, of <paramref name="eventType"/> and in <paramref name="status"/> when given, older than <paramref name="before"/>.</summary>
    public Task<InboxEventPage> ListAsync(string? eventType, WorkState? status, int limit, long? before, CancellationToken cancellationToken) =>
        store.ListAsync(eventType, status, limit, before, cancellationToken);

    /// <summary>Queues an event again: replayed, in progress right now (not replayed), or not found.</summary>
    public Task<ReplayResult> ReplayAsync(long id, CancellationToken cancellationToken) => queue.ReplayEventAsync(id, cancellationToken);
}
