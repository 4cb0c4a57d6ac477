using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Leases;
using Larkway.Hub.Platform.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Monitoring;

/// <summary>Writes this replica's minutes every <see cref="MonitoringOptions.FlushInterval"/>, and once more when the Hub stops.</summary>
internal sealed partial class MetricFlusher(
    MetricRecorder recorder,
    HubDatabaseInitializer database,
    IOptions<MonitoringOptions> options,
    TimeProvider time,
    ILogger<MetricFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await database.EnsureInitializedAsync(stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(options.Value.FlushInterval, time, stoppingToken).ConfigureAwait(false);
                await FlushAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown deadline passed: the last minute's counts are lost, the shutdown goes on.
            LogFinalFlushAbandoned(logger);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await recorder.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The minute stays in memory and is written by the next flush.
            LogFlushFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = LogEvents.MonitoringFinalFlushAbandoned, Level = LogLevel.Warning, Message = "Monitoring: the shutdown deadline passed before this replica's last metric minute was written; that minute's counts are lost.")]
    private static partial void LogFinalFlushAbandoned(ILogger logger);

    [LoggerMessage(EventId = LogEvents.MonitoringFlushFailed, Level = LogLevel.Warning, Message = "Monitoring: writing this replica's metric minutes failed ({ExceptionType}); the next flush tries again.")]
    private static partial void LogFlushFailed(ILogger logger, string exceptionType);
}

/// <summary>Deletes minutes older than <see cref="MonitoringOptions.Retention"/>, hourly, on one replica.</summary>
internal sealed partial class MetricPruning(MetricStore store, IOptions<MonitoringOptions> options, TimeProvider time, ILogger<MetricPruning> logger) : IHubJob
{
    public string Name => "monitoring-prune";

    public TimeSpan Interval => TimeSpan.FromHours(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var deleted = await store.PruneAsync(time.GetUtcNow() - options.Value.Retention, cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            LogPruned(logger, deleted);
        }
    }

    [LoggerMessage(EventId = LogEvents.MonitoringPruned, Level = LogLevel.Debug, Message = "Monitoring: {Rows} metric minutes past their retention deleted.")]
    private static partial void LogPruned(ILogger logger, int rows);
}
