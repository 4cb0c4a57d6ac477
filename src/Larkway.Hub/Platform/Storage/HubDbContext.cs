using Larkway.Hub.Approvals;
using Larkway.Hub.Apps;
using Larkway.Hub.Inbox;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Webhooks;
using Larkway.Hub.Platform.Queue;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Larkway.Hub.Bots;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Leases;

namespace Larkway.Hub.Platform.Storage;

/// <summary>
/// The Hub's EF Core model. Provider-neutral on purpose: explicit snake_case names, times as Unix
/// milliseconds (<c>bigint</c>), enums as short strings, bodies as bytes — so SQLite and PostgreSQL
/// (<see cref="PostgresHubDbContext"/>) use the same entities, each with its own migrations. Provider-specific
/// SQL lives in <see cref="IHubStorageProvider"/>.
/// </summary>
public class HubDbContext : DbContext
{
    /// <summary>Creates a context with the given options.</summary>
    public HubDbContext(DbContextOptions<HubDbContext> options)
        : base(options)
    {
    }

    /// <summary>For a provider's derived context type (<see cref="PostgresHubDbContext"/>), which owns its own migrations.</summary>
    protected HubDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>Received events and callbacks, with their processing state.</summary>
    public DbSet<InboxEvent> InboxEvents => Set<InboxEvent>();

    /// <summary>Every dedup key of every stored event; the primary key makes a redelivery a no-op.</summary>
    public DbSet<InboxDedupKey> InboxDedupKeys => Set<InboxDedupKey>();

    /// <summary>Open bot conversations, one per (app, chat, user).</summary>
    public DbSet<BotConversationRow> BotConversations => Set<BotConversationRow>();

    /// <summary>Notifications accepted from business systems.</summary>
    public DbSet<NotificationRow> Notifications => Set<NotificationRow>();

    /// <summary>The outbox: one delivery per notification recipient.</summary>
    public DbSet<NotificationDeliveryRow> NotificationDeliveries => Set<NotificationDeliveryRow>();

    /// <summary>Notification types: switch, card template, sample data, recipients.</summary>
    public DbSet<NotificationTypeRow> NotificationTypes => Set<NotificationTypeRow>();

    /// <summary>Clicks on notification cards.</summary>
    public DbSet<NotificationActionRow> NotificationActions => Set<NotificationActionRow>();

    /// <summary>API keys of business systems (hashed).</summary>
    public DbSet<ApiKeyRow> ApiKeys => Set<ApiKeyRow>();

    /// <summary>Business systems' webhook subscriptions (URL, event types, signing secret).</summary>
    public DbSet<WebhookSubscriptionRow> WebhookSubscriptions => Set<WebhookSubscriptionRow>();

    /// <summary>The webhook outbox and delivery log: one row per (subscription, inbox event).</summary>
    public DbSet<WebhookDeliveryRow> WebhookDeliveries => Set<WebhookDeliveryRow>();

    /// <summary>Small named values the Hub keeps (the admin key's hash, …).</summary>
    public DbSet<HubSetting> Settings => Set<HubSetting>();

    /// <summary>Leases on singleton duties (the long connection, scheduled jobs): one holder among the replicas.</summary>
    public DbSet<HubLeaseRow> Leases => Set<HubLeaseRow>();

    /// <summary>Every administrative change, from the console and the admin REST API.</summary>
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    /// <summary>Feishu apps added at run time (secrets protected).</summary>
    public DbSet<HubAppRow> Apps => Set<HubAppRow>();

    /// <summary>The Data Protection key ring shared by the replicas.</summary>
    public DbSet<HubDataProtectionKeyRow> DataProtectionKeys => Set<HubDataProtectionKeyRow>();

    /// <summary>Approvals business systems asked for, and the submit outbox.</summary>
    public DbSet<ApprovalRow> Approvals => Set<ApprovalRow>();

    /// <summary>Each approval's transitions, in order (its history and its callbacks).</summary>
    public DbSet<ApprovalTransitionRow> ApprovalTransitions => Set<ApprovalTransitionRow>();

    /// <summary>Work with no row of its own (approval submissions, …), one row per item, in its queue.</summary>
    public DbSet<Platform.Queue.WorkItemRow> WorkItems => Set<Platform.Queue.WorkItemRow>();

    /// <summary>The approval cards sent to approvers, one per task, with their reminders.</summary>
    public DbSet<Approvals.Cards.ApprovalCardRow> ApprovalCards => Set<Approvals.Cards.ApprovalCardRow>();

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // SQLite cannot compare or order DateTimeOffset text; Unix milliseconds compare the same on every provider.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfiguration(new Platform.Queue.WorkItemRowConfiguration());

        modelBuilder.Entity<InboxEvent>(e =>
        {
            e.ToTable("inbox_events");
            e.HasKey(x => x.Id).HasName("pk_inbox_events");
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.AppName).HasColumnName("app_name").HasMaxLength(128).IsRequired();
            e.Property(x => x.EventType).HasColumnName("event_type").HasMaxLength(128).IsRequired();
            e.Property(x => x.DedupKey).HasColumnName("dedup_key").HasMaxLength(256);
            e.Property(x => x.Body).HasColumnName("body").IsRequired();
            e.Property(x => x.Transport).HasColumnName("transport").HasConversion<string>().HasMaxLength(32).IsRequired();
            e.Property(x => x.ReceivedAt).HasColumnName("received_at");
            e.MapWorkItem();
            e.Property(x => x.CompletedAt).HasColumnName("completed_at");

            // The claim query: status + due time (Pending/Retrying) or status + lease (InProgress).
            e.HasIndex(x => new { x.State, x.NextAttemptAt }).HasDatabaseName("ix_inbox_events_status_next_attempt_at");
            e.HasIndex(x => new { x.EventType, x.Id }).HasDatabaseName("ix_inbox_events_event_type_id");
        });

        modelBuilder.Entity<InboxDedupKey>(e =>
        {
            e.ToTable("inbox_dedup_keys");

            // The key itself is the primary key: its unique index is the dedup guarantee.
            e.HasKey(x => x.Key).HasName("pk_inbox_dedup_keys");
            e.Property(x => x.Key).HasColumnName("key").HasMaxLength(512);
            e.Property(x => x.EventId).HasColumnName("event_id");
            e.HasIndex(x => x.EventId).HasDatabaseName("ix_inbox_dedup_keys_event_id");
            e.HasOne<InboxEvent>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_inbox_dedup_keys_inbox_events_event_id");
        });

        modelBuilder.Entity<NotificationRow>(e =>
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
        });

        modelBuilder.Entity<NotificationDeliveryRow>(e =>
        {
            e.ToTable("notification_deliveries");
            e.HasKey(x => x.Id).HasName("pk_notification_deliveries");
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.NotificationId).HasColumnName("notification_id").HasMaxLength(40).IsRequired();
            e.Property(x => x.RecipientType).HasColumnName("recipient_type").HasMaxLength(16).IsRequired();
            e.Property(x => x.Recipient).HasColumnName("recipient").HasMaxLength(NotificationLimits.MaxRecipientLength).IsRequired();
            e.MapWorkItem();
            e.Property(x => x.Uuid).HasColumnName("uuid").HasMaxLength(50).IsRequired();
            e.Property(x => x.MessageId).HasColumnName("message_id").HasMaxLength(64);
            e.Property(x => x.SentAt).HasColumnName("sent_at");
            e.Property(x => x.SentVersion).HasColumnName("sent_version");
            e.Property(x => x.ErrorCode).HasColumnName("error_code");
            e.Property(x => x.LogId).HasColumnName("log_id").HasMaxLength(128);
            e.HasIndex(x => new { x.State, x.NextAttemptAt }).HasDatabaseName("ix_notification_deliveries_status_next_attempt_at");
            e.HasIndex(x => x.NotificationId).HasDatabaseName("ix_notification_deliveries_notification_id");
            e.HasOne<NotificationRow>().WithMany().HasForeignKey(x => x.NotificationId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_notification_deliveries_notifications_notification_id");
        });

        modelBuilder.Entity<NotificationTypeRow>(e =>
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
        });

        modelBuilder.Entity<NotificationActionRow>(e =>
        {
            e.ToTable("notification_actions");
            e.HasKey(x => x.Id).HasName("pk_notification_actions");
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.NotificationId).HasColumnName("notification_id").HasMaxLength(40).IsRequired();
            e.Property(x => x.EventKey).HasColumnName("event_key").HasMaxLength(256).IsRequired();
            e.Property(x => x.Action).HasColumnName("action").HasMaxLength(NotificationActionRow.MaxNameLength).IsRequired();
            e.Property(x => x.Known).HasColumnName("known");
            e.Property(x => x.OperatorOpenId).HasColumnName("operator_open_id").HasMaxLength(128);
            e.Property(x => x.MessageId).HasColumnName("message_id").HasMaxLength(64);
            e.Property(x => x.Recipient).HasColumnName("recipient").HasMaxLength(NotificationLimits.MaxRecipientLength);
            e.Property(x => x.FormValues).HasColumnName("form_values").IsRequired();
            e.Property(x => x.Decision).HasColumnName("decision").HasMaxLength(NotificationActionRow.MaxNameLength);
            e.Property(x => x.At).HasColumnName("at");

            // One row per callback: a redelivered click records nothing new.
            e.HasIndex(x => new { x.NotificationId, x.EventKey }).IsUnique().HasDatabaseName("ux_notification_actions_notification_id_event_key");
            e.HasOne<NotificationRow>().WithMany().HasForeignKey(x => x.NotificationId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_notification_actions_notifications_notification_id");
        });

        modelBuilder.Entity<ApiKeyRow>(e =>
        {
            e.ToTable("api_keys");
            e.HasKey(x => x.Id).HasName("pk_api_keys");
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(40);
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(128).IsRequired();
            e.Property(x => x.SecretHash).HasColumnName("secret_hash").HasMaxLength(64).IsRequired();
            e.Property(x => x.Types).HasColumnName("types").HasMaxLength(2048).IsRequired();
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.RevokedAt).HasColumnName("revoked_at");
            e.HasIndex(x => x.SecretHash).IsUnique().HasDatabaseName("ux_api_keys_secret_hash");
        });

        modelBuilder.Entity<WebhookSubscriptionRow>(e =>
        {
            e.ToTable("webhook_subscriptions");
            e.HasKey(x => x.Id).HasName("pk_webhook_subscriptions");
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(40);
            e.Property(x => x.Url).HasColumnName("url").HasMaxLength(2048).IsRequired();
            e.Property(x => x.EventTypes).HasColumnName("event_types").HasMaxLength(8192).IsRequired();
            e.Property(x => x.Description).HasColumnName("description").HasMaxLength(500).IsRequired();
            e.Property(x => x.Secret).HasColumnName("secret").HasMaxLength(1024).IsRequired();
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
        });

        modelBuilder.Entity<WebhookDeliveryRow>(e =>
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
        });

        ConfigureApprovals(modelBuilder);

        modelBuilder.Entity<HubSetting>(e =>
        {
            e.ToTable("hub_settings");
            e.HasKey(x => x.Name).HasName("pk_hub_settings");
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(128);
            e.Property(x => x.Value).HasColumnName("value").HasMaxLength(4096).IsRequired();
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        });

        modelBuilder.Entity<HubLeaseRow>(e =>
        {
            e.ToTable("hub_leases");
            e.HasKey(x => x.Name).HasName("pk_hub_leases");
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(HubLeaseRow.MaxNameLength);
            e.Property(x => x.Owner).HasColumnName("owner").HasMaxLength(HubLeaseRow.MaxOwnerLength).IsRequired();
            e.Property(x => x.AcquiredAt).HasColumnName("acquired_at");
            e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        });

        modelBuilder.Entity<HubAppRow>(e =>
        {
            e.ToTable("hub_apps");
            e.HasKey(x => x.Name).HasName("pk_hub_apps");
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(HubAppValidation.MaxNameLength);
            e.Property(x => x.AppId).HasColumnName("app_id").HasMaxLength(HubAppValidation.MaxAppIdLength).IsRequired();
            e.Property(x => x.BaseUrl).HasColumnName("base_url").HasMaxLength(HubAppValidation.MaxUrlLength).IsRequired();
            e.Property(x => x.AppSecret).HasColumnName("app_secret").HasMaxLength(2048).IsRequired();
            e.Property(x => x.EncryptKey).HasColumnName("encrypt_key").HasMaxLength(2048);
            e.Property(x => x.VerificationToken).HasColumnName("verification_token").HasMaxLength(2048);

            // No model default: EF would then skip writing false (the CLR default) and the database would store true.
            // The migration fills existing rows with true, which they had before the column existed.
            e.Property(x => x.LegacyCardCallbacks).HasColumnName("legacy_card_callbacks");
            e.Property(x => x.Enabled).HasColumnName("enabled");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        });

        modelBuilder.Entity<HubDataProtectionKeyRow>(e =>
        {
            e.ToTable("hub_data_protection_keys");
            e.HasKey(x => x.Id).HasName("pk_hub_data_protection_keys");
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.FriendlyName).HasColumnName("friendly_name").HasMaxLength(256).IsRequired();
            e.Property(x => x.Xml).HasColumnName("xml").IsRequired();
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.HasIndex(x => x.FriendlyName).IsUnique().HasDatabaseName("ux_hub_data_protection_keys_friendly_name");
        });

        modelBuilder.Entity<BotConversationRow>(e =>
        {
            e.ToTable("bot_conversations");
            e.HasKey(x => new { x.App, x.ChatId, x.UserOpenId }).HasName("pk_bot_conversations");
            e.Property(x => x.App).HasColumnName("app").HasMaxLength(128);
            e.Property(x => x.ChatId).HasColumnName("chat_id").HasMaxLength(128);
            e.Property(x => x.UserOpenId).HasColumnName("user_open_id").HasMaxLength(128);
            e.Property(x => x.Step).HasColumnName("step").HasMaxLength(128).IsRequired();
            e.Property(x => x.ValuesJson).HasColumnName("values_json").HasMaxLength(16_384).IsRequired();
            e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        });

        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("hub_audit_log");
            e.HasKey(x => x.Id).HasName("pk_hub_audit_log");
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.At).HasColumnName("at");
            e.Property(x => x.Actor).HasColumnName("actor").HasMaxLength(128).IsRequired();
            e.Property(x => x.Action).HasColumnName("action").HasMaxLength(64).IsRequired();
            e.Property(x => x.Target).HasColumnName("target").HasMaxLength(256).IsRequired();
            e.Property(x => x.Details).HasColumnName("details").HasMaxLength(AuditEntry.MaxDetailsLength).IsRequired();
            e.Property(x => x.RemoteIp).HasColumnName("remote_ip").HasMaxLength(64);
        });
    }

    private static void ConfigureApprovals(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ApprovalRow>(e =>
        {
            e.ToTable("approvals");
            e.HasKey(x => x.Id).HasName("pk_approvals");
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(40);
            e.Property(x => x.Caller).HasColumnName("caller").HasMaxLength(64).IsRequired();
            e.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(ApprovalLimits.MaxIdempotencyKeyLength).IsRequired();
            e.Property(x => x.RequestHash).HasColumnName("request_hash").HasMaxLength(64).IsRequired();
            e.Property(x => x.App).HasColumnName("app").HasMaxLength(HubAppValidation.MaxNameLength);
            e.Property(x => x.ApprovalCode).HasColumnName("approval_code").HasMaxLength(ApprovalLimits.MaxCodeLength).IsRequired();
            e.Property(x => x.ApplicantType).HasColumnName("applicant_type").HasMaxLength(16).IsRequired();
            e.Property(x => x.Applicant).HasColumnName("applicant").HasMaxLength(ApprovalLimits.MaxIdLength).IsRequired();
            e.Property(x => x.ApplicantOpenId).HasColumnName("applicant_open_id").HasMaxLength(ApprovalLimits.MaxIdLength);
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
            e.HasIndex(x => new { x.App, x.InstanceCode }).HasDatabaseName("ix_approvals_app_instance_code");
            e.HasIndex(x => new { x.Status, x.NextSyncAt }).HasDatabaseName("ix_approvals_status_next_sync_at");
            e.HasIndex(x => new { x.CardsDue, x.SyncedAt }).HasDatabaseName("ix_approvals_cards_due_synced_at");
            e.HasIndex(x => new { x.Caller, x.Reference }).HasDatabaseName("ix_approvals_caller_reference");
        });

        modelBuilder.Entity<ApprovalTransitionRow>(e =>
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
            e.Property(x => x.OperatorOpenId).HasColumnName("operator_open_id").HasMaxLength(ApprovalLimits.MaxIdLength);
            e.Property(x => x.Comment).HasColumnName("comment").HasMaxLength(ApprovalTransitionRow.MaxCommentLength);
            e.Property(x => x.Source).HasColumnName("source").HasMaxLength(16).IsRequired();
            e.Property(x => x.At).HasColumnName("at");

            // The no-double-transition guarantee: a change is recorded once, and sequences never collide.
            e.HasIndex(x => new { x.ApprovalId, x.Sequence }).IsUnique().HasDatabaseName("ux_approval_transitions_approval_id_sequence");
            e.HasIndex(x => new { x.ApprovalId, x.Key }).IsUnique().HasDatabaseName("ux_approval_transitions_approval_id_key");
            e.HasOne<ApprovalRow>().WithMany().HasForeignKey(x => x.ApprovalId).OnDelete(DeleteBehavior.Cascade)
                .HasConstraintName("fk_approval_transitions_approvals_approval_id");
        });

        modelBuilder.Entity<Approvals.Cards.ApprovalCardRow>(e =>
        {
            e.ToTable("approval_cards");
            e.HasKey(x => x.Id).HasName("pk_approval_cards");
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.ApprovalId).HasColumnName("approval_id").HasMaxLength(40).IsRequired();
            e.Property(x => x.TaskId).HasColumnName("task_id").HasMaxLength(ApprovalLimits.MaxIdLength).IsRequired();
            e.Property(x => x.ApproverOpenId).HasColumnName("approver_open_id").HasMaxLength(ApprovalLimits.MaxIdLength).IsRequired();
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
        });
    }
}

/// <summary>
/// The same model on PostgreSQL. A type of its own only so that EF Core keeps a second set of migrations
/// (<c>Storage/Migrations/Postgres</c>, attributed to this type) next to SQLite's, which stay attributed to
/// <see cref="HubDbContext"/>; it adds nothing to the model.
/// </summary>
public sealed class PostgresHubDbContext : HubDbContext
{
    /// <summary>Creates a context with the given options.</summary>
    public PostgresHubDbContext(DbContextOptions<PostgresHubDbContext> options)
        : base(options)
    {
    }
}

/// <summary>Stores a <see cref="DateTimeOffset"/> as UTC Unix milliseconds (applies to nullable properties too).</summary>
internal sealed class UnixMillisecondsConverter : ValueConverter<DateTimeOffset, long>
{
    public UnixMillisecondsConverter()
        : base(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v))
    {
    }
}
