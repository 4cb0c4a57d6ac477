using Larkway.Hub.Apps;
using Larkway.Hub.Monitoring;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Larkway.Hub.WeCom;

/// <summary>
/// Readiness of WeCom's callbacks (<c>wecom-callbacks</c> on <c>/readyz</c>): every enabled WeCom app can verify its
/// callbacks (its secrets decrypt, its Token and 43-character EncodingAESKey are set), and none has had callbacks refused
/// for failing verification in the last <see cref="MetricStore.RefusalBurstGap"/> (as every replica recorded them).
/// Like DingTalk's Stream check it speaks for the deployment, not this replica: Degraded (200), never Unhealthy.
/// </summary>
internal sealed class WeComCallbackHealthCheck(HubAppRegistry apps, TimeProvider time, MetricStore? store = null) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var weCom = (await apps.AllAsync(cancellationToken).ConfigureAwait(false)).Where(a => a.IsWeCom() && a.Enabled).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        if (weCom.Count == 0)
        {
            return HealthCheckResult.Healthy("No enabled WeCom app.");
        }

        var problems = new List<string>();
        foreach (var app in weCom)
        {
            if (app.Error is not null)
            {
                problems.Add($"{app.Name}: its stored settings cannot be read ({app.Error})");
            }
            else if (app.VerificationToken is null || app.EncryptKey is not { Length: WeComHubPlatform.AesKeyLength })
            {
                problems.Add($"{app.Name}: no callback Token and 43-character EncodingAESKey, so every callback is refused (set them as in the app's 接收消息 settings)");
            }
        }

        if (store is not null)
        {
            var now = time.GetUtcNow();
            var names = weCom.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var refused in (await store.ReadRefusalsAsync(HubAppPlatform.WeCom, cancellationToken).ConfigureAwait(false)).Where(r => names.Contains(r.App) && now - r.Last <= MetricStore.RefusalBurstGap))
            {
                problems.Add($"{refused.App}: {refused.Count} callback(s) refused since {refused.First.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, the last at {refused.Last.UtcDateTime:HH:mm:ss} UTC ({WeComCallbackTelemetry.Explain(refused.Reason)})");
            }
        }

        return problems.Count == 0
            ? HealthCheckResult.Healthy($"Every WeCom app can verify its callbacks, and none was refused lately ({weCom.Count}).")
            : new HealthCheckResult(context.Registration.FailureStatus, $"WeCom callbacks are not received — {string.Join("; ", problems)}. WeCom does not send a refused callback again.");
    }
}
