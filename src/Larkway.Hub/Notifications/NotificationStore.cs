using System.Security.Cryptography;
using System.Text;
using Larkway.Hub.Notifications.Actions;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Hub.Notifications;

/// <summary>
/// Notifications and their deliveries: idempotent creation (one notification per caller and key, whatever the race, its
/// deliveries queued in the same transaction), content updates that queue the sent messages again, and clicks. The
/// deliveries are the <see cref="NotificationQueue"/>'s items; claiming and outcomes are the queue's.
/// </summary>
internal sealed class NotificationStore(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IHubStorageProvider provider,
    WorkSignals signals,
    [FromKeyedServices(NotificationQueue.Name)] IWorkQueue<NotificationDeliveryRow> queue,
    TimeProvider time)
{
    /// <summary>Stores the notification and one queued delivery per recipient, in one transaction.</summary>
    public async Task<NotificationCreateResult> CreateAsync(string caller, NotificationRequest request, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await FindByKeyAsync(db, caller, request, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                return existing;
            }

            var now = time.GetUtcNow();
            var id = "ntf_" + Guid.CreateVersion7(now).ToString("N");
            db.Notifications.Add(new NotificationRow
            {
                Id = id,
                Caller = caller,
                IdempotencyKey = request.IdempotencyKey,
                RequestHash = request.RequestHash,
                Type = request.Type,
                MessageType = request.ContentKind,
                Content = Marked(request.ContentKind, request.Content, id, request.Type),
                Data = request.Data,
                App = request.App,
                CreatedAt = now,
            });
            foreach (var recipient in request.Recipients)
            {
                db.NotificationDeliveries.Add(new NotificationDeliveryRow
                {
                    NotificationId = id,
                    RecipientType = recipient.Type,
                    Recipient = recipient.Value,
                    PersonId = recipient.PersonId,
                    App = recipient.App,
                    PlatformsTried = recipient.PlatformsTried,
                    State = WorkState.Pending,
                    NextAttemptAt = now,
                    Uuid = Uuid(id, recipient),
                });
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                // The same key arrived twice at once and the other request won: answer as its retry would be.
                db.ChangeTracker.Clear();
                return await FindByKeyAsync(db, caller, request, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("Unique violation without a stored notification.", ex);
            }

            signals.For(NotificationQueue.Name).Notify();
            return new NotificationCreateResult(NotificationCreateStatus.Created, id);
        }
    }

    /// <summary>
    /// The notification this caller already stored under the request's key (Existing, or KeyReused for a different
    /// request) with its number of recipients, or null: lets a retry be answered without settling recipients again.
    /// </summary>
    public async Task<(NotificationCreateResult Result, int Recipients)?> FindExistingAsync(string caller, NotificationRequest request, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await FindByKeyAsync(db, caller, request, cancellationToken).ConfigureAwait(false) is not { } existing)
            {
                return null;
            }

            var recipients = await db.NotificationDeliveries.CountAsync(d => d.NotificationId == existing.Id, cancellationToken).ConfigureAwait(false);
            return (existing, recipients);
        }
    }

    /// <summary>
    /// A page of notifications, newest first, each with its deliveries: the caller's own (all for null), narrowed by the
    /// filter, older than the id <see cref="NotificationFilter.Before"/> (the previous page's last).
    /// </summary>
    public async Task<IReadOnlyList<(NotificationRow Notification, IReadOnlyList<NotificationDeliveryRow> Deliveries)>> ListAsync(
        string? caller, NotificationFilter filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var query = db.Notifications.AsNoTracking();
            query = caller is null ? query : query.Where(n => n.Caller == caller);
            query = filter.Type is null ? query : query.Where(n => n.Type == filter.Type);
            query = filter.Reference is null ? query : query.Where(n => n.IdempotencyKey == filter.Reference);
            query = filter.CreatedFrom is not { } from ? query : query.Where(n => n.CreatedAt >= from);
            query = filter.CreatedTo is not { } to ? query : query.Where(n => n.CreatedAt < to);

            // Ids are version-7 uuids behind a fixed prefix: ordinal order is creation order.
            query = filter.Before is null ? query : query.Where(n => string.Compare(n.Id, filter.Before) < 0);

            // The overall status is the deliveries' (NotificationWire.Overall), asked of the database so pages stay full.
            var deliveries = db.NotificationDeliveries;
            query = filter.Status switch
            {
                NotificationStatus.InProgress => query.Where(n => deliveries.Any(d => d.NotificationId == n.Id && d.State != WorkState.Done && d.State != WorkState.DeadLetter)),
                NotificationStatus.Sent => query.Where(n => !deliveries.Any(d => d.NotificationId == n.Id && d.State != WorkState.Done)),
                NotificationStatus.Failed => query.Where(n => !deliveries.Any(d => d.NotificationId == n.Id && d.State != WorkState.DeadLetter)),
                NotificationStatus.PartiallyFailed => query.Where(n =>
                    !deliveries.Any(d => d.NotificationId == n.Id && d.State != WorkState.Done && d.State != WorkState.DeadLetter)
                    && deliveries.Any(d => d.NotificationId == n.Id && d.State == WorkState.Done)
                    && deliveries.Any(d => d.NotificationId == n.Id && d.State == WorkState.DeadLetter)),
                _ => query,
            };

            var rows = await query.OrderByDescending(n => n.Id).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
            var ids = rows.Select(n => n.Id).ToList();
            var byNotification = (await deliveries.AsNoTracking().Where(d => ids.Contains(d.NotificationId)).OrderBy(d => d.Id)
                    .ToListAsync(cancellationToken).ConfigureAwait(false))
                .ToLookup(d => d.NotificationId, StringComparer.Ordinal);
            return [.. rows.Select(n => (n, (IReadOnlyList<NotificationDeliveryRow>)[.. byNotification[n.Id]]))];
        }
    }

    /// <summary>A notification with its deliveries, or null.</summary>
    public async Task<(NotificationRow Notification, IReadOnlyList<NotificationDeliveryRow> Deliveries)?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var notification = await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken).ConfigureAwait(false);
            if (notification is null)
            {
                return null;
            }

            var deliveries = await db.NotificationDeliveries.AsNoTracking().Where(d => d.NotificationId == id).OrderBy(d => d.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return (notification, deliveries);
        }
    }

    /// <summary>
    /// Queues a sent delivery again when the notification's content changed while it was being sent (its message shows
    /// an older version), so the message ends up showing the newest. Returns whether it was queued.
    /// </summary>
    public async Task<bool> RequeueIfStaleAsync(long deliveryId, CancellationToken cancellationToken)
    {
        DateTimeOffset? now = time.GetUtcNow();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await RequeueStaleAsync(db, db.NotificationDeliveries.Where(d => d.Id == deliveryId), now, cancellationToken).ConfigureAwait(false) == 0)
            {
                return false;
            }

            signals.For(NotificationQueue.Name).Notify();
            return true;
        }
    }

    /// <summary>The notification a claimed delivery belongs to; null when it was deleted.</summary>
    public async Task<NotificationRow?> FindNotificationAsync(string id, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Replaces a notification's content and queues an update of every message already sent; recipients not sent
    /// yet get the new content. Returns the new version and how many messages will be updated, or null when unknown.
    /// </summary>
    /// <param name="id">The notification.</param>
    /// <param name="contentKind"><c>card</c> or <c>template</c>.</param>
    /// <param name="content">The new content.</param>
    /// <param name="data">The new data, when the type's template rendered it (card actions render it too); null keeps the old.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    public async Task<(int Version, int Updating)?> UpdateContentAsync(string id, string contentKind, string content, string? data, CancellationToken cancellationToken)
    {
        DateTimeOffset? now = time.GetUtcNow();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var type = await db.Notifications.Where(n => n.Id == id).Select(n => n.Type).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                if (type is null)
                {
                    return null;
                }

                var marked = Marked(contentKind, content, id, type);
                var changed = await db.Notifications.Where(n => n.Id == id).ExecuteUpdateAsync(
                    s => s.SetProperty(n => n.Content, marked).SetProperty(n => n.MessageType, contentKind).SetProperty(n => n.Version, n => n.Version + 1)
                        .SetProperty(n => n.Data, n => data ?? n.Data),
                    cancellationToken).ConfigureAwait(false);
                if (changed == 0)
                {
                    return null;
                }

                var version = await db.Notifications.Where(n => n.Id == id).Select(n => n.Version).FirstAsync(cancellationToken).ConfigureAwait(false);
                var updating = await RequeueStaleAsync(db, db.NotificationDeliveries.Where(d => d.NotificationId == id), now, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                signals.For(NotificationQueue.Name).Notify();
                return (version, updating);
            }
        }
    }

    /// <summary>Sent deliveries whose message shows an older version than the notification's go back to the queue.</summary>
    private static Task<int> RequeueStaleAsync(HubDbContext db, IQueryable<NotificationDeliveryRow> deliveries, DateTimeOffset? now, CancellationToken cancellationToken) =>
        deliveries
            .Where(d => d.State == WorkState.Done
                && d.SentVersion < db.Set<NotificationRow>().Where(n => n.Id == d.NotificationId).Select(n => n.Version).First())
            .ExecuteUpdateAsync(
                s => s.SetProperty(d => d.State, WorkState.Pending).SetProperty(d => d.Attempts, 0).SetProperty(d => d.NextAttemptAt, now),
                cancellationToken);

    /// <summary>
    /// Puts a notification's failed deliveries back in the queue with their attempts reset (after the cause was
    /// fixed: the bot added to the chat, the user given access). Their uuids are unchanged, so nothing already
    /// posted is posted again. Returns how many.
    /// </summary>
    public Task<int> RetryFailedAsync(string notificationId, CancellationToken cancellationToken) =>
        queue.ReplayAsync(d => d.NotificationId == notificationId && d.State == WorkState.DeadLetter, also: null, cancellationToken);

    /// <summary>
    /// Records a click on one of the notification's cards, and the action's decision on the notification, in one transaction.
    /// False when this callback was recorded before (a redelivery): nothing changes.
    /// </summary>
    public async Task<bool> RecordActionAsync(NotificationActionRow action, CancellationToken cancellationToken, Func<HubDbContext, CancellationToken, Task>? alsoInTransaction = null)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (await db.NotificationActions.AnyAsync(a => a.NotificationId == action.NotificationId && a.EventKey == action.EventKey, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                db.NotificationActions.Add(action);
                try
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
                {
                    // The same callback handled twice at once (the inbox processor retrying it, say): the other one recorded it.
                    return false;
                }

                if (action.Decision is { } decision)
                {
                    await db.Notifications.Where(n => n.Id == action.NotificationId)
                        .ExecuteUpdateAsync(s => s.SetProperty(n => n.Decision, decision), cancellationToken).ConfigureAwait(false);
                }

                if (alsoInTransaction is not null)
                {
                    // What the click sets off (its business webhooks) is stored with it, or not at all.
                    await alsoInTransaction(db, cancellationToken).ConfigureAwait(false);
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
        }
    }

    /// <summary>The clicks on a notification's cards, oldest first.</summary>
    public async Task<IReadOnlyList<NotificationActionRow>> ListActionsAsync(string notificationId, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.NotificationActions.AsNoTracking().Where(a => a.NotificationId == notificationId).OrderBy(a => a.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A card's callback values marked with the notification (see <see cref="NotificationCardReference"/>); templates are Feishu's to render.</summary>
    private static string Marked(string contentKind, string content, string id, string type) =>
        contentKind == "card" ? NotificationCardReference.Embed(content, id, type) : content;

    /// <summary>The message uuid of one recipient of one notification: stable across retries and processes, at most 50 characters.</summary>
    internal static string Uuid(string notificationId, NotificationRecipient recipient) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{notificationId}\n{recipient.Type}\n{recipient.Value}")))[..32];

    private static async Task<NotificationCreateResult?> FindByKeyAsync(HubDbContext db, string caller, NotificationRequest request, CancellationToken cancellationToken)
    {
        var found = await db.Notifications.AsNoTracking()
            .Where(n => n.Caller == caller && n.IdempotencyKey == request.IdempotencyKey)
            .Select(n => new { n.Id, n.RequestHash })
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return null;
        }

        return new NotificationCreateResult(
            found.RequestHash == request.RequestHash ? NotificationCreateStatus.Existing : NotificationCreateStatus.KeyReused, found.Id);
    }

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>What <see cref="NotificationStore.CreateAsync"/> did.</summary>
internal enum NotificationCreateStatus
{
    /// <summary>Stored and queued.</summary>
    Created,

    /// <summary>The same request under the same key was stored before: that notification, nothing new.</summary>
    Existing,

    /// <summary>The key was used before for a different request: refused.</summary>
    KeyReused,
}

/// <summary>The outcome of a create: what happened and the notification's id.</summary>
internal sealed record NotificationCreateResult(NotificationCreateStatus Status, string Id);

/// <summary>Why an attempt failed: Feishu's code (0 for transport failures), message and log id.</summary>

/// <summary>What a notification list is narrowed to; null fields do not narrow it.</summary>
/// <param name="Type">The notification type, exactly.</param>
/// <param name="Status">The overall status.</param>
/// <param name="CreatedFrom">Created at or after.</param>
/// <param name="CreatedTo">Created before.</param>
/// <param name="Reference">The caller's idempotency key.</param>
/// <param name="Before">The id the previous page ended with.</param>
public sealed record NotificationFilter(
    string? Type = null, NotificationStatus? Status = null, DateTimeOffset? CreatedFrom = null, DateTimeOffset? CreatedTo = null, string? Reference = null, string? Before = null);
