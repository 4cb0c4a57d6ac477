using Larkway.Hub.Platform.Queue;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Webhooks;

/// <summary>How <see cref="WebhookSubscriptionRow"/> is stored.</summary>
internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscriptionRow>
{
    public void Configure(EntityTypeBuilder<WebhookSubscriptionRow> e)
    {
        e.ToTable("webhook_subscriptions");
        e.HasKey(x => x.Id).HasName("pk_webhook_subscriptions");
        e.Property(x => x.Id).HasColumnName("id").HasMaxLength(40);
        e.Property(x => x.Url).HasColumnName("url").HasMaxLength(2048).IsRequired();
        e.Property(x => x.EventTypes).HasColumnName("event_types").HasMaxLength(8192).IsRequired();
        e.Property(x => x.Description).HasColumnName("description").HasMaxLength(500).IsRequired();
        e.Property(x => x.Secret).HasColumnName("secret").HasMaxLength(1024).IsRequired();
        e.Property(x => x.PreviousSecret).HasColumnName("previous_secret").HasMaxLength(1024);
        e.Property(x => x.PreviousSecretExpiresAt).HasColumnName("previous_secret_expires_at");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
    }
}

/// <summary>How <see cref="WebhookDeliveryRow"/> is stored.</summary>
internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDeliveryRow>
{
    public void Configure(EntityTypeBuilder<WebhookDeliveryRow> e)
    {
        e.ToTable("webhook_deliveries");
        e.HasKey(x => x.Id).HasName("pk_webhook_deliveries");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.SubscriptionId).HasColumnName("subscription_id").HasMaxLength(40).IsRequired();
        e.Property(x => x.InboxEventId).HasColumnName("inbox_event_id").IsRequired(false);
        e.Property(x => x.EventId).HasColumnName("event_id").HasMaxLength(256);
        e.Property(x => x.EventType).HasColumnName("event_type").HasMaxLength(128).IsRequired();
        e.Property(x => x.Payload).HasColumnName("payload").IsRequired();
        e.MapWorkItem();
        e.Property(x => x.StatusCode).HasColumnName("status_code");
        e.Property(x => x.ResponseTimeMs).HasColumnName("response_time_ms");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.DeliveredAt).HasColumnName("delivered_at");

        // The fan-out guarantee: one delivery per subscription and event, whatever redelivers or replays it.
        e.HasIndex(x => new { x.SubscriptionId, x.InboxEventId }).IsUnique().HasDatabaseName("ux_webhook_deliveries_subscription_id_inbox_event_id");
        e.HasIndex(x => new { x.State, x.NextAttemptAt }).HasDatabaseName("ix_webhook_deliveries_status_next_attempt_at");
        e.HasIndex(x => x.InboxEventId).HasDatabaseName("ix_webhook_deliveries_inbox_event_id");
        e.HasOne<WebhookSubscriptionRow>().WithMany().HasForeignKey(x => x.SubscriptionId).OnDelete(DeleteBehavior.Cascade)
            .HasConstraintName("fk_webhook_deliveries_webhook_subscriptions_subscription_id");
    }
}
