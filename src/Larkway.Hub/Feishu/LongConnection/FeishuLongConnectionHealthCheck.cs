using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Configuration;
using Larkway.Hub.Platform.Leases;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu.LongConnection;

/// <summary>
/// Readiness of Feishu's long connection in long-connection mode: some replica holds the lease <c>long-connection/{app id}</c>
/// live and has not said it cannot connect, so Feishu's events have a connection to arrive on. The lease is shared by all
/// replicas, so this is a statement about the deployment, not this replica: it is registered as Degraded (200, visible in
/// the answer) rather than Unhealthy, since taking every replica out of rotation would not bring the connection back and
/// would make the APIs unreachable too.
/// </summary>
internal sealed partial class FeishuLongConnectionHealthCheck(
    HubSettings settings,
    LeaseStore leases,
    FeishuLongConnectionStatus status,
    TimeProvider time,
    ILogger<FeishuLongConnectionHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var name = FeishuLongConnectionDuty.LeaseNameOf(settings);
        HubLease? lease;
        DateTimeOffset? downSince;
        try
        {
            lease = await leases.GetAsync(name, cancellationToken).ConfigureAwait(false);
            downSince = await status.DownSinceAsync(settings.AppId ?? "", cancellationToken).ConfigureAwait(false);
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

        if (lease.ExpiresAt <= time.GetUtcNow())
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The lease {name} lapsed at {lease.ExpiresAt:O} and nobody took it: no long connection receives events.");
        }

        return downSince is { } since
            ? new HealthCheckResult(context.Registration.FailureStatus, $"The replica holding the lease {name} cannot open a long connection (since {since.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC): Feishu's events are not received. Its log says why.")
            : HealthCheckResult.Healthy($"A replica holds the lease {name} and its long connection is open.");
    }

    [LoggerMessage(EventId = LogEvents.LongConnectionHealthCheckUnreadable, Level = LogLevel.Warning, Message = "Readiness: the lease {Lease} could not be read.")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string lease);
}
