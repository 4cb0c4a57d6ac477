namespace Larkway.Hub.AdminConsole;

/// <summary>
/// What the console's Knowledge syncs pages read and do, from whichever room keeps a document space in step with an
/// assistant's knowledge base (Feishu's wiki today): the syncs, a sync's documents and their state, and run, pause and
/// resume. The pages speak only these views.
/// </summary>
internal interface IKnowledgeSyncConsole
{
    /// <summary>The audit actions' prefix (the room's API writes the same: <c>{prefix}.run</c>, <c>.pause</c>, <c>.resume</c>).</summary>
    string AuditPrefix { get; }

    /// <summary>Every sync, in name order.</summary>
    Task<IReadOnlyList<KnowledgeSyncView>> SyncsAsync(CancellationToken cancellationToken);

    /// <summary>One sync, or null.</summary>
    Task<KnowledgeSyncView?> SyncAsync(string id, CancellationToken cancellationToken);

    /// <summary>A sync's documents: those kept out first (failed, restricted, unsupported, pending), then the pushed, each by title.</summary>
    Task<IReadOnlyList<KnowledgeDocumentView>> DocumentsAsync(string id, CancellationToken cancellationToken);

    /// <summary>Runs, pauses or resumes a sync; why not, or null when done. False in <c>Found</c> when there is no such sync.</summary>
    Task<(bool Found, string? Refused)> ActAsync(string id, KnowledgeSyncAction action, CancellationToken cancellationToken);
}

/// <summary>What an administrator may ask of a sync from the console.</summary>
internal enum KnowledgeSyncAction
{
    /// <summary>A full pass now.</summary>
    Run,

    /// <summary>Stop following the space until resumed.</summary>
    Pause,

    /// <summary>Follow it again, starting with a full pass.</summary>
    Resume,
}

/// <summary>A sync, in words.</summary>
/// <param name="Id">The sync's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Source">What it follows, in words (e.g. a wiki space and the app reading it).</param>
/// <param name="Target">Where it writes, in words (the knowledge base and its server).</param>
/// <param name="Assistant">The assistant it was connected for, if any.</param>
/// <param name="Paused">True when paused.</param>
/// <param name="Running">True while a pass runs.</param>
/// <param name="IncludesRestricted">True when documents only some people may open are let in (the administrator's choice).</param>
/// <param name="Interval">Time between full passes.</param>
/// <param name="LastPassAt">When the last pass ended.</param>
/// <param name="LastOutcome">What the last pass failed with, in words; null when it succeeded.</param>
/// <param name="Counts">Documents by state (pending, pushed, restricted, unsupported, failed).</param>
internal sealed record KnowledgeSyncView(
    string Id, string Name, string Source, string Target, string? Assistant, bool Paused, bool Running, bool IncludesRestricted, TimeSpan Interval, DateTimeOffset? LastPassAt,
    string? LastOutcome, IReadOnlyDictionary<string, int> Counts)
{
    /// <summary>The console's address of the sync.</summary>
    public string Path => $"/console/knowledge-syncs/{Uri.EscapeDataString(Id)}";

    /// <summary>The documents in <paramref name="state"/>.</summary>
    public int Count(string state) => Counts.GetValueOrDefault(state);
}

/// <summary>A document of a sync.</summary>
/// <param name="Title">Its title.</param>
/// <param name="Kind">Its kind (a document, a sheet…).</param>
/// <param name="State">pending, pushed, restricted, unsupported or failed.</param>
/// <param name="Why">Why it is kept out, when it is.</param>
/// <param name="KnowledgeDocument">Its document in the knowledge base, once pushed.</param>
/// <param name="EditEvents">True when its edits arrive as events (else with the next full pass).</param>
/// <param name="PushedAt">When its text last went to the knowledge base.</param>
internal sealed record KnowledgeDocumentView(string Title, string Kind, string State, string? Why, string? KnowledgeDocument, bool EditEvents, DateTimeOffset? PushedAt);
