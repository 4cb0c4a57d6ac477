using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Platform.Leases;

/// <summary>
/// A scheduled job: runs every <see cref="Interval"/> on exactly one replica, under the lease <c>job/{Name}</c>.
/// Register with <c>services.AddHubJob&lt;TJob&gt;()</c>.
/// </summary>
public interface IHubJob
{
    /// <summary>Unique among jobs; part of the lease name (<c>job/{Name}</c>).</summary>
    string Name { get; }

    /// <summary>Time between the end of one run and the start of the next.</summary>
    TimeSpan Interval { get; }

    /// <summary>One run. Cancelled when the replica loses the lease or stops; must stop promptly then.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Runs one <see cref="IHubJob"/> while holding <c>job/{Name}</c>: at once when the lease is taken, then every
/// <see cref="IHubJob.Interval"/>. A failed run is logged and the next one comes at the next interval.
/// </summary>
/// <remarks>
/// The schedule is not persisted: a replica taking the lease over (after a restart or failover) runs the job at once,
/// so a job may run early across a handover, never on two replicas at the same time.
/// </remarks>
internal sealed partial class HubJobRunner(IHubJob job, LeaseStore leases, IOptions<LeaseOptions> options, TimeProvider time, ILogger<HubJobRunner> logger)
    : SingletonDuty(LeaseNameOf(job), leases, options, time, logger)
{
    private readonly ILogger _logger = logger;

    public IHubJob Job { get; } = job;

    public static string LeaseNameOf(IHubJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return "job/" + job.Name;
    }

    protected override async Task RunDutyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await Job.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogRunFailed(_logger, ex, Job.Name);
            }

            await Task.Delay(Job.Interval, Time, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = LogEvents.HubJobRunnerRunFailed, Level = LogLevel.Error, Message = "Job {Job} failed; it runs again at its next interval.")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string job);
}
