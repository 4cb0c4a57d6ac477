using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Monitoring;

/// <summary>
/// Monitoring's tables on the Hub's context, as <c>db.MetricMinutes</c>: the room's part of the model (its rows are mapped by its
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes, which the context applies from the assembly).
/// </summary>
internal static class MonitoringData
{
    extension(HubDbContext db)
    {
        /// <summary>Each replica's measurements per minute, for the console's dashboard and the alerts.</summary>
        public DbSet<MetricMinuteRow> MetricMinutes => db.Set<MetricMinuteRow>();
    }
}
