using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Alerts;

/// <summary>
/// One breach of one rule (<c>hub_alerts</c>): opened when the rule's condition held, cleared when it no longer did. At
/// most one alert per rule is open (a unique index over the open ones), so a breach fires once however often it is
/// evaluated and on whichever replica. Each of its two notices (opened, cleared) is a notification, submitted once.
/// </summary>
public sealed class AlertRow
{
    /// <summary>Longest detail stored.</summary>
    public const int MaxDetailLength = 1000;

    /// <summary>Longest notice problem stored.</summary>
    public const int MaxProblemLength = 500;

    public long Id { get; set; }

    /// <summary>The rule (<c>api_error_rate</c>, …).</summary>
    public string Rule { get; set; } = "";

    public DateTimeOffset OpenedAt { get; set; }

    /// <summary>What was measured when it opened.</summary>
    public string Detail { get; set; } = "";

    /// <summary>When the condition was found gone; null while open.</summary>
    public DateTimeOffset? ClearedAt { get; set; }

    /// <summary>What was measured when it cleared (or why: the rule was switched off).</summary>
    public string? ClearedDetail { get; set; }

    /// <summary>The notification that announced it (<c>ntf_…</c>); null while not submitted.</summary>
    public string? NotificationId { get; set; }

    /// <summary>Why the opening notice was not submitted (no recipient, the type switched off, …); null otherwise.</summary>
    public string? NoticeProblem { get; set; }

    /// <summary>The notification that said it cleared.</summary>
    public string? ClearedNotificationId { get; set; }

    /// <summary>Why the clearing notice was not submitted.</summary>
    public string? ClearedNoticeProblem { get; set; }
}

/// <summary>How <see cref="AlertRow"/> is stored.</summary>
internal sealed class AlertConfiguration : IEntityTypeConfiguration<AlertRow>
{
    public void Configure(EntityTypeBuilder<AlertRow> e)
    {
        e.ToTable("hub_alerts");
        e.HasKey(x => x.Id).HasName("pk_hub_alerts");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.Rule).HasColumnName("rule").HasMaxLength(64).IsRequired();
        e.Property(x => x.OpenedAt).HasColumnName("opened_at");
        e.Property(x => x.Detail).HasColumnName("detail").HasMaxLength(AlertRow.MaxDetailLength).IsRequired();
        e.Property(x => x.ClearedAt).HasColumnName("cleared_at");
        e.Property(x => x.ClearedDetail).HasColumnName("cleared_detail").HasMaxLength(AlertRow.MaxDetailLength);
        e.Property(x => x.NotificationId).HasColumnName("notification_id").HasMaxLength(40);
        e.Property(x => x.NoticeProblem).HasColumnName("notice_problem").HasMaxLength(AlertRow.MaxProblemLength);
        e.Property(x => x.ClearedNotificationId).HasColumnName("cleared_notification_id").HasMaxLength(40);
        e.Property(x => x.ClearedNoticeProblem).HasColumnName("cleared_notice_problem").HasMaxLength(AlertRow.MaxProblemLength);

        // Once per breach: one open alert per rule, whatever the race.
        e.HasIndex(x => x.Rule).IsUnique().HasFilter("cleared_at IS NULL").HasDatabaseName("ux_hub_alerts_open_rule");
        e.HasIndex(x => x.OpenedAt).HasDatabaseName("ix_hub_alerts_opened_at");
    }
}
