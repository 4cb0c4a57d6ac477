using System.Globalization;
using Larkway.Hub.Monitoring;

namespace Larkway.Hub.Directory;

/// <summary>
/// The dashboard's "Data lost in sync" for the directory: breached when a sync run in the window ended incomplete (pages
/// that failed for good: their people and departments may be missing or stale until a run completes), met when every
/// run completed. What a reconciliation healed (changes events had missed) is shown, not counted as lost: it was found.
/// </summary>
internal sealed class DirectorySyncLoss(DirectoryStore store) : ISyncLossSource
{
    public async Task<MetricReading> ReadAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var (runs, failed, healed) = await store.EndedSinceAsync(since, cancellationToken).ConfigureAwait(false);
        var healedText = healed == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"; reconciliation healed {healed:N0} changes events had missed");
        return runs == 0
            ? new(MetricStatus.NoData, "—", "no directory sync ended")
            : failed > 0
                ? new(MetricStatus.Breached, string.Create(CultureInfo.InvariantCulture, $"{failed:N0} pages"), string.Create(CultureInfo.InvariantCulture, $"directory pages failed for good in {runs:N0} runs: see the Directory page's problems{healedText}"))
                : new(MetricStatus.Met, "none", string.Create(CultureInfo.InvariantCulture, $"{runs:N0} directory syncs completed{healedText}"));
    }
}
