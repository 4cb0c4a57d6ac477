using Larkway.Feishu.Docs;
using Larkway.Hub.AdminConsole;

namespace Larkway.Hub.Feishu.Docs.Knowledge;

/// <summary>The console's Knowledge syncs pages over the wiki-space syncs: <see cref="KnowledgeSyncService"/> and its store, as the API uses them.</summary>
internal sealed class KnowledgeSyncConsole(KnowledgeSyncService service, KnowledgeSyncStore store) : IKnowledgeSyncConsole
{
    /// <inheritdoc />
    public string AuditPrefix => "knowledge_sync";

    /// <inheritdoc />
    public async Task<IReadOnlyList<KnowledgeSyncView>> SyncsAsync(CancellationToken cancellationToken)
    {
        var syncs = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        var counts = await store.CountsAsync(syncId: null, cancellationToken).ConfigureAwait(false);
        var running = await store.RunningAsync(cancellationToken).ConfigureAwait(false);
        return [.. syncs.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Select(s => View(s, counts.GetValueOrDefault(s.Id), running.Contains(s.Id)))];
    }

    /// <inheritdoc />
    public async Task<KnowledgeSyncView?> SyncAsync(string id, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken).ConfigureAwait(false) is not { } sync)
        {
            return null;
        }

        var counts = await store.CountsAsync(id, cancellationToken).ConfigureAwait(false);
        return View(sync, counts.GetValueOrDefault(id), await store.IsRunningAsync(id, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<KnowledgeDocumentView>> DocumentsAsync(string id, CancellationToken cancellationToken) =>
        [.. (await store.DocumentsAsync(id, cancellationToken).ConfigureAwait(false))
            .OrderBy(d => d.State == KnowledgeDocumentState.Pushed)
            .ThenBy(d => d.State)
            .ThenBy(d => d.Title, StringComparer.CurrentCultureIgnoreCase)
            .Select(d => new KnowledgeDocumentView(d.Title, Kind(d.ObjType), Name(d.State), d.Error, d.DifyDocumentId, d.Subscribed, d.PushedAt))];

    /// <inheritdoc />
    public async Task<(bool Found, string? Refused)> ActAsync(string id, KnowledgeSyncAction action, CancellationToken cancellationToken)
    {
        switch (action)
        {
            case KnowledgeSyncAction.Pause:
                return (await service.PauseAsync(id, cancellationToken).ConfigureAwait(false) is not null, null);
            case KnowledgeSyncAction.Resume:
                return (await service.ResumeAsync(id, cancellationToken).ConfigureAwait(false) is not null, null);
            default:
                var run = await service.RunNowAsync(id, cancellationToken).ConfigureAwait(false);
                return (!run.NotFound, run.Problems is { Count: > 0 } ? "The sync is paused: resume it, which also runs a full pass." : null);
        }
    }

    private static KnowledgeSyncView View(KnowledgeSyncRow sync, IReadOnlyDictionary<KnowledgeDocumentState, int>? counts, bool running) => new(
        sync.Id,
        sync.Name,
        $"Feishu wiki space {sync.SpaceId}, read by " + (sync.App is { Length: > 0 } app ? $"the app {app}" : "the Hub's Feishu app"),
        $"Dify knowledge base {sync.DatasetId} at {sync.DifyBaseUrl}",
        sync.Assistant,
        sync.State == KnowledgeSyncState.Paused,
        running,
        sync.IncludeRestricted,
        TimeSpan.FromSeconds(sync.IntervalSeconds),
        sync.LastPassAt,
        sync.LastPassOutcome is KnowledgeSyncRunner.Ok ? null : sync.LastPassOutcome,
        (counts ?? new Dictionary<KnowledgeDocumentState, int>()).ToDictionary(c => Name(c.Key), c => c.Value, StringComparer.Ordinal));

    private static string Name(KnowledgeDocumentState state) => state.ToString().ToLowerInvariant();

    private static string Kind(string objType) => FeishuDocLinks.KindOfObjType(objType) is { } kind ? FeishuDocLinks.Noun(kind) : objType;
}
