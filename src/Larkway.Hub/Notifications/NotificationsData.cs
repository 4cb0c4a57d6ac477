using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Notifications;

/// <summary>
/// Notifications's tables on the Hub's context, as <c>db.Notifications</c>: the room's part of the model (its rows are mapped by its
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes, which the context applies from the assembly).
/// </summary>
internal static class NotificationsData
{
    extension(HubDbContext db)
    {
        /// <summary>Notifications accepted from business systems.</summary>
        public DbSet<NotificationRow> Notifications => db.Set<NotificationRow>();

        /// <summary>The outbox: one delivery per notification recipient.</summary>
        public DbSet<NotificationDeliveryRow> NotificationDeliveries => db.Set<NotificationDeliveryRow>();

        /// <summary>Notification types: switch, card template, sample data, recipients.</summary>
        public DbSet<NotificationTypeRow> NotificationTypes => db.Set<NotificationTypeRow>();

        /// <summary>Clicks on notification cards.</summary>
        public DbSet<NotificationActionRow> NotificationActions => db.Set<NotificationActionRow>();
    }
}
