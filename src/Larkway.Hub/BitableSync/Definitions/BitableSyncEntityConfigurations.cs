using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.BitableSync;

internal sealed class BitableSyncConfiguration : IEntityTypeConfiguration<BitableSyncRow>
{
    public void Configure(EntityTypeBuilder<BitableSyncRow> e)
    {
        e.ToTable("bitable_syncs");
        e.HasKey(x => x.Id).HasName("pk_bitable_syncs");
        e.Property(x => x.Id).HasColumnName("id").HasMaxLength(40);
        e.Property(x => x.Name).HasColumnName("name").HasMaxLength(200).IsRequired();
        e.Property(x => x.App).HasColumnName("app").HasMaxLength(64).IsRequired();
        e.Property(x => x.AppToken).HasColumnName("app_token").HasMaxLength(64).IsRequired();
        e.Property(x => x.TableId).HasColumnName("table_id").HasMaxLength(64).IsRequired();
        e.Property(x => x.DatabaseKind).HasColumnName("database_kind").HasConversion<string>().HasMaxLength(16).IsRequired();
        e.Property(x => x.ConnectionProtected).HasColumnName("connection_protected").HasMaxLength(4096);
        e.Property(x => x.TableName).HasColumnName("table_name").HasMaxLength(128).IsRequired();
        e.Property(x => x.MappingJson).HasColumnName("mapping_json").HasMaxLength(65536).IsRequired();
        e.Property(x => x.Direction).HasColumnName("direction").HasConversion<string>().HasMaxLength(16).IsRequired();
        e.Property(x => x.Capture).HasColumnName("capture").HasConversion<string>().HasMaxLength(16).IsRequired();
        e.Property(x => x.UpdatedAtColumn).HasColumnName("updated_at_column").HasMaxLength(128);
        e.Property(x => x.Conflicts).HasColumnName("conflicts").HasConversion<string>().HasMaxLength(16).IsRequired();
        e.Property(x => x.PropagateDeletes).HasColumnName("propagate_deletes");
        e.Property(x => x.SoftDeleteColumn).HasColumnName("soft_delete_column").HasMaxLength(128);
        e.Property(x => x.State).HasColumnName("state").HasConversion<string>().HasMaxLength(16).IsRequired();
        e.Property(x => x.IntervalSeconds).HasColumnName("interval_seconds");
        e.Property(x => x.FullDiffEvery).HasColumnName("full_diff_every");
        e.Property(x => x.Passes).HasColumnName("passes");
        e.Property(x => x.SchemaProblemsJson).HasColumnName("schema_problems_json").HasMaxLength(16384);
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        e.Property(x => x.LastPassAt).HasColumnName("last_pass_at");
        e.Property(x => x.LastPassOutcome).HasColumnName("last_pass_outcome").HasMaxLength(2048);
        e.Property(x => x.LagMilliseconds).HasColumnName("lag_ms");
        e.Property(x => x.RowsToBitable).HasColumnName("rows_to_bitable");
        e.Property(x => x.RowsToDatabase).HasColumnName("rows_to_database");
        e.HasIndex(x => x.Name).IsUnique().HasDatabaseName("ux_bitable_syncs_name");
    }
}

internal sealed class BitableSyncPassConfiguration : IEntityTypeConfiguration<BitableSyncPassRow>
{
    public void Configure(EntityTypeBuilder<BitableSyncPassRow> e)
    {
        e.ToTable("bitable_sync_passes");
        e.HasKey(x => x.Id).HasName("pk_bitable_sync_passes");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.SyncId).HasColumnName("sync_id").HasMaxLength(40).IsRequired();
        e.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(16).IsRequired();
        e.Property(x => x.StartedAt).HasColumnName("started_at");
        e.Property(x => x.EndedAt).HasColumnName("ended_at");
        e.Property(x => x.Outcome).HasColumnName("outcome").HasMaxLength(2048).IsRequired();
        e.Property(x => x.ToBitable).HasColumnName("to_bitable");
        e.Property(x => x.ToDatabase).HasColumnName("to_database");
        e.Property(x => x.Conflicts).HasColumnName("conflicts");
        e.Property(x => x.Refused).HasColumnName("refused");
        e.Property(x => x.ApiCalls).HasColumnName("api_calls");
        e.HasIndex(x => new { x.SyncId, x.Id }).HasDatabaseName("ix_bitable_sync_passes_sync");
    }
}

internal sealed class BitableSyncConflictConfiguration : IEntityTypeConfiguration<BitableSyncConflictRow>
{
    public void Configure(EntityTypeBuilder<BitableSyncConflictRow> e)
    {
        e.ToTable("bitable_sync_conflicts");
        e.HasKey(x => x.Id).HasName("pk_bitable_sync_conflicts");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.SyncId).HasColumnName("sync_id").HasMaxLength(40).IsRequired();
        e.Property(x => x.RowKey).HasColumnName("row_key").HasMaxLength(512).IsRequired();
        e.Property(x => x.RecordId).HasColumnName("record_id").HasMaxLength(64);
        e.Property(x => x.DatabaseJson).HasColumnName("database_json").HasMaxLength(65536);
        e.Property(x => x.BitableJson).HasColumnName("bitable_json").HasMaxLength(65536);
        e.Property(x => x.FoundAt).HasColumnName("found_at");
        e.Property(x => x.Resolution).HasColumnName("resolution").HasMaxLength(16);
        e.Property(x => x.ResolvedAt).HasColumnName("resolved_at");
        e.HasIndex(x => new { x.SyncId, x.RowKey }).IsUnique().HasDatabaseName("ux_bitable_sync_conflicts_row");
    }
}

internal sealed class BitableSyncDeadLetterConfiguration : IEntityTypeConfiguration<BitableSyncDeadLetterRow>
{
    public void Configure(EntityTypeBuilder<BitableSyncDeadLetterRow> e)
    {
        e.ToTable("bitable_sync_dead_letters");
        e.HasKey(x => x.Id).HasName("pk_bitable_sync_dead_letters");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.SyncId).HasColumnName("sync_id").HasMaxLength(40).IsRequired();
        e.Property(x => x.RowKey).HasColumnName("row_key").HasMaxLength(512).IsRequired();
        e.Property(x => x.RecordId).HasColumnName("record_id").HasMaxLength(64);
        e.Property(x => x.Direction).HasColumnName("direction").HasMaxLength(16).IsRequired();
        e.Property(x => x.Code).HasColumnName("code");
        e.Property(x => x.Message).HasColumnName("message").HasMaxLength(2048).IsRequired();
        e.Property(x => x.FailedAt).HasColumnName("failed_at");
        e.Property(x => x.Attempts).HasColumnName("attempts");
        e.Property(x => x.RetryRequestedAt).HasColumnName("retry_requested_at");
        e.HasIndex(x => new { x.SyncId, x.RowKey, x.Direction }).IsUnique().HasDatabaseName("ux_bitable_sync_dead_letters_row");
    }
}

internal sealed class BitableSyncDirtyRecordConfiguration : IEntityTypeConfiguration<BitableSyncDirtyRecordRow>
{
    public void Configure(EntityTypeBuilder<BitableSyncDirtyRecordRow> e)
    {
        e.ToTable("bitable_sync_dirty_records");
        e.HasKey(x => new { x.SyncId, x.RecordId }).HasName("pk_bitable_sync_dirty_records");
        e.Property(x => x.SyncId).HasColumnName("sync_id").HasMaxLength(40);
        e.Property(x => x.RecordId).HasColumnName("record_id").HasMaxLength(64);
        e.Property(x => x.Action).HasColumnName("action").HasMaxLength(32).IsRequired();
        e.Property(x => x.ChangedAt).HasColumnName("changed_at");
    }
}
