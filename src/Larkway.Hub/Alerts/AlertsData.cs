using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Alerts;

/// <summary>
/// Alerts's tables on the Hub's context, as <c>db.Alerts</c>: the room's part of the model (its rows are mapped by its
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes, which the context applies from the assembly).
/// </summary>
internal static class AlertsData
{
    extension(HubDbContext db)
    {
        /// <summary>Alerts: one per breach of a rule, opened and cleared.</summary>
        public DbSet<AlertRow> Alerts => db.Set<AlertRow>();
    }
}
