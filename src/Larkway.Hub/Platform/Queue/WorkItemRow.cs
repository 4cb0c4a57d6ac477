using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Platform.Queue;

/// <summary>
/// A piece of work with no row of its own to carry its state (an approval's submission, a sync batch): one row of the
/// shared <c>hub_work_items</c> table, in its queue, unique per (queue, key) so enqueuing the same work twice fails.
/// </summary>
public sealed class WorkItemRow : IWorkItem
{
    /// <summary>Longest queue name.</summary>
    public const int MaxQueueLength = 64;

    /// <summary>Longest key.</summary>
    public const int MaxKeyLength = 200;

    /// <inheritdoc />
    public long Id { get; set; }

    /// <summary>The queue it belongs to.</summary>
    public string Queue { get; set; } = "";

    /// <summary>What the work is about, unique in its queue (e.g. the approval's id): the idempotency key.</summary>
    public string Key { get; set; } = "";

    /// <summary>Anything else the handler needs (small JSON), or null.</summary>
    public string? Payload { get; set; }

    /// <inheritdoc />
    public WorkState State { get; set; }

    /// <inheritdoc />
    public int Attempts { get; set; }

    /// <inheritdoc />
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <inheritdoc />
    public string? LeaseOwner { get; set; }

    /// <inheritdoc />
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <inheritdoc />
    public string? LastError { get; set; }

    /// <summary>When enqueued.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A new Pending item, due at <paramref name="dueAt"/>; add it to the caller's context to enqueue it in the caller's transaction.</summary>
    public static WorkItemRow Create(string queue, string key, DateTimeOffset dueAt, string? payload = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return new WorkItemRow { Queue = queue, Key = key, Payload = payload, State = WorkState.Pending, NextAttemptAt = dueAt, CreatedAt = dueAt };
    }
}

/// <summary>The <c>hub_work_items</c> table.</summary>
internal sealed class WorkItemRowConfiguration : IEntityTypeConfiguration<WorkItemRow>
{
    public void Configure(EntityTypeBuilder<WorkItemRow> e)
    {
        e.ToTable("hub_work_items");
        e.HasKey(x => x.Id).HasName("pk_hub_work_items");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.Queue).HasColumnName("queue").HasMaxLength(WorkItemRow.MaxQueueLength).IsRequired();
        e.Property(x => x.Key).HasColumnName("key").HasMaxLength(WorkItemRow.MaxKeyLength).IsRequired();
        e.Property(x => x.Payload).HasColumnName("payload");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.MapWorkItem();
        e.HasIndex(x => new { x.Queue, x.Key }).IsUnique().HasDatabaseName("ux_hub_work_items_queue_key");
        e.HasIndex(x => new { x.Queue, x.State, x.NextAttemptAt }).HasDatabaseName("ix_hub_work_items_queue_state_next_attempt_at");
    }
}

/// <summary>The columns of <see cref="IWorkItem"/>, named and typed the same in every queue table.</summary>
internal static class WorkItemMapping
{
    /// <summary>Maps state (a short string), attempts, next attempt, lease and last error.</summary>
    public static void MapWorkItem<TRow>(this EntityTypeBuilder<TRow> e)
        where TRow : class, IWorkItem
    {
        e.Property(x => x.State).HasColumnName("status").HasConversion<string>().HasMaxLength(16).IsRequired();
        e.Property(x => x.Attempts).HasColumnName("attempts");
        e.Property(x => x.NextAttemptAt).HasColumnName("next_attempt_at");
        e.Property(x => x.LeaseOwner).HasColumnName("lease_owner").HasMaxLength(128);
        e.Property(x => x.LeaseUntil).HasColumnName("lease_until");
        e.Property(x => x.LastError).HasColumnName("last_error").HasMaxLength(QueueLimits.MaxErrorLength);
    }
}
