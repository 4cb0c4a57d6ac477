using Larkway.Hub.Approvals.Cards;
using Larkway.Hub.Apps;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Approvals;

/// <summary>How <see cref="ApprovalRow"/> is stored.</summary>
internal sealed class ApprovalConfiguration : IEntityTypeConfiguration<ApprovalRow>
{
    public void Configure(EntityTypeBuilder<ApprovalRow> e)
    {
        e.ToTable("approvals");
        e.HasKey(x => x.Id).HasName("pk_approvals");
        e.Property(x => x.Id).HasColumnName("id").HasMaxLength(40);
        e.Property(x => x.Caller).HasColumnName("caller").HasMaxLength(64).IsRequired();
        e.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(ApprovalLimits.MaxIdempotencyKeyLength).IsRequired();
        e.Property(x => x.RequestHash).HasColumnName("request_hash").HasMaxLength(64).IsRequired();
        e.Property(x => x.App).HasColumnName("app").HasMaxLength(HubAppValidation.MaxNameLength);
        e.Property(x => x.Platform).HasColumnName("platform").HasMaxLength(32).IsRequired().HasDefaultValue("feishu");
        e.Property(x => x.Definition).HasColumnName("approval_code").HasMaxLength(ApprovalLimits.MaxCodeLength).IsRequired();
        e.Property(x => x.ApplicantType).HasColumnName("applicant_type").HasMaxLength(16).IsRequired();
        e.Property(x => x.Applicant).HasColumnName("applicant").HasMaxLength(ApprovalLimits.MaxIdLength).IsRequired();
        e.Property(x => x.ApplicantUserId).HasColumnName("applicant_open_id").HasMaxLength(ApprovalLimits.MaxIdLength);
        e.Property(x => x.ApplicantPersonId).HasColumnName("applicant_person_id").HasMaxLength(64);
        e.Property(x => x.Approvers).HasColumnName("approvers");
        e.Property(x => x.FormDisplay).HasColumnName("form_display");
        e.Property(x => x.ApprovalName).HasColumnName("approval_name").HasMaxLength(ApprovalLimits.MaxTitleLength);
        e.Property(x => x.DepartmentId).HasColumnName("department_id").HasMaxLength(ApprovalLimits.MaxIdLength);
        e.Property(x => x.Title).HasColumnName("title").HasMaxLength(ApprovalLimits.MaxTitleLength);
        e.Property(x => x.Form).HasColumnName("form").IsRequired();
        e.Property(x => x.Reference).HasColumnName("reference").HasMaxLength(ApprovalLimits.MaxReferenceLength);
        e.Property(x => x.Uuid).HasColumnName("uuid").HasMaxLength(64).IsRequired();
        e.Property(x => x.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16).IsRequired();
        e.Property(x => x.InstanceCode).HasColumnName("instance_code").HasMaxLength(ApprovalLimits.MaxCodeLength);
        e.Property(x => x.Tasks).HasColumnName("tasks").IsRequired();

        // Two appliers of one approval (an event and reconciliation) cannot both write the same next sequence.
        e.Property(x => x.Sequence).HasColumnName("sequence").IsConcurrencyToken();
        e.Property(x => x.ErrorCode).HasColumnName("error_code");
        e.Property(x => x.ErrorCodeText).HasColumnName("error_code_text").HasMaxLength(256);
        e.Property(x => x.ErrorMessage).HasColumnName("error_message").HasMaxLength(ApprovalRow.MaxErrorLength);
        e.Property(x => x.LogId).HasColumnName("log_id").HasMaxLength(128);
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.SyncedAt).HasColumnName("synced_at");
        e.Property(x => x.NextSyncAt).HasColumnName("next_sync_at");
        e.Property(x => x.EndedAt).HasColumnName("ended_at");
        e.Property(x => x.NotificationId).HasColumnName("notification_id").HasMaxLength(40);
        e.Property(x => x.CardsShowStatus).HasColumnName("cards_show_status").HasMaxLength(16);
        e.Property(x => x.CardsDue).HasColumnName("cards_due");

        // The idempotency guarantee, as for notifications: one approval per (caller, key), whatever the race.
        e.HasIndex(x => new { x.Caller, x.IdempotencyKey }).IsUnique().HasDatabaseName("ux_approvals_caller_idempotency_key");
        // One approval per instance, whatever the race: two identical approvals whose lost creates are searched for at
        // once can find the same instance, and only one may take it (ApprovalStore.ClaimInstanceAsync). Two partial
        // indexes, because a unique index lets NULLs repeat and the default app's rows have no app name.
        e.HasIndex(x => new { x.App, x.InstanceCode }).IsUnique().HasDatabaseName("ux_approvals_app_instance_code")
            .HasFilter("app IS NOT NULL AND instance_code IS NOT NULL");
        e.HasIndex(x => x.InstanceCode).IsUnique().HasDatabaseName("ux_approvals_default_app_instance_code")
            .HasFilter("app IS NULL AND instance_code IS NOT NULL");
        e.HasIndex(x => new { x.Status, x.NextSyncAt }).HasDatabaseName("ix_approvals_status_next_sync_at");
        e.HasIndex(x => new { x.CardsDue, x.SyncedAt }).HasDatabaseName("ix_approvals_cards_due_synced_at");
        e.HasIndex(x => new { x.Caller, x.Reference }).HasDatabaseName("ix_approvals_caller_reference");
    }
}

/// <summary>How <see cref="ApprovalTransitionRow"/> is stored.</summary>
internal sealed class ApprovalTransitionConfiguration : IEntityTypeConfiguration<ApprovalTransitionRow>
{
    public void Configure(EntityTypeBuilder<ApprovalTransitionRow> e)
    {
        e.ToTable("approval_transitions");
        e.HasKey(x => x.Id).HasName("pk_approval_transitions");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.ApprovalId).HasColumnName("approval_id").HasMaxLength(40).IsRequired();
        e.Property(x => x.Sequence).HasColumnName("sequence");
        e.Property(x => x.Key).HasColumnName("key").HasMaxLength(256).IsRequired();
        e.Property(x => x.EventType).HasColumnName("event_type").HasMaxLength(128).IsRequired();
        e.Property(x => x.Status).HasColumnName("status").HasMaxLength(16).IsRequired();
        e.Property(x => x.TaskId).HasColumnName("task_id").HasMaxLength(ApprovalLimits.MaxIdLength);
        e.Property(x => x.TaskStatus).HasColumnName("task_status").HasMaxLength(32);
        e.Property(x => x.NodeName).HasColumnName("node_name").HasMaxLength(256);
        e.Property(x => x.OperatorUserId).HasColumnName("operator_open_id").HasMaxLength(ApprovalLimits.MaxIdLength);
        e.Property(x => x.Comment).HasColumnName("comment").HasMaxLength(ApprovalTransitionRow.MaxCommentLength);
        e.Property(x => x.Source).HasColumnName("source").HasMaxLength(16).IsRequired();
        e.Property(x => x.At).HasColumnName("at");

        // The no-double-transition guarantee: a change is recorded once, and sequences never collide.
        e.HasIndex(x => new { x.ApprovalId, x.Sequence }).IsUnique().HasDatabaseName("ux_approval_transitions_approval_id_sequence");
        e.HasIndex(x => new { x.ApprovalId, x.Key }).IsUnique().HasDatabaseName("ux_approval_transitions_approval_id_key");
        e.HasOne<ApprovalRow>().WithMany().HasForeignKey(x => x.ApprovalId).OnDelete(DeleteBehavior.Cascade)
            .HasConstraintName("fk_approval_transitions_approvals_approval_id");
    }
}

/// <summary>How <see cref="ApprovalCardRow"/> is stored.</summary>
internal sealed class ApprovalCardConfiguration : IEntityTypeConfiguration<ApprovalCardRow>
{
    public void Configure(EntityTypeBuilder<ApprovalCardRow> e)
    {
        e.ToTable("approval_cards");
        e.HasKey(x => x.Id).HasName("pk_approval_cards");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.ApprovalId).HasColumnName("approval_id").HasMaxLength(40).IsRequired();
        e.Property(x => x.TaskId).HasColumnName("task_id").HasMaxLength(ApprovalLimits.MaxIdLength).IsRequired();
        e.Property(x => x.ApproverUserId).HasColumnName("approver_open_id").HasMaxLength(ApprovalLimits.MaxIdLength).IsRequired();
        e.Property(x => x.NotificationId).HasColumnName("notification_id").HasMaxLength(40).IsRequired();
        e.Property(x => x.TaskStatus).HasColumnName("task_status").HasMaxLength(32).IsRequired();
        e.Property(x => x.Shown).HasColumnName("shown").HasMaxLength(64).IsRequired();
        e.Property(x => x.PendingSince).HasColumnName("pending_since");
        e.Property(x => x.Reminders).HasColumnName("reminders");
        e.Property(x => x.LastRemindedAt).HasColumnName("last_reminded_at");

        // One card per task, whichever replica applied the snapshot first.
        e.HasIndex(x => new { x.ApprovalId, x.TaskId }).IsUnique().HasDatabaseName("ux_approval_cards_approval_id_task_id");
        e.HasIndex(x => new { x.TaskStatus, x.PendingSince }).HasDatabaseName("ix_approval_cards_task_status_pending_since");
        e.HasOne<ApprovalRow>().WithMany().HasForeignKey(x => x.ApprovalId).OnDelete(DeleteBehavior.Cascade)
            .HasConstraintName("fk_approval_cards_approvals_approval_id");
    }
}
