using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Alerts;

/// <summary>Reads and writes <c>hub_alerts</c>.</summary>
internal sealed class AlertStore(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider)
{
    /// <summary>The open alerts, by rule.</summary>
    public async Task<Dictionary<string, AlertRow>> OpenAsync(CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var open = await db.Alerts.AsNoTracking().Where(a => a.ClearedAt == null).ToListAsync(cancellationToken).ConfigureAwait(false);
            return open.ToDictionary(a => a.Rule, StringComparer.Ordinal);
        }
    }

    /// <summary>Opens an alert of <paramref name="rule"/>; null when one is open already (another evaluation got there first).</summary>
    public async Task<AlertRow?> OpenAsync(string rule, DateTimeOffset at, string detail, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = new AlertRow { Rule = rule, OpenedAt = at, Detail = Clip(detail, AlertRow.MaxDetailLength) };
            db.Alerts.Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return row;
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                return null;
            }
        }
    }

    /// <summary>Clears an open alert; false when it was cleared already.</summary>
    public async Task<bool> ClearAsync(long id, DateTimeOffset at, string detail, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            DateTimeOffset? clearedAt = at;
            var text = Clip(detail, AlertRow.MaxDetailLength);
            return await db.Alerts.Where(a => a.Id == id && a.ClearedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.ClearedAt, clearedAt).SetProperty(a => a.ClearedDetail, text), cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <summary>
    /// Alerts opened since <paramref name="since"/> with a notice not yet submitted: the opening one, or — once the
    /// opening one went out — the clearing one.
    /// </summary>
    public async Task<IReadOnlyList<AlertRow>> PendingNoticesAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Alerts.AsNoTracking()
                .Where(a => a.OpenedAt >= since
                    && ((a.NotificationId == null && a.NoticeProblem == null)
                        || (a.ClearedAt != null && a.NotificationId != null && a.ClearedNotificationId == null && a.ClearedNoticeProblem == null)))
                .OrderBy(a => a.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Records the outcome of submitting a notice: the notification, or why there is none.</summary>
    public async Task SetNoticeAsync(long id, bool cleared, string? notificationId, string? problem, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var text = problem is null ? null : Clip(problem, AlertRow.MaxProblemLength);
            var alerts = db.Alerts.Where(a => a.Id == id);
            if (cleared)
            {
                await alerts.ExecuteUpdateAsync(s => s.SetProperty(a => a.ClearedNotificationId, notificationId).SetProperty(a => a.ClearedNoticeProblem, text), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await alerts.ExecuteUpdateAsync(s => s.SetProperty(a => a.NotificationId, notificationId).SetProperty(a => a.NoticeProblem, text), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Open alerts first, then the most recently opened, with the delivery states of their notices' notifications.</summary>
    public async Task<IReadOnlyList<AlertListItem>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.Alerts.AsNoTracking()
                .OrderBy(a => a.ClearedAt == null ? 0 : 1).ThenByDescending(a => a.OpenedAt).ThenByDescending(a => a.Id)
                .Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
            var ids = rows.SelectMany(a => new[] { a.NotificationId, a.ClearedNotificationId }).OfType<string>().ToList();
            var deliveries = await db.NotificationDeliveries.AsNoTracking().Where(d => ids.Contains(d.NotificationId))
                .Select(d => new { d.NotificationId, d.State, d.LastError }).ToListAsync(cancellationToken).ConfigureAwait(false);
            var byNotification = deliveries.ToLookup(d => d.NotificationId, StringComparer.Ordinal);
            return [.. rows.Select(a => new AlertListItem(
                a,
                a.NotificationId is { } n ? [.. byNotification[n].Select(d => (d.State, d.LastError))] : [],
                a.ClearedNotificationId is { } c ? [.. byNotification[c].Select(d => (d.State, d.LastError))] : []))];
        }
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>An alert as the console lists it, with the delivery states of its two notices.</summary>
internal sealed record AlertListItem(AlertRow Alert, IReadOnlyList<(WorkState State, string? Error)> Opened, IReadOnlyList<(WorkState State, string? Error)> Cleared);
