using System.Globalization;
using Larkway.Hub.Alerts;

namespace Larkway.Hub.Feishu.Docs.Knowledge;

/// <summary>
/// <c>knowledge_sync_failures</c>: an active knowledge sync's last pass failed (a wrong key, a knowledge base gone, the app
/// out of the space), or <c>Threshold</c> or more of its documents were refused by Feishu or Dify — the knowledge base then
/// answers from an old or partial copy of the wiki until someone acts. A state, not a count over a window.
/// </summary>
internal sealed class KnowledgeSyncAlert(KnowledgeSyncStore store) : IRoomAlert
{
    public string Name => "knowledge_sync_failures";

    public string ConfigName => "KnowledgeSyncFailures";

    public string Title => "Knowledge syncs failing";

    public string ThresholdUnit => "documents";

    public double DefaultThreshold => 1;

    public double MinThreshold => 1;

    public double MaxThreshold => 1_000_000;

    public TimeSpan? DefaultWindow => null;

    public string Describe(AlertRuleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return $"an active knowledge sync's last pass failed, or {N(settings.Threshold)} or more of its documents were refused by Feishu or Dify";
    }

    public async Task<AlertCheck> CheckAsync(AlertRuleSettings settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var syncs = (await store.ListAsync(cancellationToken).ConfigureAwait(false)).Where(s => s.State == KnowledgeSyncState.Active).ToList();
        var counts = await store.CountsAsync(syncId: null, cancellationToken).ConfigureAwait(false);
        var problems = new List<string>();
        foreach (var sync in syncs.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase))
        {
            var failed = counts.GetValueOrDefault(sync.Id)?.GetValueOrDefault(KnowledgeDocumentState.Failed) ?? 0;
            if (sync.LastPassOutcome is { } outcome && outcome != KnowledgeSyncRunner.Ok)
            {
                problems.Add($"{sync.Name}: its last pass failed — {outcome}");
            }
            else if (failed >= settings.Threshold)
            {
                problems.Add($"{sync.Name}: {N(failed)} documents refused");
            }
        }

        return problems.Count == 0
            ? new(false, syncs.Count == 0 ? "No knowledge sync is active." : $"The last pass of every active knowledge sync ({N(syncs.Count)}) succeeded, with fewer than {N(settings.Threshold)} documents refused each.")
            : new(true, string.Join("; ", problems) + ". The console's Knowledge syncs page shows each document's reason.");
    }

    private static string N(double value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);
}
