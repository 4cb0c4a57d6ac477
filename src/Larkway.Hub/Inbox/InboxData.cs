using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Inbox;

/// <summary>
/// Inbox's tables on the Hub's context, as <c>db.InboxEvents</c>: the room's part of the model (its rows are mapped by its
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes, which the context applies from the assembly).
/// </summary>
internal static class InboxData
{
    extension(HubDbContext db)
    {
        /// <summary>Received events and callbacks, with their processing state.</summary>
        public DbSet<InboxEvent> InboxEvents => db.Set<InboxEvent>();

        /// <summary>Every dedup key of every stored event; the primary key makes a redelivery a no-op.</summary>
        public DbSet<InboxDedupKey> InboxDedupKeys => db.Set<InboxDedupKey>();
    }
}
