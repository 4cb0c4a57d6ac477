using Larkway.Hub.Platform.Queue;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Inbox;

/// <summary>How <see cref="InboxEvent"/> is stored.</summary>
internal sealed class InboxEventConfiguration : IEntityTypeConfiguration<InboxEvent>
{
    public void Configure(EntityTypeBuilder<InboxEvent> e)
    {
        e.ToTable("inbox_events");
        e.HasKey(x => x.Id).HasName("pk_inbox_events");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.AppName).HasColumnName("app_name").HasMaxLength(128).IsRequired();
        e.Property(x => x.EventType).HasColumnName("event_type").HasMaxLength(128).IsRequired();
        e.Property(x => x.DedupKey).HasColumnName("dedup_key").HasMaxLength(256);
        e.Property(x => x.Body).HasColumnName("body").IsRequired();
        e.Property(x => x.Transport).HasColumnName("transport").HasConversion(t => t.Name, name => InboxTransport.Parse(name)).HasMaxLength(32).IsRequired();
        e.Property(x => x.ReceivedAt).HasColumnName("received_at");
        e.MapWorkItem();
        e.Property(x => x.CompletedAt).HasColumnName("completed_at");
        e.Property(x => x.TraceParent).HasColumnName("trace_parent").HasMaxLength(64);
        e.Property(x => x.Lane).HasColumnName("lane").HasMaxLength(InboxLane.MaxLength);

        // The claim query: status + due time (Pending/Retrying) or status + lease (InProgress).
        e.HasIndex(x => new { x.State, x.NextAttemptAt }).HasDatabaseName("ix_inbox_events_status_next_attempt_at");

        // The claim's oldest-first order among Pending events: a backlog is read from its start, not sorted whole per claim.
        e.HasIndex(x => new { x.State, x.Id }).HasDatabaseName("ix_inbox_events_status_id");
        e.HasIndex(x => new { x.EventType, x.Id }).HasDatabaseName("ix_inbox_events_event_type_id");

        // A question's look for earlier unread events of its conversation: one range of this index. Events of no
        // conversation (most of them) stay out of it.
        e.HasIndex(x => new { x.Lane, x.Id }).HasDatabaseName("ix_inbox_events_lane_id").HasFilter("lane IS NOT NULL");
    }
}

/// <summary>How <see cref="InboxDedupKey"/> is stored.</summary>
internal sealed class InboxDedupKeyConfiguration : IEntityTypeConfiguration<InboxDedupKey>
{
    public void Configure(EntityTypeBuilder<InboxDedupKey> e)
    {
        e.ToTable("inbox_dedup_keys");

        // The key itself is the primary key: its unique index is the dedup guarantee.
        e.HasKey(x => x.Key).HasName("pk_inbox_dedup_keys");
        e.Property(x => x.Key).HasColumnName("key").HasMaxLength(512);
        e.Property(x => x.EventId).HasColumnName("event_id");
        e.HasIndex(x => x.EventId).HasDatabaseName("ix_inbox_dedup_keys_event_id");
        e.HasOne<InboxEvent>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade)
            .HasConstraintName("fk_inbox_dedup_keys_inbox_events_event_id");
    }
}
