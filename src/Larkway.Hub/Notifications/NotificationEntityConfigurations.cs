using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Platform.Queue;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Notifications;

/// <summary>How <see cref="NotificationRow"/> is stored.</summary>
internal sealed class NotificationConfiguration : IEntityTypeConfiguration<NotificationRow>
{
    public void Configure(EntityTypeBuilder<NotificationRow> e)
    {
        e.ToTable("notifications");
        e.HasKey(x => x.Id).HasName("pk_notifications");
        e.Property(x => x.Id).HasColumnName("id").HasMaxLength(40);
        e.Property(x => x.Caller).HasColumnName("caller").HasMaxLength(64).IsRequired();
        e.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(NotificationLimits.MaxIdempotencyKeyLength).IsRequired();
        e.Property(x => x.RequestHash).HasColumnName("request_hash").HasMaxLength(64).IsRequired();
        e.Property(x => x.Type).HasColumnName("type").HasMaxLength(NotificationLimits.MaxTypeLength).IsRequired();
        e.Property(x => x.MessageType).HasColumnName("message_type").HasMaxLength(32).IsRequired();
        e.Property(x => x.Content).HasColumnName("content").IsRequired();
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.Version).HasColumnName("version").HasDefaultValue(1);
        e.Property(x => x.Data).HasColumnName("data");
        e.Property(x => x.Decision).HasColumnName("decision").HasMaxLength(NotificationActionRow.MaxNameLength);
        e.Property(x => x.App).HasColumnName("app").HasMaxLength(Larkway.Hub.Apps.HubAppValidation.MaxNameLength);

        // The idempotency guarantee: one notification per (caller, key), whatever the race.
        e.HasIndex(x => new { x.Caller, x.IdempotencyKey }).IsUnique().HasDatabaseName("ux_notifications_caller_idempotency_key");
    }
}

/// <summary>How <see cref="NotificationDeliveryRow"/> is stored.</summary>
internal sealed class NotificationDeliveryConfiguration : IEntityTypeConfiguration<NotificationDeliveryRow>
{
    public void Configure(EntityTypeBuilder<NotificationDeliveryRow> e)
    {
        e.ToTable("notification_deliveries");
        e.HasKey(x => x.Id).HasName("pk_notification_deliveries");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.NotificationId).HasColumnName("notification_id").HasMaxLength(40).IsRequired();
        e.Property(x => x.RecipientType).HasColumnName("recipient_type").HasMaxLength(16).IsRequired();
        e.Property(x => x.Recipient).HasColumnName("recipient").HasMaxLength(NotificationLimits.MaxRecipientLength).IsRequired();
        e.Property(x => x.PersonId).HasColumnName("person_id").HasMaxLength(40);
        e.Property(x => x.App).HasColumnName("app").HasMaxLength(Apps.HubAppValidation.MaxNameLength);
        e.Property(x => x.PlatformsTried).HasColumnName("platforms_tried").HasMaxLength(NotificationDeliveryRow.MaxPlatformsTriedLength);
        e.Property(x => x.ResponseCode).HasColumnName("response_code").HasMaxLength(256);
        e.MapWorkItem();
        e.Property(x => x.Uuid).HasColumnName("uuid").HasMaxLength(50).IsRequired();
        e.Property(x => x.MessageId).HasColumnName("message_id").HasMaxLength(64);
        e.Property(x => x.SentAt).HasColumnName("sent_at");
        e.Property(x => x.SentVersion).HasColumnName("sent_version");
        e.Property(x => x.ErrorCode).HasColumnName("error_code");
        e.Property(x => x.PlatformCode).HasColumnName("platform_code").HasMaxLength(NotificationDeliveryRow.MaxPlatformCodeLength);
        e.Property(x => x.ErrorPlatform).HasColumnName("error_platform").HasMaxLength(32);
        e.Property(x => x.LogId).HasColumnName("log_id").HasMaxLength(128);
        e.HasIndex(x => new { x.State, x.NextAttemptAt }).HasDatabaseName("ix_notification_deliveries_status_next_attempt_at");
        e.HasIndex(x => x.NotificationId).HasDatabaseName("ix_notification_deliveries_notification_id");
        e.HasOne<NotificationRow>().WithMany().HasForeignKey(x => x.NotificationId).OnDelete(DeleteBehavior.Cascade)
            .HasConstraintName("fk_notification_deliveries_notifications_notification_id");
    }
}

/// <summary>How <see cref="NotificationTypeRow"/> is stored.</summary>
internal sealed class NotificationTypeConfiguration : IEntityTypeConfiguration<NotificationTypeRow>
{
    public void Configure(EntityTypeBuilder<NotificationTypeRow> e)
    {
        e.ToTable("notification_types");
        e.HasKey(x => x.Name).HasName("pk_notification_types");
        e.Property(x => x.Name).HasColumnName("name").HasMaxLength(NotificationLimits.MaxTypeLength);
        e.Property(x => x.Description).HasColumnName("description").HasMaxLength(1000).IsRequired();
        e.Property(x => x.Enabled).HasColumnName("enabled");
        e.Property(x => x.Template).HasColumnName("template").IsRequired();
        e.Property(x => x.SampleData).HasColumnName("sample_data").IsRequired();
        e.Property(x => x.Recipients).HasColumnName("recipients").IsRequired();
        e.Property(x => x.Actions).HasColumnName("actions").IsRequired().HasDefaultValue("{}");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
    }
}

/// <summary>How <see cref="NotificationActionRow"/> is stored.</summary>
internal sealed class NotificationActionConfiguration : IEntityTypeConfiguration<NotificationActionRow>
{
    public void Configure(EntityTypeBuilder<NotificationActionRow> e)
    {
        e.ToTable("notification_actions");
        e.HasKey(x => x.Id).HasName("pk_notification_actions");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.NotificationId).HasColumnName("notification_id").HasMaxLength(40).IsRequired();
        e.Property(x => x.EventKey).HasColumnName("event_key").HasMaxLength(256).IsRequired();
        e.Property(x => x.Action).HasColumnName("action").HasMaxLength(NotificationActionRow.MaxNameLength).IsRequired();
        e.Property(x => x.Known).HasColumnName("known");
        e.Property(x => x.OperatorOpenId).HasColumnName("operator_open_id").HasMaxLength(128);
        e.Property(x => x.OperatorPlatform).HasColumnName("operator_platform").HasMaxLength(16);
        e.Property(x => x.OperatorUserId).HasColumnName("operator_user_id").HasMaxLength(128);
        e.Property(x => x.OperatorPersonId).HasColumnName("operator_person_id").HasMaxLength(40);
        e.Property(x => x.MessageId).HasColumnName("message_id").HasMaxLength(64);
        e.Property(x => x.Recipient).HasColumnName("recipient").HasMaxLength(NotificationLimits.MaxRecipientLength);
        e.Property(x => x.FormValues).HasColumnName("form_values").IsRequired();
        e.Property(x => x.Decision).HasColumnName("decision").HasMaxLength(NotificationActionRow.MaxNameLength);
        e.Property(x => x.At).HasColumnName("at");

        // One row per callback: a redelivered click records nothing new.
        e.HasIndex(x => new { x.NotificationId, x.EventKey }).IsUnique().HasDatabaseName("ux_notification_actions_notification_id_event_key");
        e.HasOne<NotificationRow>().WithMany().HasForeignKey(x => x.NotificationId).OnDelete(DeleteBehavior.Cascade)
            .HasConstraintName("fk_notification_actions_notifications_notification_id");
    }
}
