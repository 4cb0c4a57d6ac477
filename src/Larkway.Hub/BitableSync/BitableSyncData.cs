using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.BitableSync;

/// <summary>
/// BitableSync's tables on the Hub's context, as <c>db.BitableSyncs</c>: the room's part of the model (its rows are mapped by its
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes, which the context applies from the assembly).
/// </summary>
internal static class BitableSyncData
{
    extension(HubDbContext db)
    {
        /// <summary>Syncs between Bitable tables and database tables.</summary>
        public DbSet<BitableSyncRow> BitableSyncs => db.Set<BitableSyncRow>();

        /// <summary>Each sync's passes (the history).</summary>
        public DbSet<BitableSyncPassRow> BitableSyncPasses => db.Set<BitableSyncPassRow>();

        /// <summary>Rows changed on both sides, held for review.</summary>
        public DbSet<BitableSyncConflictRow> BitableSyncConflicts => db.Set<BitableSyncConflictRow>();

        /// <summary>Rows a side refused, per sync.</summary>
        public DbSet<BitableSyncDeadLetterRow> BitableSyncDeadLetters => db.Set<BitableSyncDeadLetterRow>();

        /// <summary>Records Bitable's events said changed, waiting for their sync's next pass.</summary>
        public DbSet<BitableSyncDirtyRecordRow> BitableSyncDirtyRecords => db.Set<BitableSyncDirtyRecordRow>();
    }
}
