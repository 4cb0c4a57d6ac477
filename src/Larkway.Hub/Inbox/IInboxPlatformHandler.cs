namespace Larkway.Hub.Inbox;

/// <summary>
/// One platform's handling of the events it stored in the inbox, the seam through which the inbox dispatches without
/// knowing any platform: the transports whose bodies it reads, the reading of a claimed event's body into the neutral
/// event every observer sees (once: the handler then works from that reading), and the handling of it (dispatch it, hand
/// its <see cref="InboxArrival"/> on with what it passes to the bot). Each platform's unit supplies its handler.
/// </summary>
internal interface IInboxPlatformHandler
{
    /// <summary>The transports whose events this handler reads (no two handlers name the same one).</summary>
    IReadOnlyCollection<InboxTransport> Transports { get; }

    /// <summary>
    /// Reads a claimed event's stored body into the neutral event, attaching the platform's own reading when its handling
    /// needs one. Reads only the body, no I/O: whatever it throws, every retry would throw too, so the event is
    /// dead-lettered at once (<see cref="InboxHandling.Malformed"/>).
    /// </summary>
    InboxEventContext Read(InboxEvent item);

    /// <summary>
    /// Handles the event <see cref="Read"/> read, after the observers saw it (<paramref name="observed"/>: one took it as
    /// its own), and says what came of it; throws to have the inbox retry it, or
    /// <see cref="System.Text.Json.JsonException"/> when the event does not match its model (dead-lettered at once).
    /// </summary>
    Task<InboxHandling> HandleAsync(InboxEvent item, InboxEventContext context, bool observed, CancellationToken cancellationToken);
}

/// <summary>What a platform's handler made of one claimed event: the inbox counts it and completes or dead-letters the event.</summary>
internal readonly record struct InboxHandling
{
    private InboxHandling(string outcome, DateTimeOffset? since, Exception? error)
    {
        Outcome = outcome;
        Since = since;
        Error = error;
    }

    /// <summary>The <c>outcome</c> of <c>larkway.hub.inbox.handled</c>: <c>handled</c>, <c>no_handler</c> or <c>malformed</c>.</summary>
    public string Outcome { get; }

    /// <summary>When the event began (its platform's creation time, else when stored), for the handling latency; null for none.</summary>
    public DateTimeOffset? Since { get; }

    /// <summary>Why a malformed event is dead-lettered.</summary>
    public Exception? Error { get; }

    /// <summary>Something took the event.</summary>
    public static InboxHandling Handled(DateTimeOffset? since) => new("handled", since, null);

    /// <summary>Nothing in the Hub takes events of this kind: the event is done, and the handler has said why in its log.</summary>
    public static InboxHandling NoHandler(DateTimeOffset? since) => new("no_handler", since, null);

    /// <summary>The stored body does not match its event model: every retry would fail the same way, so it is dead-lettered now.</summary>
    public static InboxHandling Malformed(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new("malformed", null, error);
    }
}
