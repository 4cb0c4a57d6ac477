using System.Text.Json;
using Larkway.Hub.Apps;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Webhooks;

/// <summary>
/// Webhook subscriptions and the deliveries queued for them: fan-out (one delivery per matching subscription and inbox
/// event, unique, so a redelivered or replayed event is never queued twice) and the delivery log. The deliveries are the
/// <see cref="WebhookQueue"/>'s items; claiming, outcomes and replay are the queue's.
/// </summary>
internal sealed class WebhookStore(
    IDbContextFactory<HubDbContext> contexts,
    HubDatabaseInitializer initializer,
    IHubStorageProvider provider,
    WorkSignals signals,
    HubSecretProtector protector,
    IOptions<WebhookOptions> options,
    TimeProvider time)
{
    // Fan-out runs for every handled event, and most Hubs have few subscriptions that rarely change: they are read
    // at most this often. Changes made in this process apply at once; another replica's, within this long.
    internal static readonly TimeSpan SubscriptionCacheLifetime = TimeSpan.FromSeconds(2);

    private volatile SubscriptionSnapshot? _subscriptions;

    public async Task<WebhookSubscriptionRow> CreateSubscriptionAsync(Uri url, IReadOnlyList<string> eventTypes, string description, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var secret = WebhookSignature.NewSecret();
        var row = new WebhookSubscriptionRow
        {
            Id = "whk_" + Guid.CreateVersion7(now).ToString("N"),
            Url = url.AbsoluteUri,
            EventTypes = string.Join(',', eventTypes),
            Description = description,
            Secret = protector.Protect(secret),
            CreatedAt = now,
        };
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            db.WebhookSubscriptions.Add(row);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            ForgetSubscriptions();

            // Stored protected; the caller shows the plaintext once.
            row.Secret = secret;
            return row;
        }
    }

    /// <summary>
    /// Gives subscription <paramref name="id"/> a new signing secret and keeps the one it replaces valid for
    /// <see cref="WebhookOptions.SecretRotationWindow"/> (a secret kept from an earlier rotation is dropped). Returns the new
    /// secret in plain text, for the caller to show once; null when no subscription has the id.
    /// </summary>
    public async Task<WebhookSecretRotation?> RotateSecretAsync(string id, CancellationToken cancellationToken)
    {
        var window = options.Value.SecretRotationWindow;
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            while (true)
            {
                var current = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.Id == id).Select(s => s.Secret)
                    .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    return null;
                }

                var secret = WebhookSignature.NewSecret();
                var protectedSecret = protector.Protect(secret);
                var previous = window > TimeSpan.Zero ? (HubSecretProtector.IsProtected(current) ? current : protector.Protect(current)) : null;
                DateTimeOffset? expiresAt = previous is null ? null : time.GetUtcNow() + window;

                // Only over the secret just read: a concurrent rotation (or the start-up protection) makes this one read again.
                var updated = await db.WebhookSubscriptions.Where(s => s.Id == id && s.Secret == current)
                    .ExecuteUpdateAsync(
                        u => u.SetProperty(s => s.Secret, protectedSecret).SetProperty(s => s.PreviousSecret, previous).SetProperty(s => s.PreviousSecretExpiresAt, expiresAt),
                        cancellationToken)
                    .ConfigureAwait(false);
                if (updated == 1)
                {
                    return new WebhookSecretRotation(id, secret, expiresAt);
                }
            }
        }
    }

    /// <summary>
    /// Protects signing secrets stored in plain text by versions before encryption at rest; returns how many. Safe to run
    /// on several replicas at once (each row is replaced only while it still holds the plaintext it read).
    /// </summary>
    public async Task<int> ProtectLegacySecretsAsync(CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var legacy = await db.WebhookSubscriptions.AsNoTracking()
                .Where(s => !s.Secret.StartsWith(HubSecretProtector.Prefix))
                .Select(s => new { s.Id, s.Secret })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var converted = 0;
            foreach (var row in legacy)
            {
                var protectedSecret = protector.Protect(row.Secret);
                converted += await db.WebhookSubscriptions
                    .Where(s => s.Id == row.Id && s.Secret == row.Secret)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.Secret, protectedSecret), cancellationToken).ConfigureAwait(false);
            }

            return converted;
        }
    }

    public async Task<IReadOnlyList<WebhookSubscriptionRow>> ListSubscriptionsAsync(CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.WebhookSubscriptions.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>Up to <paramref name="take"/> + 1 subscriptions in id order (ids are time-ordered: creation order) after <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<WebhookSubscriptionRow>> ListSubscriptionsPageAsync(string? after, int take, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = db.WebhookSubscriptions.AsNoTracking();
            if (after is not null)
            {
                rows = rows.Where(r => string.Compare(r.Id, after) > 0);
            }

            return await rows.OrderBy(r => r.Id).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<bool> SubscriptionExistsAsync(string id, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.WebhookSubscriptions.AnyAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes a subscription and its delivery log (cascade); queued deliveries are dropped with it.</summary>
    public async Task<bool> DeleteSubscriptionAsync(string id, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            // Deliveries first: not every provider enforces the cascade (SQLite needs foreign_keys on).
            await db.WebhookDeliveries.Where(d => d.SubscriptionId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            var deleted = await db.WebhookSubscriptions.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) == 1;
            ForgetSubscriptions();
            return deleted;
        }
    }

    /// <summary>
    /// Queues the event, of any platform, for every subscription whose types match (<c>im.message.receive_v1</c>,
    /// <c>dingtalk.robot_message</c>, <c>wecom.message.*</c>…), once per subscription however often it is handled: those
    /// already queued for this inbox event are skipped (the unique index settles a race). Returns how many were added.
    /// </summary>
    public async Task<int> FanOutAsync(InboxEventContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (inboxEventId, eventType, eventId) = (context.InboxEventId, context.EventType, context.EventId);
        var subscriptions = await SubscriptionsAsync(cancellationToken).ConfigureAwait(false);
        var matching = subscriptions.Where(s => WebhookEventFilter.Matches(s.EventTypes, eventType)).Select(s => s.Id).ToList();
        if (matching.Count == 0)
        {
            return 0;
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var payload = Payload(context);
            for (var round = 0; ; round++)
            {
                var existing = await db.WebhookDeliveries.AsNoTracking().Where(d => d.InboxEventId == inboxEventId)
                    .Select(d => d.SubscriptionId).ToListAsync(cancellationToken).ConfigureAwait(false);
                var now = time.GetUtcNow();
                var added = 0;
                foreach (var subscription in matching.Except(existing, StringComparer.Ordinal))
                {
                    db.WebhookDeliveries.Add(new WebhookDeliveryRow
                    {
                        SubscriptionId = subscription,
                        InboxEventId = inboxEventId,
                        EventId = Truncate(eventId, 256),
                        EventType = Truncate(eventType, 128)!,
                        Payload = payload,
                        State = WorkState.Pending,
                        NextAttemptAt = now,
                        CreatedAt = now,
                    });
                    added++;
                }

                if (added == 0)
                {
                    return 0;
                }

                try
                {
                    await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    signals.For(WebhookQueue.Name).Notify();
                    return added;
                }
                catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex) && round == 0)
                {
                    // Another handler of the same event queued some at the same time: queue only what is still missing.
                    db.ChangeTracker.Clear();
                }
            }
        }
    }

    /// <summary>Whether some subscription forwards events of <paramref name="eventType"/> (from the same cached list <see cref="FanOutAsync"/> reads).</summary>
    public async Task<bool> ForwardsAsync(string eventType, CancellationToken cancellationToken)
    {
        var subscriptions = await SubscriptionsAsync(cancellationToken).ConfigureAwait(false);
        return subscriptions.Any(s => WebhookEventFilter.Matches(s.EventTypes, eventType));
    }

    /// <summary>
    /// Adds one delivery of a Hub event (an approval callback, say) per subscription whose types match, to
    /// <paramref name="db"/> without saving: the caller saves them in the same transaction as the change they report, so a
    /// change is never recorded without its callbacks, nor the other way round. Call <see cref="NotifySender"/> after the
    /// commit. Returns how many were added.
    /// </summary>
    public async Task<int> QueueAsync(HubDbContext db, string eventType, string eventId, byte[] payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var subscriptions = await SubscriptionsAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var added = 0;
        foreach (var subscription in subscriptions.Where(s => WebhookEventFilter.Matches(s.EventTypes, eventType)))
        {
            db.WebhookDeliveries.Add(new WebhookDeliveryRow
            {
                SubscriptionId = subscription.Id,
                EventId = Truncate(eventId, 256),
                EventType = Truncate(eventType, 128)!,
                Payload = payload,
                State = WorkState.Pending,
                NextAttemptAt = now,
                CreatedAt = now,
            });
            added++;
        }

        return added;
    }

    /// <summary>Wakes this process's sender (after deliveries queued with <see cref="QueueAsync"/> were committed).</summary>
    public void NotifySender() => signals.For(WebhookQueue.Name).Notify();

    /// <summary>
    /// The body posted, one envelope for every platform: <c>{"id","type","created_at","app","event"}</c>, its event the
    /// platform's JSON as received (Feishu's <c>event</c> object, DingTalk's push, WeCom's callback).
    /// </summary>
    internal static byte[] Payload(InboxEventContext context)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", context.EventId ?? $"inbox_{context.InboxEventId}");
            writer.WriteString("type", context.EventType);
            writer.WriteString("created_at", (context.CreatedAt ?? context.ReceivedAt).ToUniversalTime());
            writer.WriteString("app", HubAppService.NameOnWire(context.AppName));
            WriteNotification(writer, context.Event);
            writer.WritePropertyName("event");
            if (context.Event.ValueKind == JsonValueKind.Undefined)
            {
                writer.WriteNullValue();
            }
            else
            {
                context.Event.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// A click on a notification card names the notification, its type and the action at the top, so that a business
    /// system need not dig them out of <c>event.action.value</c> (where the Hub's <c>larkway_*</c> marks also are).
    /// </summary>
    private static void WriteNotification(Utf8JsonWriter writer, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.Object
            || !action.TryGetProperty("value", out var value)
            || Notifications.Actions.NotificationCardReference.Read(value) is not { } reference)
        {
            return;
        }

        var (id, type) = reference;
        writer.WriteStartObject("notification");
        writer.WriteString("id", id);
        writer.WriteString("type", type);
        writer.WriteString("action", value.TryGetProperty("action", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null);
        writer.WriteEndObject();
    }

    /// <summary>
    /// The subscription a delivery goes to, its signing secrets readable (the previous one as long as it is kept; the
    /// sender checks its expiry); null when it was deleted meanwhile.
    /// </summary>
    public async Task<WebhookSubscriptionRow?> GetSubscriptionAsync(string id, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false);
            if (row is not null)
            {
                // An untracked copy: the sender signs with the plaintext (legacy plaintext rows read as they are).
                row.Secret = protector.Unprotect(row.Secret);
                row.PreviousSecret = row.PreviousSecret is { } previous ? protector.Unprotect(previous) : null;
            }

            return row;
        }
    }

    /// <summary>A subscription's deliveries, newest first.</summary>
    public Task<IReadOnlyList<WebhookDeliveryRow>> ListDeliveriesAsync(string subscriptionId, WorkState? status, int limit, CancellationToken cancellationToken) =>
        ListDeliveriesAsync(subscriptionId, status, after: null, limit, cancellationToken);

    /// <summary>A subscription's deliveries, newest first, older than delivery <paramref name="after"/> when given (keyset on the id).</summary>
    public async Task<IReadOnlyList<WebhookDeliveryRow>> ListDeliveriesAsync(string subscriptionId, WorkState? status, long? after, int limit, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == subscriptionId);
            if (status is { } s)
            {
                query = query.Where(d => d.State == s);
            }

            if (after is { } last)
            {
                query = query.Where(d => d.Id < last);
            }

            return await query.OrderByDescending(d => d.Id).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string? Truncate(string? value, int length) => value is { } v && v.Length > length ? v[..length] : value;

    /// <summary>The subscriptions with their parsed filters, from the cache while it is fresh.</summary>
    private async Task<IReadOnlyList<(string Id, IReadOnlyList<string> EventTypes)>> SubscriptionsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_subscriptions is { } cached && cached.ReadAt + SubscriptionCacheLifetime > now && cached.ReadAt <= now)
        {
            return cached.Items;
        }

        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.WebhookSubscriptions.AsNoTracking().Select(s => new { s.Id, s.EventTypes }).ToListAsync(cancellationToken).ConfigureAwait(false);
            var items = rows.Select(r => (r.Id, (IReadOnlyList<string>)WebhookEventFilter.Split(r.EventTypes))).ToArray();
            _subscriptions = new SubscriptionSnapshot(now, items);
            return items;
        }
    }

    private void ForgetSubscriptions() => _subscriptions = null;

    private sealed record SubscriptionSnapshot(DateTimeOffset ReadAt, IReadOnlyList<(string Id, IReadOnlyList<string> EventTypes)> Items);

    private async Task<HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A rotated secret: the new one in plain text (shown once), and when the replaced one stops being signed with (null: at once).</summary>
internal sealed record WebhookSecretRotation(string SubscriptionId, string Secret, DateTimeOffset? PreviousSecretExpiresAt);

/// <summary>Queues webhook deliveries for every handled inbox event, of every platform.</summary>
internal sealed class WebhookFanOut(WebhookStore store) : IInboxEventObserver
{
    /// <summary>Events of a type some subscription forwards (the subscription list is cached for 2 s).</summary>
    public async ValueTask<bool> WantsAsync(InboxEventContext context, CancellationToken cancellationToken) =>
        await store.ForwardsAsync(context.EventType, cancellationToken).ConfigureAwait(false);

    /// <summary>Queues the deliveries; true when a subscription forwards the event's type (forwarding is handling it).</summary>
    public async Task<bool> OnEventAsync(InboxEventContext context, CancellationToken cancellationToken)
    {
        await store.FanOutAsync(context, cancellationToken).ConfigureAwait(false);
        return await store.ForwardsAsync(context.EventType, cancellationToken).ConfigureAwait(false);
    }
}
