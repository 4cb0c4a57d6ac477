using System.Diagnostics.Metrics;

namespace Larkway.Hub.Feishu.Docs.Knowledge;

/// <summary>
/// The knowledge syncs' instruments on the <c>Larkway</c> meter, each tagged with the sync's id: passes by kind and
/// outcome, and documents by what the pass did with them.
/// </summary>
internal sealed class KnowledgeSyncTelemetry
{
    private readonly Counter<long> _passes;
    private readonly Counter<long> _documents;

    public KnowledgeSyncTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create("Larkway");
        _passes = meter.CreateCounter<long>("larkway.hub.knowledge_sync.passes", "{pass}", "Passes of a connected wiki space, by sync, kind (full, marks) and outcome (ok, error).");
        _documents = meter.CreateCounter<long>("larkway.hub.knowledge_sync.documents", "{document}", "Documents a pass wrote to the knowledge base or kept out, by sync and action (created, updated, deleted, kept_out).");
    }

    public void Passed(string syncId, string kind, bool ok, KnowledgeTally tally)
    {
        var sync = new KeyValuePair<string, object?>("sync", syncId);
        _passes.Add(1, sync, new("kind", kind), new("outcome", ok ? "ok" : "error"));
        _documents.Add(tally.Created, sync, new("action", "created"));
        _documents.Add(tally.Updated, sync, new("action", "updated"));
        _documents.Add(tally.Deleted, sync, new("action", "deleted"));
        _documents.Add(tally.NotPushed, sync, new("action", "kept_out"));
    }
}
