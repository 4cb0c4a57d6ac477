using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Larkway.Hub.Platform.Observability.Health;

/// <summary>
/// Implemented by the durable work queue (one per queue or per kind of work): how long its oldest due item has waited
/// unclaimed. The queue knows its own tables; readiness only judges the answer.
/// </summary>
public interface IWorkQueueProbe
{
    /// <summary>The queue's name in <c>/readyz</c>, e.g. <c>inbox</c> or <c>notifications</c>; the check is <c>queue:{Name}</c>.</summary>
    string Name { get; }

    /// <summary>Reads the backlog now: items that are due (not deferred, not leased, not dead-lettered) and the oldest one's age.</summary>
    Task<WorkQueueBacklog> ReadBacklogAsync(CancellationToken cancellationToken);
}

/// <summary>A queue's due work at one moment.</summary>
/// <param name="Due">Items due and unclaimed.</param>
/// <param name="OldestDueAge">How long the oldest of them has been due; null when none is.</param>
public readonly record struct WorkQueueBacklog(long Due, TimeSpan? OldestDueAge);

/// <summary>Registers queue probes with readiness.</summary>
public static class WorkQueueHealthServiceCollectionExtensions
{
    /// <summary>The wait after which due work counts as stuck, when the registration does not say.</summary>
    public static readonly TimeSpan DefaultStuckAfter = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Adds the readiness check <c>queue:{name}</c> over the probe <paramref name="probe"/> makes: <paramref name="failureStatus"/>
    /// (default Degraded, since a stuck queue is the deployment's problem rather than this replica's) when the oldest due
    /// item has waited longer than <paramref name="stuckAfter"/> reads (default 5 minutes), healthy otherwise.
    /// </summary>
    public static IServiceCollection AddWorkQueueHealth(
        this IServiceCollection services,
        string name,
        Func<IServiceProvider, IWorkQueueProbe> probe,
        Func<IServiceProvider, TimeSpan>? stuckAfter = null,
        HealthStatus failureStatus = HealthStatus.Degraded)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(probe);
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            "queue:" + name,
            sp => new WorkQueueHealthCheck(probe(sp), stuckAfter?.Invoke(sp) ?? DefaultStuckAfter),
            failureStatus,
            [HubHealthTags.Ready],
            HubHealthTags.CheckTimeout));
        return services;
    }
}

/// <summary>Judges one probe's backlog against the stuck limit.</summary>
internal sealed class WorkQueueHealthCheck(IWorkQueueProbe probe, TimeSpan stuckAfter) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var backlog = await probe.ReadBacklogAsync(cancellationToken).ConfigureAwait(false);
        if (backlog.OldestDueAge is { } age && age > stuckAfter)
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"{backlog.Due} item(s) due; the oldest has waited {age.TotalSeconds:0} s, longer than {stuckAfter.TotalSeconds:0} s: the queue is not being worked.");
        }

        return HealthCheckResult.Healthy($"{backlog.Due} item(s) due.");
    }
}
