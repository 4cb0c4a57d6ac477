using Larkway.Hub.Apps.Connections;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Configuration;
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
    FeishuLongConnectionStates states,
    ILogger<FeishuLongConnectionHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var name = FeishuLongConnectionDuty.LeaseNameOf(settings);
        LongConnectionState state;
        try
        {
            state = await states.OfAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogUnreadable(logger, ex, name);
            return new HealthCheckResult(context.Registration.FailureStatus, $"The lease {name} could not be read; the Hub's log says why.");
        }

        return state switch
        {
            { IsUp: true } => HealthCheckResult.Healthy($"A replica holds the lease {name} and has not said its long connection is down ({FeishuLongConnectionStates.Describe(state)})."),
            { Condition: LongConnectionCondition.NoHolder } => new HealthCheckResult(context.Registration.FailureStatus, $"No replica holds the lease {name} live: no long connection receives Feishu's events."),
            _ => new HealthCheckResult(context.Registration.FailureStatus, $"The replica holding the lease {name} cannot open a long connection (since {state.DownSince?.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC): Feishu's events are not received. Its log says why."),
        };
    }

    [LoggerMessage(EventId = LogEvents.LongConnectionHealthCheckUnreadable, Level = LogLevel.Warning, Message = "Readiness: the lease {Lease} could not be read.")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string lease);
}
