using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Larkway.Hub.Platform.Observability.Prometheus;

/// <summary>
/// A pull exporter on the OpenTelemetry SDK: each scrape makes its reader collect (cumulative temporality, the reader's
/// own aggregation state, so OTLP export on the same provider neither resets nor sees it) and writes that batch as
/// Prometheus text. Pull-only, so the provider's flushes and shutdown never push to it.
/// </summary>
[ExportModes(ExportModes.Pull)]
internal sealed class PrometheusScrapeExporter : BaseExporter<Metric>, IPullMetricExporter
{
    private const int CollectTimeoutMilliseconds = 10_000;

    // Never disposed: a scrape may still wait on it while the provider shuts down, and it holds no wait handle.
    private readonly SemaphoreSlim _scrapes = new(1, 1);
    private string? _collected;

    /// <summary>Set by the reader this exporter is given to; null until then (and after the provider is gone).</summary>
    public Func<int, bool>? Collect { get; set; }

    /// <summary>
    /// Collects now and returns the exposition text; null when there is nothing to collect from (no provider, or the
    /// collection failed). Scrapes are serialised: each reads one consistent collection.
    /// </summary>
    public async Task<byte[]?> ScrapeAsync(CancellationToken cancellationToken)
    {
        await _scrapes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _collected = null;
            if (Collect is not { } collect || !collect(CollectTimeoutMilliseconds))
            {
                return null;
            }

            return Encoding.UTF8.GetBytes(_collected ?? "");
        }
        finally
        {
            _scrapes.Release();
        }
    }

    /// <summary>Runs inside <see cref="Collect"/>: the batch is only valid during this call, so it is written out here.</summary>
    public override ExportResult Export(in Batch<Metric> batch)
    {
        _collected = PrometheusTextWriter.Write(batch);
        return ExportResult.Success;
    }
}
