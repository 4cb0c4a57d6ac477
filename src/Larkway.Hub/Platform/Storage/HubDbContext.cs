using Larkway.Hub.Approvals;
using Larkway.Hub.Apps;
using Larkway.Hub.Bots;
using Larkway.Hub.Inbox;
using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Types;
using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Leases;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

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

    /// <summary>Each replica's measurements per minute, for the console's dashboard and the alerts.</summary>
    public DbSet<Monitoring.MetricMinuteRow> MetricMinutes => Set<Monitoring.MetricMinuteRow>();

    /// <summary>Alerts: one per breach of a rule, opened and cleared.</summary>
    public DbSet<Alerts.AlertRow> Alerts => Set<Alerts.AlertRow>();

    /// <summary>Feishu users' token sets per app, encrypted.</summary>
    public DbSet<Apps.HubUserTokenRow> UserTokens => Set<Apps.HubUserTokenRow>();

    /// <summary>The directory's people, by the Hub's own id.</summary>
    public DbSet<Directory.PersonRow> People => Set<Directory.PersonRow>();

    /// <summary>Each person's open_id under each app.</summary>
    public DbSet<Directory.PersonAppIdRow> PersonAppIds => Set<Directory.PersonAppIdRow>();

    /// <summary>People's DingTalk and WeCom accounts.</summary>
    public DbSet<Directory.Links.PersonLinkRow> PersonLinks => Set<Directory.Links.PersonLinkRow>();

    /// <summary>Internal web apps that sign people in through the Hub (OpenID Connect clients).</summary>
    public DbSet<Identity.ClientRow> IdentityClients => Set<Identity.ClientRow>();

    /// <summary>The sign-in broker's sessions.</summary>
    public DbSet<Identity.SessionRow> IdentitySessions => Set<Identity.SessionRow>();

    /// <summary>Authorization codes (hashed, single use).</summary>
    public DbSet<Identity.AuthorizationCodeRow> IdentityCodes => Set<Identity.AuthorizationCodeRow>();

    /// <summary>Grants: one client's authorization in one session, the family of its refresh tokens.</summary>
    public DbSet<Identity.GrantRow> IdentityGrants => Set<Identity.GrantRow>();

    /// <summary>Refresh tokens (hashed, rotated).</summary>
    public DbSet<Identity.RefreshTokenRow> IdentityRefreshTokens => Set<Identity.RefreshTokenRow>();

    /// <summary>The broker's token signing keys (private keys protected).</summary>
    public DbSet<Identity.SigningKeyRow> IdentitySigningKeys => Set<Identity.SigningKeyRow>();

    /// <summary>Syncs between Bitable tables and database tables.</summary>
    public DbSet<BitableSync.BitableSyncRow> BitableSyncs => Set<BitableSync.BitableSyncRow>();

    /// <summary>Each sync's passes (the history).</summary>
    public DbSet<BitableSync.BitableSyncPassRow> BitableSyncPasses => Set<BitableSync.BitableSyncPassRow>();

    /// <summary>Rows changed on both sides, held for review.</summary>
    public DbSet<BitableSync.BitableSyncConflictRow> BitableSyncConflicts => Set<BitableSync.BitableSyncConflictRow>();

    /// <summary>Rows a side refused, per sync.</summary>
    public DbSet<BitableSync.BitableSyncDeadLetterRow> BitableSyncDeadLetters => Set<BitableSync.BitableSyncDeadLetterRow>();

    /// <summary>Records Bitable's events said changed, waiting for their sync's next pass.</summary>
    public DbSet<BitableSync.BitableSyncDirtyRecordRow> BitableSyncDirtyRecords => Set<BitableSync.BitableSyncDirtyRecordRow>();

    /// <summary>Console administrators granted by person or department.</summary>
    public DbSet<AdminConsole.Auth.ConsoleAdminGrantRow> ConsoleAdminGrants => Set<AdminConsole.Auth.ConsoleAdminGrantRow>();

    /// <summary>The directory's departments.</summary>
    public DbSet<Directory.DepartmentRow> Departments => Set<Directory.DepartmentRow>();

    /// <summary>Who is in which department.</summary>
    public DbSet<Directory.MembershipRow> Memberships => Set<Directory.MembershipRow>();

    /// <summary>The directory's history.</summary>
    public DbSet<Directory.DirectoryChangeRow> DirectoryChanges => Set<Directory.DirectoryChangeRow>();

    /// <summary>Directory sync runs.</summary>
    public DbSet<Directory.DirectorySyncRunRow> DirectorySyncRuns => Set<Directory.DirectorySyncRunRow>();

    /// <summary>What directory syncs found the app cannot see.</summary>
    public DbSet<Directory.DirectorySyncProblemRow> DirectorySyncProblems => Set<Directory.DirectorySyncProblemRow>();

    /// <summary>One-time codes for linking a platform account to oneself.</summary>
    public DbSet<Directory.Links.PersonLinkCodeRow> PersonLinkCodes => Set<Directory.Links.PersonLinkCodeRow>();

    /// <summary>The AI assistants.</summary>
    public DbSet<Assistants.Storage.AssistantRow> Assistants => Set<Assistants.Storage.AssistantRow>();

    /// <summary>Conversations with the assistants.</summary>
    public DbSet<Assistants.Storage.AssistantSessionRow> AssistantSessions => Set<Assistants.Storage.AssistantSessionRow>();

    /// <summary>Questions to the assistants and their answers (the <c>assistant-replies</c> queue).</summary>
    public DbSet<Assistants.Storage.AssistantTurnRow> AssistantTurns => Set<Assistants.Storage.AssistantTurnRow>();

    /// <summary>Feedback clicks on the assistants' answers.</summary>
    public DbSet<Assistants.Storage.AssistantFeedbackRow> AssistantFeedback => Set<Assistants.Storage.AssistantFeedbackRow>();

    /// <summary>What masking found, as fingerprints.</summary>
    public DbSet<Assistants.Storage.AssistantMaskAuditRow> AssistantMaskAudit => Set<Assistants.Storage.AssistantMaskAuditRow>();

    /// <summary>DingTalk outgoing-robot signatures accepted, each usable once.</summary>
    public DbSet<DingTalk.RobotSignatureRow> RobotSignatures => Set<DingTalk.RobotSignatureRow>();

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // SQLite cannot compare or order DateTimeOffset text; Unix milliseconds compare the same on every provider.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }

    /// <inheritdoc />
    /// <remarks>Each feature maps its own rows; they are listed here, not found by scanning, so the model is read in one place.</remarks>
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfiguration(new Platform.Queue.WorkItemRowConfiguration());
        modelBuilder.ApplyConfiguration(new Inbox.InboxEventConfiguration());
        modelBuilder.ApplyConfiguration(new Inbox.InboxDedupKeyConfiguration());
        modelBuilder.ApplyConfiguration(new Notifications.NotificationConfiguration());
        modelBuilder.ApplyConfiguration(new Notifications.NotificationDeliveryConfiguration());
        modelBuilder.ApplyConfiguration(new Notifications.NotificationTypeConfiguration());
        modelBuilder.ApplyConfiguration(new Notifications.NotificationActionConfiguration());
        modelBuilder.ApplyConfiguration(new Notifications.ApiKeyConfiguration());
        modelBuilder.ApplyConfiguration(new Webhooks.WebhookSubscriptionConfiguration());
        modelBuilder.ApplyConfiguration(new Webhooks.WebhookDeliveryConfiguration());
        modelBuilder.ApplyConfiguration(new Platform.Storage.HubSettingConfiguration());
        modelBuilder.ApplyConfiguration(new Platform.Leases.HubLeaseConfiguration());
        modelBuilder.ApplyConfiguration(new Apps.HubAppConfiguration());
        modelBuilder.ApplyConfiguration(new Platform.DataProtection.HubDataProtectionKeyConfiguration());
        modelBuilder.ApplyConfiguration(new Bots.BotConversationConfiguration());
        modelBuilder.ApplyConfiguration(new Platform.Audit.AuditEntryConfiguration());
        modelBuilder.ApplyConfiguration(new Approvals.ApprovalConfiguration());
        modelBuilder.ApplyConfiguration(new Approvals.ApprovalTransitionConfiguration());
        modelBuilder.ApplyConfiguration(new Approvals.ApprovalCardConfiguration());
        modelBuilder.ApplyConfiguration(new Monitoring.MetricMinuteConfiguration());
        modelBuilder.ApplyConfiguration(new Alerts.AlertConfiguration());
        modelBuilder.ApplyConfiguration(new Apps.HubUserTokenConfiguration());
        modelBuilder.ApplyConfiguration(new Directory.PersonConfiguration());
        modelBuilder.ApplyConfiguration(new Directory.PersonAppIdConfiguration());
        modelBuilder.ApplyConfiguration(new Directory.Links.PersonLinkConfiguration());
        modelBuilder.ApplyConfiguration(new Identity.ClientConfiguration());
        modelBuilder.ApplyConfiguration(new Identity.SessionConfiguration());
        modelBuilder.ApplyConfiguration(new Identity.AuthorizationCodeConfiguration());
        modelBuilder.ApplyConfiguration(new Identity.GrantConfiguration());
        modelBuilder.ApplyConfiguration(new Identity.RefreshTokenConfiguration());
        modelBuilder.ApplyConfiguration(new Identity.SigningKeyConfiguration());
        modelBuilder.ApplyConfiguration(new AdminConsole.Auth.ConsoleAdminGrantConfiguration());
        modelBuilder.ApplyConfiguration(new Directory.DepartmentConfiguration());
        modelBuilder.ApplyConfiguration(new Directory.MembershipConfiguration());
        modelBuilder.ApplyConfiguration(new Directory.DirectoryChangeConfiguration());
        modelBuilder.ApplyConfiguration(new Directory.DirectorySyncRunConfiguration());
        modelBuilder.ApplyConfiguration(new Directory.DirectorySyncProblemConfiguration());
        modelBuilder.ApplyConfiguration(new BitableSync.BitableSyncConfiguration());
        modelBuilder.ApplyConfiguration(new BitableSync.BitableSyncPassConfiguration());
        modelBuilder.ApplyConfiguration(new BitableSync.BitableSyncConflictConfiguration());
        modelBuilder.ApplyConfiguration(new BitableSync.BitableSyncDeadLetterConfiguration());
        modelBuilder.ApplyConfiguration(new BitableSync.BitableSyncDirtyRecordConfiguration());
        modelBuilder.ApplyConfiguration(new Directory.Links.PersonLinkCodeConfiguration());
        modelBuilder.ApplyConfiguration(new Assistants.Storage.AssistantConfiguration());
        modelBuilder.ApplyConfiguration(new Assistants.Storage.AssistantSessionConfiguration());
        modelBuilder.ApplyConfiguration(new Assistants.Storage.AssistantTurnConfiguration());
        modelBuilder.ApplyConfiguration(new Assistants.Storage.AssistantFeedbackConfiguration());
        modelBuilder.ApplyConfiguration(new Assistants.Storage.AssistantMaskAuditConfiguration());
        modelBuilder.ApplyConfiguration(new DingTalk.RobotSignatureConfiguration());
    }
}

/// <summary>
/// The same model on PostgreSQL. A type of its own only so that the PostgreSQL migrations
/// (<c>src/Larkway.Hub.Migrations.Postgres</c>, attributed to this type) and their design-time factory are never taken for
/// SQLite's (<c>src/Larkway.Hub.Migrations.Sqlite</c>, attributed to <see cref="HubDbContext"/>); it adds nothing to the model.
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
