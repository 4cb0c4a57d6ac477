using Larkway.Hub.Apps;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Larkway.Hub.WeCom.AiBot;

/// <summary>
/// Readiness of the WeCom AI bots' long connections: for every enabled WeCom app with an AI bot, some replica holds its
/// lease <c>wecom-aibot/{BotId}</c> with the connection open (or opening). Like DingTalk's Stream check it speaks for the
/// deployment, not this replica, so it is Degraded (200) rather than Unhealthy.
/// </summary>
internal sealed class WeComAiBotHealthCheck(HubAppRegistry apps, WeComAiBotStates states) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var bots = (await apps.AllAsync(cancellationToken).ConfigureAwait(false)).Where(a => a.HasAiBot() && a.Enabled).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        if (bots.Count == 0)
        {
            return HealthCheckResult.Healthy("No enabled WeCom AI bot.");
        }

        var problems = new List<string>();
        foreach (var app in bots)
        {
            var state = await states.OfAsync(app.Name, app.AiBotId!, cancellationToken).ConfigureAwait(false);
            if (app.Error is not null)
            {
                problems.Add($"{app.Name}: {app.Error}");
            }
            else if (!state.IsUp)
            {
                problems.Add($"{app.Name}: {WeComAiBotStates.Describe(state)}");
            }
        }

        return problems.Count == 0
            ? HealthCheckResult.Healthy($"Every WeCom AI bot's long connection is held and open ({bots.Count}).")
            : new HealthCheckResult(context.Registration.FailureStatus,
                $"{string.Join("; ", problems)} — their AI bot messages are not received (check the bot id and secret, and that nothing else connects with them).");
    }
}
