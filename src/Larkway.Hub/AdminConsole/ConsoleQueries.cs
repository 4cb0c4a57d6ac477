using Larkway.Hub.Approvals;
using Larkway.Hub.Approvals.Cards;
using Larkway.Hub.Inbox;
using Larkway.Hub.Notifications;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Larkway.Hub.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.AdminConsole;

/// <summary>
/// Read-only views the console needs and the stores do not offer (counts, lists across all rows). Changes always go
/// through the stores.
/// </summary>
internal sealed class ConsoleQueries(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer)
{
    public async Task<DashboardCounts> CountsAsync(CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var inbox = await db.InboxEvents.GroupBy(e => e.State).Select(g => new { g.Key, Count = g.Count() })
                .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken).ConfigureAwait(false);
            var deliveries = await db.NotificationDeliveries.GroupBy(d => d.State).Select(g => new { g.Key, Count = g.Count() })
                .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken).ConfigureAwait(false);
            var notifications = await db.Notifications.CountAsync(cancellationToken).ConfigureAwait(false);
            var deadLetters = await db.WebhookDeliveries.CountAsync(d => d.State == Platform.Queue.WorkState.DeadLetter, cancellationToken).ConfigureAwait(false);
            return new DashboardCounts(inbox, notifications, deliveries, deadLetters);
        }
    }

    /// <summary>Newest notifications first, optionally of one type and/or with a recipient in one delivery status.</summary>
    public async Task<IReadOnlyList<(NotificationRow Notification, IReadOnlyList<NotificationDeliveryRow> Deliveries)>> NotificationsAsync(
        string? type, Platform.Queue.WorkState? status, int limit, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var query = db.Notifications.AsNoTracking();
            if (!string.IsNullOrEmpty(type))
            {
                query = query.Where(n => n.Type == type);
            }

            if (status is { } s)
            {
                query = query.Where(n => db.Set<NotificationDeliveryRow>().Any(d => d.NotificationId == n.Id && d.State == s));
            }

            var rows = await query.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
            var ids = rows.Select(n => n.Id).ToList();
            var deliveries = await db.NotificationDeliveries.AsNoTracking().Where(d => ids.Contains(d.NotificationId)).OrderBy(d => d.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var byNotification = deliveries.ToLookup(d => d.NotificationId, StringComparer.Ordinal);
            return [.. rows.Select(n => (n, (IReadOnlyList<NotificationDeliveryRow>)[.. byNotification[n.Id]]))];
        }
    }

    /// <summary>The last click on each of <paramref name="notificationIds"/>' cards (those with none are absent): what a list shows beside the decision.</summary>
    public async Task<IReadOnlyDictionary<string, NotificationActionRow>> LastClicksAsync(IReadOnlyCollection<string> notificationIds, CancellationToken cancellationToken)
    {
        if (notificationIds.Count == 0)
        {
            return new Dictionary<string, NotificationActionRow>(StringComparer.Ordinal);
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            // Clicks are few per notification (one per button press, recorded once): read them, keep each one's newest.
            var clicks = await db.NotificationActions.AsNoTracking().Where(a => notificationIds.Contains(a.NotificationId))
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return clicks.GroupBy(a => a.NotificationId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.OrderByDescending(a => a.Id).First(), StringComparer.Ordinal);
        }
    }

    /// <summary>Webhook deliveries across subscriptions, newest first, optionally in one status.</summary>
    public async Task<IReadOnlyList<WebhookDeliveryRow>> WebhookDeliveriesAsync(Platform.Queue.WorkState? status, int limit, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var query = db.WebhookDeliveries.AsNoTracking();
            if (status is { } s)
            {
                query = query.Where(d => d.State == s);
            }

            return await query.OrderByDescending(d => d.Id).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The webhook deliveries an inbox event fanned out to, oldest first.</summary>
    public async Task<IReadOnlyList<WebhookDeliveryRow>> WebhookDeliveriesOfEventAsync(long inboxEventId, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.WebhookDeliveries.AsNoTracking().Where(d => d.InboxEventId == inboxEventId).OrderBy(d => d.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The callbacks an approval's transitions queued (one delivery per transition and subscription), oldest first: their
    /// event ids are <c>{approval id}.{sequence}</c> for sequences 1 to <paramref name="sequence"/>.
    /// </summary>
    public async Task<IReadOnlyList<WebhookDeliveryRow>> ApprovalCallbacksAsync(string approvalId, int sequence, CancellationToken cancellationToken)
    {
        if (sequence < 1)
        {
            return [];
        }

        var eventIds = Enumerable.Range(1, sequence).Select(n => ApprovalCallbacks.EventId(approvalId, n)).ToList();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.WebhookDeliveries.AsNoTracking().Where(d => d.InboxEventId == null && eventIds.Contains(d.EventId!)).OrderBy(d => d.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The approval cards sent for an approval's tasks (their notifications, reminders), by task id.</summary>
    public async Task<IReadOnlyDictionary<string, ApprovalCardRow>> ApprovalCardsAsync(string approvalId, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.ApprovalCards.AsNoTracking().Where(c => c.ApprovalId == approvalId)
                .ToDictionaryAsync(c => c.TaskId, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>What the dashboard shows.</summary>
internal sealed record DashboardCounts(
    IReadOnlyDictionary<WorkState, int> Inbox,
    int Notifications,
    IReadOnlyDictionary<Platform.Queue.WorkState, int> Deliveries,
    int WebhookDeadLetters);
