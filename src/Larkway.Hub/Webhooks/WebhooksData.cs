using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Webhooks;

/// <summary>
/// Webhooks's tables on the Hub's context, as <c>db.WebhookSubscriptions</c>: the room's part of the model (its rows are mapped by its
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes, which the context applies from the assembly).
/// </summary>
internal static class WebhooksData
{
    extension(HubDbContext db)
    {
        /// <summary>Business systems' webhook subscriptions (URL, event types, signing secret).</summary>
        public DbSet<WebhookSubscriptionRow> WebhookSubscriptions => db.Set<WebhookSubscriptionRow>();

        /// <summary>The webhook outbox and delivery log: one row per (subscription, inbox event).</summary>
        public DbSet<WebhookDeliveryRow> WebhookDeliveries => db.Set<WebhookDeliveryRow>();
    }
}
