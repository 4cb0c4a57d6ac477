using System.Security.Cryptography;
using System.Text;
using Larkway.Hub.Notifications.Actions;
using Larkway.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Notifications;

/// <summary>
/// Notifications and their outbox: idempotent creation (one notification per caller and key, whatever the race),
/// lease-based claiming of deliveries, and each delivery's outcome. Every transition is one conditional statement,
/// so two senders (or two Hub processes) never hold the same delivery.
/// </summary>
internal sealed class NotificationStore(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IHubStorageProvider provider,
    NotificationSignal signal,
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
                    Status = DeliveryStatus.Queued,
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

            signal.Notify();
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
    /// Claims up to <paramref name="batchSize"/> due deliveries (Queued or Retrying and due, or InProgress with an expired
    /// lease), oldest first, each counting an attempt; returns them with their notifications.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(string owner, int batchSize, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? until = now + lease;
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var candidates = await Due(db.NotificationDeliveries, now).OrderBy(d => d.Id).Select(d => d.Id).Take(batchSize)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            if (candidates.Count == 0)
            {
                return [];
            }

            // One conditional statement for the lot (one commit, not one per row): only rows still due are taken, so
            // of two claimers each row goes to exactly one. A due row is never one this owner holds under a live
            // lease, so afterwards the candidates InProgress under this owner are the ones just claimed.
            var updated = await Due(db.NotificationDeliveries.Where(d => candidates.Contains(d.Id)), now).ExecuteUpdateAsync(
                s => s.SetProperty(d => d.Status, DeliveryStatus.InProgress)
                    .SetProperty(d => d.LeaseOwner, owner)
                    .SetProperty(d => d.LeaseUntil, until)
                    .SetProperty(d => d.Attempts, d => d.Attempts + 1),
                cancellationToken).ConfigureAwait(false);
            if (updated == 0)
            {
                return [];
            }

            var claimed = candidates;
            var rows = await db.NotificationDeliveries.AsNoTracking()
                .Where(d => claimed.Contains(d.Id) && d.LeaseOwner == owner && d.Status == DeliveryStatus.InProgress)
                .Join(db.Notifications.AsNoTracking(), d => d.NotificationId, n => n.Id, (d, n) => new ClaimedDelivery(d, n))
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.OrderBy(r => r.Delivery.Id)];
        }
    }

    /// <summary>
    /// Records a send (or an update) of <paramref name="version"/>; false when <paramref name="owner"/> no longer held the
    /// lease (the outcome is then the other sender's). If the content changed meanwhile, the delivery is queued again at
    /// once, so the message ends up showing the newest version.
    /// </summary>
    public async Task<bool> MarkSentAsync(long id, string owner, string messageId, int version, CancellationToken cancellationToken)
    {
        DateTimeOffset? now = time.GetUtcNow();

        // Both statements on one context (one connection open, not two): this runs once per delivery.
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var held = await Owned(db, id, owner).ExecuteUpdateAsync(
                s => s
                    .SetProperty(d => d.Status, DeliveryStatus.Sent)
                    .SetProperty(d => d.MessageId, messageId)
                    .SetProperty(d => d.SentAt, d => d.SentAt ?? now)
                    .SetProperty(d => d.SentVersion, version)
                    .SetProperty(d => d.NextAttemptAt, (DateTimeOffset?)null)
                    .SetProperty(d => d.LeaseOwner, (string?)null)
                    .SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null)
                    .SetProperty(d => d.ErrorCode, (int?)null)
                    .SetProperty(d => d.ErrorMessage, (string?)null)
                    .SetProperty(d => d.LogId, (string?)null),
                cancellationToken).ConfigureAwait(false) == 1;
            if (held && await RequeueStaleAsync(db, db.NotificationDeliveries.Where(d => d.Id == id), now, cancellationToken).ConfigureAwait(false) > 0)
            {
                signal.Notify();
            }

            return held;
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
                signal.Notify();
                return (version, updating);
            }
        }
    }

    /// <summary>Sent deliveries whose message shows an older version than the notification's go back to the queue.</summary>
    private static Task<int> RequeueStaleAsync(HubDbContext db, IQueryable<NotificationDeliveryRow> deliveries, DateTimeOffset? now, CancellationToken cancellationToken) =>
        deliveries
            .Where(d => d.Status == DeliveryStatus.Sent
                && d.SentVersion < db.Notifications.Where(n => n.Id == d.NotificationId).Select(n => n.Version).First())
            .ExecuteUpdateAsync(
                s => s.SetProperty(d => d.Status, DeliveryStatus.Queued).SetProperty(d => d.Attempts, 0).SetProperty(d => d.NextAttemptAt, now),
                cancellationToken);

    /// <summary>Records a failure: Retrying until <paramref name="retryAt"/>, or Failed for good when it is null.</summary>
    public Task<bool> MarkFailedAsync(long id, string owner, DeliveryError error, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        var message = error.Message.Length > NotificationDeliveryRow.MaxErrorLength ? error.Message[..NotificationDeliveryRow.MaxErrorLength] : error.Message;
        var status = retryAt is null ? DeliveryStatus.Failed : DeliveryStatus.Retrying;
        return UpdateOwnedAsync(id, owner, s => s
            .SetProperty(d => d.Status, status)
            .SetProperty(d => d.NextAttemptAt, retryAt)
            .SetProperty(d => d.LeaseOwner, (string?)null)
            .SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(d => d.ErrorCode, error.Code)
            .SetProperty(d => d.ErrorMessage, message)
            .SetProperty(d => d.LogId, error.LogId), cancellationToken);
    }

    /// <summary>
    /// Puts a held delivery back until <paramref name="at"/> without counting the attempt: it was paced (its receiver's
    /// next send slot is later; <paramref name="error"/> null, status Queued) or throttled by Feishu (a rate limit says
    /// nothing about the delivery; status Retrying with the error). So a 429 storm never uses up a delivery's attempts.
    /// </summary>
    public Task<bool> DeferAsync(long id, string owner, DateTimeOffset at, DeliveryError? error, CancellationToken cancellationToken)
    {
        DateTimeOffset? next = at;
        if (error is null)
        {
            return UpdateOwnedAsync(id, owner, s => s
                .SetProperty(d => d.Status, DeliveryStatus.Queued)
                .SetProperty(d => d.NextAttemptAt, next)
                .SetProperty(d => d.Attempts, d => d.Attempts - 1)
                .SetProperty(d => d.LeaseOwner, (string?)null)
                .SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        }

        var message = error.Message.Length > NotificationDeliveryRow.MaxErrorLength ? error.Message[..NotificationDeliveryRow.MaxErrorLength] : error.Message;
        return UpdateOwnedAsync(id, owner, s => s
            .SetProperty(d => d.Status, DeliveryStatus.Retrying)
            .SetProperty(d => d.NextAttemptAt, next)
            .SetProperty(d => d.Attempts, d => d.Attempts - 1)
            .SetProperty(d => d.LeaseOwner, (string?)null)
            .SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(d => d.ErrorCode, error.Code)
            .SetProperty(d => d.ErrorMessage, message)
            .SetProperty(d => d.LogId, error.LogId), cancellationToken);
    }

    /// <summary>
    /// Puts a notification's failed deliveries back in the queue with their attempts reset (after the cause was
    /// fixed: the bot added to the chat, the user given access). Their uuids are unchanged, so nothing already
    /// posted is posted again. Returns how many.
    /// </summary>
    public async Task<int> RetryFailedAsync(string notificationId, CancellationToken cancellationToken)
    {
        DateTimeOffset? now = time.GetUtcNow();
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var retried = await db.NotificationDeliveries
                .Where(d => d.NotificationId == notificationId && d.Status == DeliveryStatus.Failed)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(d => d.Status, DeliveryStatus.Queued)
                        .SetProperty(d => d.Attempts, 0)
                        .SetProperty(d => d.NextAttemptAt, now),
                    cancellationToken).ConfigureAwait(false);
            if (retried > 0)
            {
                signal.Notify();
            }

            return retried;
        }
    }

    /// <summary>
    /// Records a click on one of the notification's cards, and the action's decision on the notification, in one transaction.
    /// False when this callback was recorded before (a redelivery): nothing changes.
    /// </summary>
    public async Task<bool> RecordActionAsync(NotificationActionRow action, CancellationToken cancellationToken)
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

    private static IQueryable<NotificationDeliveryRow> Due(IQueryable<NotificationDeliveryRow> rows, DateTimeOffset now) =>
        rows.Where(d => ((d.Status == DeliveryStatus.Queued || d.Status == DeliveryStatus.Retrying) && d.NextAttemptAt <= now)
            || (d.Status == DeliveryStatus.InProgress && d.LeaseUntil <= now));

    private async Task<bool> UpdateOwnedAsync(
        long id,
        string owner,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<NotificationDeliveryRow>> setters,
        CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var updated = await Owned(db, id, owner).ExecuteUpdateAsync(setters, cancellationToken).ConfigureAwait(false);
            return updated == 1;
        }
    }

    /// <summary>The delivery, while <paramref name="owner"/> holds its lease.</summary>
    private static IQueryable<NotificationDeliveryRow> Owned(HubDbContext db, long id, string owner) =>
        db.NotificationDeliveries.Where(d => d.Id == id && d.Status == DeliveryStatus.InProgress && d.LeaseOwner == owner);

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

/// <summary>A claimed delivery and what it is to deliver.</summary>
internal sealed record ClaimedDelivery(NotificationDeliveryRow Delivery, NotificationRow Notification);

/// <summary>Why an attempt failed: Feishu's code (0 for transport failures), message and log id.</summary>
internal sealed record DeliveryError(int Code, string Message, string? LogId);
