using Larkway.Hub.Apps;
using Larkway.Hub.Apps.Connections;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// Readiness of DingTalk's Stream connections: for every enabled DingTalk app, some replica holds its lease
/// <c>dingtalk-stream/{AppKey}</c> live, so its robot messages and events have a connection to arrive on. Like Feishu's
/// long-connection check it speaks for the deployment, not this replica, so it is Degraded (200) rather than Unhealthy.
/// </summary>
internal sealed class DingTalkStreamHealthCheck(HubAppRegistry apps, DingTalkStreamStates states) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var dingTalk = (await apps.AllAsync(cancellationToken).ConfigureAwait(false)).Where(a => a.IsDingTalk() && a.Enabled).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        if (dingTalk.Count == 0)
        {
            return HealthCheckResult.Healthy("No enabled DingTalk app.");
        }

        var missing = new List<string>();
        var unconnected = new List<string>();
        foreach (var app in dingTalk)
        {
            var state = await states.OfAsync(app.Name, app.AppId, cancellationToken).ConfigureAwait(false);
            if (app.Error is not null || state.Condition == LongConnectionCondition.NoHolder)
            {
                missing.Add(app.Name);
            }
            else if (state is { Condition: LongConnectionCondition.CannotConnect, DownSince: { } since })
            {
                unconnected.Add($"{app.Name} (since {since.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)");
            }
        }

        if (missing.Count == 0 && unconnected.Count == 0)
        {
            return HealthCheckResult.Healthy($"Every DingTalk app's Stream connection is held and open ({dingTalk.Count}).");
        }

        var problems = new List<string>();
        if (missing.Count > 0)
        {
            problems.Add($"No replica holds the Stream connection of {string.Join(", ", missing)}");
        }

        if (unconnected.Count > 0)
        {
            problems.Add($"the replica holding it cannot open a Stream connection for {string.Join(", ", unconnected)}");
        }

        return new HealthCheckResult(context.Registration.FailureStatus,
            $"{string.Join("; ", problems)}: their robot messages and events are not received (check the app's credentials with Test connection).");
    }
}
