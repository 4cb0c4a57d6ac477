using Larkway.Hub.Monitoring;
using Larkway.Hub.Platform;
using Larkway.Hub.Apps.Connections;
using Larkway.Hub.Platform.Leases;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Alerts;

/// <summary>
/// Every <see cref="AlertOptions.Interval"/>, on one replica (the job lease <c>job/alerts</c>): writes this replica's
/// running minute, evaluates each enabled rule, opens an alert for a rule that breaches and has none open, clears the
/// open alert of a rule that no longer does (or was switched off), and submits the notices not yet submitted.
/// </summary>
internal sealed partial class AlertEvaluator(
    AlertStore alerts,
    AlertNotifier notifier,
    MetricRecorder recorder,
    MetricStore minutes,
    QueueMetrics queues,
    LeaseStore leases,
    IOptions<AlertOptions> options,
    AlertRules rules,
    TimeProvider time,
    ILogger<AlertEvaluator> logger,
    Apps.HubAppRegistry? apps = null,
    IEnumerable<LongConnectionSource>? connections = null) : IHubJob
{
    /// <summary>Notices of alerts older than this are not submitted any more (a recipient configured today does not get last week's).</summary>
    private static readonly TimeSpan NoticeHorizon = TimeSpan.FromDays(1);

    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    public string Name => "alerts";

    public TimeSpan Interval => options.Value.Interval;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        await EvaluateAsync(cancellationToken).ConfigureAwait(false);
        await NotifyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One evaluation of every rule: opens and clears alerts. Returns the checks, by rule name.</summary>
    public async Task<IReadOnlyDictionary<string, AlertCheck?>> EvaluateAsync(CancellationToken cancellationToken)
    {
        var snapshot = await SnapshotAsync(cancellationToken).ConfigureAwait(false);
        var open = await alerts.OpenAsync(cancellationToken).ConfigureAwait(false);
        var results = new Dictionary<string, AlertCheck?>(StringComparer.Ordinal);
        foreach (var rule in options.Value.ResolvedRules(rules))
        {
            AlertCheck? check = null;
            if (rule.Enabled)
            {
                try
                {
                    check = rule.Rule.Room is { } room
                        ? await room.CheckAsync(rule, snapshot.Now, cancellationToken).ConfigureAwait(false)
                        : rule.Check(snapshot);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogEvaluationFailed(logger, ex, rule.Rule.Name);
                    continue;
                }
            }

            results[rule.Rule.Name] = check;
            open.TryGetValue(rule.Rule.Name, out var existing);
            if (check is { Breached: true } && existing is null)
            {
                if (await alerts.OpenAsync(rule.Rule.Name, snapshot.Now, check.Detail, cancellationToken).ConfigureAwait(false) is { } opened)
                {
                    LogOpened(logger, opened.Id, rule.Rule.Name, check.Detail);
                }
            }
            else if (existing is not null && check is not { Breached: true })
            {
                var detail = check?.Detail ?? "The rule was switched off.";
                if (await alerts.ClearAsync(existing.Id, snapshot.Now, detail, cancellationToken).ConfigureAwait(false))
                {
                    LogCleared(logger, existing.Id, rule.Rule.Name, detail);
                }
            }
        }

        return results;
    }

    /// <summary>Submits the notices not yet submitted (opened, then cleared once the opening one went out).</summary>
    public async Task NotifyAsync(CancellationToken cancellationToken)
    {
        var pending = await alerts.PendingNoticesAsync(time.GetUtcNow() - NoticeHorizon, cancellationToken).ConfigureAwait(false);
        foreach (var alert in pending)
        {
            var cleared = alert.NotificationId is not null;
            try
            {
                var outcome = await notifier.SubmitAsync(alert, rules.Find(alert.Rule), cleared, cancellationToken).ConfigureAwait(false);
                if (outcome.Problem is { } problem)
                {
                    LogNoticeSkipped(logger, alert.Id, alert.Rule, problem);
                }

                await alerts.SetNoticeAsync(alert.Id, cleared, outcome.NotificationId, outcome.Problem, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Left pending: the next evaluation submits it again, under the same idempotency key.
                LogNotifyFailed(logger, ex, alert.Id, alert.Rule);
            }
        }
    }

    private async Task<AlertSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        await recorder.FlushAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var longest = options.Value.ResolvedRules(rules).Where(r => r.Rule.HasWindow).Select(r => r.Window).DefaultIfEmpty(TimeSpan.FromMinutes(1)).Max();
        var rows = await minutes.ReadAsync(MetricRecorder.MinuteOf(now) - longest, cancellationToken).ConfigureAwait(false);

        return new AlertSnapshot(now, rows, queues.Latest.ToDictionary(q => q.Key, q => q.Value, StringComparer.Ordinal))
        {
            LastApiFailure = await minutes.ReadLastApiFailureAsync(cancellationToken).ConfigureAwait(false),
            ConnectionsDown = await ConnectionsDownAsync(now, cancellationToken).ConfigureAwait(false),
            CallbacksRefused = await CallbacksRefusedAsync(cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>
    /// For each platform whose room has a "callbacks refused" rule, the last burst of refused callbacks of each of its
    /// enabled apps and its deployment's own app (a deleted or disabled app's, or another platform's app of the same name,
    /// are not alerted on).
    /// </summary>
    private async Task<IReadOnlyDictionary<string, IReadOnlyList<CallbackRefusals>>> CallbacksRefusedAsync(CancellationToken cancellationToken)
    {
        var byPlatform = new Dictionary<string, IReadOnlyList<CallbackRefusals>>(StringComparer.Ordinal);
        IReadOnlyList<Apps.StoredApp>? enabled = null;
        foreach (var (platform, deploymentApps) in rules.Refusals.GroupBy(r => r.Platform, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Select(r => r.DeploymentApp).OfType<string>())))
        {
            var refusals = await minutes.ReadRefusalsAsync(platform, cancellationToken).ConfigureAwait(false);
            if (refusals.Count > 0 && apps is not null)
            {
                enabled ??= [.. (await apps.AllAsync(cancellationToken).ConfigureAwait(false)).Where(a => a.Enabled)];
                var names = enabled.Where(a => Apps.HubAppPlatform.Of(a.Platform) == platform).Select(a => a.Name).Concat(deploymentApps).ToHashSet(StringComparer.Ordinal);
                refusals = [.. refusals.Where(r => names.Contains(r.App))];
            }

            byPlatform[platform] = refusals;
        }

        return byPlatform;
    }

    /// <summary>Each enabled app's long connection (of every kind the rooms hold) that no replica holds live, or whose holder cannot connect, and since when.</summary>
    private async Task<IReadOnlyList<ConnectionDown>> ConnectionsDownAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sources = connections?.DistinctBy(c => c.Kind).ToList() ?? [];
        if (apps is null || sources.Count == 0)
        {
            return [];
        }

        var down = new List<ConnectionDown>();
        var enabled = (await apps.AllAsync(cancellationToken).ConfigureAwait(false)).Where(a => a.Enabled).ToList();
        foreach (var source in sources)
        {
            foreach (var app in source.HoldersAmong(enabled))
            {
                if (source.Kind.KeyOf(app) is { } key
                    && await DownSinceAsync(source, key, app.UpdatedAt, now, cancellationToken).ConfigureAwait(false) is { } since)
                {
                    down.Add(new ConnectionDown(source.Kind, app.Name, since));
                }
            }
        }

        return down;
    }

    /// <summary>Since when the connection of <paramref name="key"/> has been down, or null while it is held and its holder has not said otherwise.</summary>
    private async Task<DateTimeOffset?> DownSinceAsync(LongConnectionSource source, string key, DateTimeOffset appChangedAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lease = await leases.GetAsync(source.Kind.LeaseNameOf(key), cancellationToken).ConfigureAwait(false);
        if (lease is { } held && held.ExpiresAt > now)
        {
            // Held: down only when the holder says it has had no open connection since then.
            return await source.Marks.DownSinceAsync(key, cancellationToken).ConfigureAwait(false);
        }

        // Never held (or held before the app last changed): counted from when it could first have been.
        var since = lease is { } expired && expired.ExpiresAt > appChangedAt ? expired.ExpiresAt : appChangedAt;
        return since > _startedAt ? since : _startedAt;
    }

    [LoggerMessage(EventId = LogEvents.AlertOpened, Level = LogLevel.Warning, Message = "Alert {AlertId} opened: {Rule}. {Detail}")]
    private static partial void LogOpened(ILogger logger, long alertId, string rule, string detail);

    [LoggerMessage(EventId = LogEvents.AlertCleared, Level = LogLevel.Information, Message = "Alert {AlertId} cleared: {Rule}. {Detail}")]
    private static partial void LogCleared(ILogger logger, long alertId, string rule, string detail);

    [LoggerMessage(EventId = LogEvents.AlertEvaluationFailed, Level = LogLevel.Error, Message = "Alert rule {Rule} could not be evaluated; the other rules were.")]
    private static partial void LogEvaluationFailed(ILogger logger, Exception exception, string rule);

    [LoggerMessage(EventId = LogEvents.AlertNotifyFailed, Level = LogLevel.Warning, Message = "Alert {AlertId} ({Rule}): submitting its notice failed; the next evaluation tries again.")]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception, long alertId, string rule);

    [LoggerMessage(EventId = LogEvents.AlertNotificationSkipped, Level = LogLevel.Warning, Message = "Alert {AlertId} ({Rule}) is not posted to Feishu: {Problem}")]
    private static partial void LogNoticeSkipped(ILogger logger, long alertId, string rule, string problem);
}
