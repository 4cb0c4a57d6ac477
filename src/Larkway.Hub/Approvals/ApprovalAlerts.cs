using System.Globalization;
using Larkway.Hub.Alerts;
using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Approvals;

/// <summary>
/// The approvals' alert rules, each counting per platform (the approval's stored <c>platform</c>), so an operator sees
/// which platform's creates go wrong: creates that failed within a window, and creates still submitting for too long.
/// </summary>
internal abstract class ApprovalAlert(
    IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, string name, string title, string thresholdUnit, double defaultThreshold, double maxThreshold,
    TimeSpan? defaultWindow) : IRoomAlert
{
    public string Name => name;

    /// <summary>The name in PascalCase without its underscores: <c>approvals_failed</c> → <c>ApprovalsFailed</c>.</summary>
    public string ConfigName => string.Concat(name.Split('_').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));

    public string Title => title;

    public string ThresholdUnit => thresholdUnit;

    public double DefaultThreshold => defaultThreshold;

    public double MinThreshold => 1;

    public double MaxThreshold => maxThreshold;

    public TimeSpan? DefaultWindow => defaultWindow;

    public abstract string Describe(AlertRuleSettings settings);

    public async Task<AlertCheck> CheckAsync(AlertRuleSettings settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await CheckAsync(db, settings, now, cancellationToken).ConfigureAwait(false);
        }
    }

    protected abstract Task<AlertCheck> CheckAsync(HubDbContext db, AlertRuleSettings settings, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Per platform, as sentences name it, in the platforms' order by name: "DingTalk 2 (…)".</summary>
    protected static string ByPlatform<T>(IEnumerable<T> items, Func<T, string> platform, Func<IReadOnlyList<T>, string> what) =>
        string.Join("; ", items.GroupBy(i => HubAppPlatform.Of(platform(i)), StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{HubAppPlatform.Display(g.Key)} {what([.. g])}"));

    protected static string N(double value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);

    protected static string W(TimeSpan span) => AlertRule.W(span);
}

/// <summary><c>approvals_failed</c>: <c>Threshold</c> or more approvals of one platform failed to be created within <c>Window</c>.</summary>
internal sealed class ApprovalsFailedAlert(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer)
    : ApprovalAlert(contexts, initializer, "approvals_failed", "Approvals failed to be created", "approvals", 1, 1_000_000, TimeSpan.FromMinutes(15))
{
    public override string Describe(AlertRuleSettings settings) =>
        $"{N(settings.Threshold)} or more approvals of one platform fail to be created (refused, or out of attempts) within {W(settings.Window)}";

    protected override async Task<AlertCheck> CheckAsync(HubDbContext db, AlertRuleSettings settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now - settings.Window;
        var failed = await db.ApprovalTransitions.AsNoTracking()
            .Where(t => t.Key == "status:failed" && t.At >= since)
            .Join(db.Approvals.AsNoTracking(), t => t.ApprovalId, a => a.Id, (t, a) => new { a.Id, a.Platform, a.ErrorCodeText, t.At })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var breaching = failed.GroupBy(f => HubAppPlatform.Of(f.Platform), StringComparer.Ordinal).Where(g => g.Count() >= settings.Threshold).SelectMany(g => g).ToList();
        var counts = ByPlatform(failed, f => f.Platform, g =>
        {
            var last = g.MaxBy(f => f.At)!;
            return $"{N(g.Count)} (the last {last.Id}, code {last.ErrorCodeText ?? "none"})";
        });
        return new(breaching.Count > 0, failed.Count == 0
            ? $"No approval failed to be created in the last {W(settings.Window)}."
            : $"Approvals that failed to be created in the last {W(settings.Window)}: {counts} (threshold {N(settings.Threshold)} on one platform). "
                + "Each failed approval shows the platform's code and message (GET /api/v1/approvals?status=failed, or the console's Approvals page); send a new request once the cause is fixed.");
    }
}

/// <summary><c>approvals_stuck</c>: an approval has been submitting (its instance not created yet) for longer than <c>Threshold</c> minutes.</summary>
internal sealed class ApprovalsStuckAlert(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer)
    : ApprovalAlert(contexts, initializer, "approvals_stuck", "Approvals stuck submitting", "minutes", 30, 10_080, null)
{
    public override string Describe(AlertRuleSettings settings) =>
        $"an approval has been submitting (its platform has not created it yet) for longer than {W(TimeSpan.FromMinutes(settings.Threshold))}";

    protected override async Task<AlertCheck> CheckAsync(HubDbContext db, AlertRuleSettings settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var limit = TimeSpan.FromMinutes(settings.Threshold);
        DateTimeOffset before = now - limit;
        var stuck = await db.Approvals.AsNoTracking()
            .Where(a => a.Status == ApprovalState.Submitting && a.CreatedAt <= before)
            .Select(a => new { a.Id, a.Platform, a.CreatedAt, a.ErrorCodeText })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var counts = ByPlatform(stuck, s => s.Platform, g =>
        {
            var oldest = g.MinBy(s => s.CreatedAt)!;
            return $"{N(g.Count)} (the oldest {oldest.Id}, submitting for {W(now - oldest.CreatedAt)}{(oldest.ErrorCodeText is { } code ? $", last error code {code}" : "")})";
        });
        return new(stuck.Count > 0, stuck.Count == 0
            ? $"No approval has been submitting for longer than {W(limit)}."
            : $"Approvals submitting for longer than {W(limit)}: {counts}. The Hub keeps trying and never creates one twice; "
                + "a platform that does not answer, or an app whose credentials no longer work, keeps them there (GET /api/v1/approvals?status=submitting).");
    }
}
