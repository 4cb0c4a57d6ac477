using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.Leases;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Platform.Observability.Health;

/// <summary>
/// In long-connection mode: some replica holds the lease <c>long-connection/{app id}</c> live, so Feishu's events have a
/// connection to arrive on. The lease is shared by all replicas, so this is a statement about the deployment, not this
/// replica: it is registered as Degraded (200, visible in the answer) rather than Unhealthy, since taking every replica
/// out of rotation would not bring the connection back and would make the APIs unreachable too.
/// </summary>
internal sealed partial class LongConnectionHealthCheck(
    HubSettings settings,
    LeaseStore leases,
    TimeProvider time,
    ILogger<LongConnectionHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var name = LongConnectionService.LeaseNameOf(settings);
        HubLease? lease;
        try
        {
            lease = await leases.GetAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogUnreadable(logger, ex, name);
            return new HealthCheckResult(context.Registration.FailureStatus, $"The lease {name} could not be read; the Hub's log says why.");
        }

        if (lease is null)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"No replica has held the lease {name} yet: no long connection receives events.");
        }

        return lease.ExpiresAt > time.GetUtcNow()
            ? HealthCheckResult.Healthy($"A replica holds the lease {name}: the long connection is run.")
            : new HealthCheckResult(context.Registration.FailureStatus, $"The lease {name} lapsed at {lease.ExpiresAt:O} and nobody took it: no long connection receives events.");
    }

    [LoggerMessage(EventId = LogEvents.LongConnectionHealthCheckUnreadable, Level = LogLevel.Warning, Message = "Readiness: the lease {Lease} could not be read.")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string lease);
}
