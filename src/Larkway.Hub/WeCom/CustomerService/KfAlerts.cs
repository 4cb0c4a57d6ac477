using System.Globalization;
using Larkway.Hub.Alerts;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.WeCom.CustomerService;

/// <summary>
/// <c>wecom_kf_send_failures</c>: <c>Threshold</c> or more of the Hub's messages to customers did not reach them within
/// <c>Window</c> — WeCom refused them (95001, 95002, 95013, …), the session's budget was used up, or WeCom reported them
/// undelivered afterwards (<c>msg_send_fail</c>). A customer left without an answer is something people must pick up.
/// </summary>
internal sealed class KfSendFailuresAlert(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer) : IRoomAlert
{
    public string Name => "wecom_kf_send_failures";

    public string ConfigName => "WecomKfSendFailures";

    public string Title => "Customer-service messages not delivered";

    public string ThresholdUnit => "messages";

    public double DefaultThreshold => 1;

    public double MinThreshold => 1;

    public double MaxThreshold => 1_000_000;

    public TimeSpan? DefaultWindow => TimeSpan.FromMinutes(15);

    public string Describe(AlertRuleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return $"{N(settings.Threshold)} or more messages to WeCom customer-service customers are not delivered (refused, over WeCom's limits, or reported failed) within {AlertRule.W(settings.Window)}";
    }

    public async Task<AlertCheck> CheckAsync(AlertRuleSettings settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var since = now - settings.Window;
            var failed = await db.Set<KfMessageRow>().AsNoTracking()
                .Where(m => m.Origin == KfOrigins.Hub && m.SentAt >= since && (m.Route == KfRoutes.NotSent || m.FailType != null))
                .Select(m => new { m.App, m.OpenKfId }).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (failed.Count == 0)
            {
                return new(false, $"Every message to a customer in the last {AlertRule.W(settings.Window)} was delivered.");
            }

            var where = string.Join("; ", failed.GroupBy(f => (f.App, f.OpenKfId)).OrderBy(g => g.Key.App, StringComparer.Ordinal).ThenBy(g => g.Key.OpenKfId, StringComparer.Ordinal)
                .Select(g => $"{g.Key.OpenKfId} on {g.Key.App}: {N(g.Count())}"));
            return new(failed.Count >= settings.Threshold,
                $"{N(failed.Count)} not delivered in the last {AlertRule.W(settings.Window)} ({where}); the console's Customer service transcripts show each, and people should answer those customers.");
        }
    }

    private static string N(double value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);
}
