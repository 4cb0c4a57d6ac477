using Larkway.Hub.Apps;
using Larkway.Hub.Platform.Queue;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Assistants.Storage;

/// <summary>How <see cref="AssistantRow"/> is stored.</summary>
internal sealed class AssistantConfiguration : IEntityTypeConfiguration<AssistantRow>
{
    public void Configure(EntityTypeBuilder<AssistantRow> e)
    {
        e.ToTable("assistants");
        e.HasKey(x => x.Name).HasName("pk_assistants");
        e.Property(x => x.Name).HasColumnName("name").HasMaxLength(HubAppValidation.MaxNameLength);
        e.Property(x => x.DisplayName).HasColumnName("display_name").HasMaxLength(100).IsRequired();
        e.Property(x => x.Backend).HasColumnName("backend").HasMaxLength(16).IsRequired();
        e.Property(x => x.BaseUrl).HasColumnName("base_url").HasMaxLength(2048).IsRequired();
        e.Property(x => x.ApiKey).HasColumnName("api_key").HasMaxLength(2048).IsRequired();
        e.Property(x => x.Model).HasColumnName("model").HasMaxLength(200);
        e.Property(x => x.SystemPrompt).HasColumnName("system_prompt").HasMaxLength(20_000);
        e.Property(x => x.Apps).HasColumnName("apps").HasMaxLength(4096).IsRequired();
        e.Property(x => x.Policy).HasColumnName("policy").HasMaxLength(65_536).IsRequired();
        e.Property(x => x.Sessions).HasColumnName("sessions").HasMaxLength(4096).IsRequired();
        e.Property(x => x.Masking).HasColumnName("masking").HasMaxLength(4096).IsRequired();
        e.Property(x => x.Streaming).HasColumnName("streaming").HasMaxLength(4096).IsRequired();
        e.Property(x => x.Enabled).HasColumnName("enabled");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
    }
}

/// <summary>How <see cref="AssistantSessionRow"/> is stored.</summary>
internal sealed class AssistantSessionConfiguration : IEntityTypeConfiguration<AssistantSessionRow>
{
    public void Configure(EntityTypeBuilder<AssistantSessionRow> e)
    {
        e.ToTable("assistant_sessions");
        e.HasKey(x => x.Id).HasName("pk_assistant_sessions");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.Assistant).HasColumnName("assistant").HasMaxLength(HubAppValidation.MaxNameLength).IsRequired();
        e.Property(x => x.Key).HasColumnName("key").HasMaxLength(400).IsRequired();
        e.Property(x => x.Number).HasColumnName("number");
        e.Property(x => x.PersonId).HasColumnName("person_id").HasMaxLength(40);
        e.Property(x => x.BackendConversationId).HasColumnName("backend_conversation_id").HasMaxLength(200);
        e.Property(x => x.History).HasColumnName("history");
        e.Property(x => x.Turns).HasColumnName("turns");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.LastActiveAt).HasColumnName("last_active_at");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        e.Property(x => x.EndedAt).HasColumnName("ended_at");

        // Two replicas starting a key's next session at once make one: the second insert fails and reads the first's.
        e.HasIndex(x => new { x.Assistant, x.Key, x.Number }).IsUnique().HasDatabaseName("ux_assistant_sessions_assistant_key_number");
        e.HasIndex(x => x.PersonId).HasDatabaseName("ix_assistant_sessions_person_id");
        e.HasOne<AssistantRow>().WithMany().HasForeignKey(x => x.Assistant).OnDelete(DeleteBehavior.Cascade)
            .HasConstraintName("fk_assistant_sessions_assistants_assistant");
    }
}

/// <summary>How <see cref="AssistantTurnRow"/> is stored.</summary>
internal sealed class AssistantTurnConfiguration : IEntityTypeConfiguration<AssistantTurnRow>
{
    public void Configure(EntityTypeBuilder<AssistantTurnRow> e)
    {
        e.ToTable("assistant_turns");
        e.HasKey(x => x.Id).HasName("pk_assistant_turns");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.Assistant).HasColumnName("assistant").HasMaxLength(HubAppValidation.MaxNameLength).IsRequired();
        e.Property(x => x.SessionId).HasColumnName("session_id");
        e.Property(x => x.MessageKey).HasColumnName("message_key").HasMaxLength(400).IsRequired();
        e.Property(x => x.Lane).HasColumnName("lane").HasMaxLength(400).IsRequired();
        e.Property(x => x.Platform).HasColumnName("platform").HasMaxLength(16).IsRequired();
        e.Property(x => x.App).HasColumnName("app").HasMaxLength(HubAppValidation.MaxNameLength).IsRequired();
        e.Property(x => x.ConversationId).HasColumnName("conversation_id").HasMaxLength(200).IsRequired();
        e.Property(x => x.ConversationKind).HasColumnName("conversation_kind").HasMaxLength(16).IsRequired();
        e.Property(x => x.ThreadId).HasColumnName("thread_id").HasMaxLength(200);
        e.Property(x => x.MessageId).HasColumnName("message_id").HasMaxLength(200).IsRequired();
        e.Property(x => x.SenderId).HasColumnName("sender_id").HasMaxLength(200).IsRequired();
        e.Property(x => x.PersonId).HasColumnName("person_id").HasMaxLength(40);
        e.Property(x => x.Question).HasColumnName("question").IsRequired();
        e.Property(x => x.Placeholders).HasColumnName("placeholders");
        e.Property(x => x.Attachments).HasColumnName("attachments");
        e.Property(x => x.PlaceholdersErasedAt).HasColumnName("placeholders_erased_at");
        e.Property(x => x.ReplyContext).HasColumnName("reply_context");
        e.Property(x => x.Status).HasColumnName("turn_status").HasMaxLength(16).IsRequired();
        e.Property(x => x.FailureKind).HasColumnName("failure_kind").HasMaxLength(40);
        e.Property(x => x.ReplyHandle).HasColumnName("reply_handle").HasMaxLength(200);
        e.Property(x => x.ReplyMessageId).HasColumnName("reply_message_id").HasMaxLength(200);
        e.Property(x => x.ReplySequence).HasColumnName("reply_sequence");
        e.Property(x => x.Answer).HasColumnName("answer");
        e.Property(x => x.BackendConversationId).HasColumnName("backend_conversation_id").HasMaxLength(200);
        e.Property(x => x.BackendTaskId).HasColumnName("backend_task_id").HasMaxLength(200);
        e.Property(x => x.BackendMessageId).HasColumnName("backend_message_id").HasMaxLength(200);
        e.Property(x => x.Updates).HasColumnName("updates");
        e.Property(x => x.StopRequested).HasColumnName("stop_requested");
        e.Property(x => x.ReceivedAt).HasColumnName("received_at");
        e.Property(x => x.SentAt).HasColumnName("sent_at");
        e.Property(x => x.InboxEventId).HasColumnName("inbox_event_id");
        e.Property(x => x.StartedAt).HasColumnName("started_at");
        e.Property(x => x.FirstTokenAt).HasColumnName("first_token_at");
        e.Property(x => x.FinishedAt).HasColumnName("finished_at");
        e.MapWorkItem();

        // One received message, one answer: whatever redelivers it, under whichever event id, on whichever replica.
        e.HasIndex(x => x.MessageKey).IsUnique().HasDatabaseName("ux_assistant_turns_message_key");
        e.HasIndex(x => new { x.State, x.NextAttemptAt }).HasDatabaseName("ix_assistant_turns_status_next_attempt_at");
        e.HasIndex(x => new { x.Lane, x.Id }).HasDatabaseName("ix_assistant_turns_lane_id");
        e.HasIndex(x => new { x.Assistant, x.Id }).HasDatabaseName("ix_assistant_turns_assistant_id");
        e.HasIndex(x => x.SessionId).HasDatabaseName("ix_assistant_turns_session_id");

        // Retention (AssistantRetention) walks the ended turns oldest first; the placeholders still kept are a small part of them.
        e.HasIndex(x => x.FinishedAt, "ix_assistant_turns_finished_at");
        e.HasIndex(x => x.FinishedAt, "ix_assistant_turns_placeholders_finished_at").HasFilter("placeholders IS NOT NULL");
        e.HasOne<AssistantRow>().WithMany().HasForeignKey(x => x.Assistant).OnDelete(DeleteBehavior.Cascade)
            .HasConstraintName("fk_assistant_turns_assistants_assistant");
        e.HasOne<AssistantSessionRow>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.SetNull)
            .HasConstraintName("fk_assistant_turns_assistant_sessions_session_id");
    }
}

/// <summary>How <see cref="AssistantFeedbackRow"/> is stored.</summary>
internal sealed class AssistantFeedbackConfiguration : IEntityTypeConfiguration<AssistantFeedbackRow>
{
    public void Configure(EntityTypeBuilder<AssistantFeedbackRow> e)
    {
        e.ToTable("assistant_feedback");
        e.HasKey(x => new { x.TurnId, x.User }).HasName("pk_assistant_feedback");
        e.Property(x => x.TurnId).HasColumnName("turn_id");
        e.Property(x => x.User).HasColumnName("user").HasMaxLength(240);
        e.Property(x => x.Value).HasColumnName("value").HasMaxLength(16).IsRequired();
        e.Property(x => x.At).HasColumnName("at");
        e.HasOne<AssistantTurnRow>().WithMany().HasForeignKey(x => x.TurnId).OnDelete(DeleteBehavior.Cascade)
            .HasConstraintName("fk_assistant_feedback_assistant_turns_turn_id");
    }
}

/// <summary>How <see cref="AssistantMaskAuditRow"/> is stored.</summary>
internal sealed class AssistantMaskAuditConfiguration : IEntityTypeConfiguration<AssistantMaskAuditRow>
{
    public void Configure(EntityTypeBuilder<AssistantMaskAuditRow> e)
    {
        e.ToTable("assistant_mask_audit");
        e.HasKey(x => x.Id).HasName("pk_assistant_mask_audit");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.TurnId).HasColumnName("turn_id");
        e.Property(x => x.Direction).HasColumnName("direction").HasMaxLength(16).IsRequired();
        e.Property(x => x.Detector).HasColumnName("detector").HasMaxLength(32).IsRequired();
        e.Property(x => x.Fingerprint).HasColumnName("fingerprint").HasMaxLength(64).IsRequired();
        e.Property(x => x.At).HasColumnName("at");
        e.HasIndex(x => x.TurnId).HasDatabaseName("ix_assistant_mask_audit_turn_id");
        e.HasIndex(x => x.Fingerprint).HasDatabaseName("ix_assistant_mask_audit_fingerprint");
        e.HasOne<AssistantTurnRow>().WithMany().HasForeignKey(x => x.TurnId).OnDelete(DeleteBehavior.Cascade)
            .HasConstraintName("fk_assistant_mask_audit_assistant_turns_turn_id");
    }
}
