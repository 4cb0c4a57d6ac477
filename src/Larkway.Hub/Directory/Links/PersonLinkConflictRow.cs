using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Directory.Links;

/// <summary>Why an account's match to a person is held for an administrator instead of made.</summary>
public static class PersonLinkConflictReason
{
    /// <summary>Several active people have the account's email.</summary>
    public const string SeveralByEmail = "several_by_email";

    /// <summary>Several active people have the account's mobile number.</summary>
    public const string SeveralByMobile = "several_by_mobile";

    /// <summary>The one person matched has an administrator's link to another account under the same app.</summary>
    public const string PersonLinkedElsewhere = "person_linked_elsewhere";

    /// <summary>The reason in words, as the console shows it.</summary>
    public static string Describe(string reason) => reason switch
    {
        SeveralByEmail => "several people have its email",
        SeveralByMobile => "several people have its mobile number",
        PersonLinkedElsewhere => "the person it matches is linked by an administrator to another account of that app",
        _ => reason,
    };
}

/// <summary>Where a held match stands.</summary>
public static class PersonLinkConflictStatus
{
    /// <summary>Waiting for an administrator.</summary>
    public const string Open = "open";

    /// <summary>An administrator linked the account to a person.</summary>
    public const string Resolved = "resolved";

    /// <summary>An administrator said the account is none of the candidates; it stays unlinked and is not held again.</summary>
    public const string Dismissed = "dismissed";

    /// <summary>Every status.</summary>
    public static IReadOnlyList<string> All { get; } = [Open, Resolved, Dismissed];
}

/// <summary>
/// A platform account whose person the Hub would not decide alone (<c>directory_link_conflicts</c>): its email or mobile
/// number names several people of the directory, or a person an administrator linked to another account there. Held so
/// that two people are never merged silently; one row per account, reopened when the account is unlinked and matches
/// ambiguously again.
/// </summary>
public sealed class PersonLinkConflictRow
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The account's platform (<see cref="PersonPlatforms"/>).</summary>
    public string Platform { get; set; } = "";

    /// <summary>The Hub app the account belongs to.</summary>
    public string App { get; set; } = "";

    /// <summary>The account's userid there.</summary>
    public string UserId { get; set; } = "";

    /// <summary><see cref="PersonLinkConflictReason"/>.</summary>
    public string Reason { get; set; } = "";

    /// <summary>The people it could be (ids, comma-separated, sorted), as last matched.</summary>
    public string Candidates { get; set; } = "";

    /// <summary><see cref="PersonLinkConflictStatus"/>.</summary>
    public string Status { get; set; } = PersonLinkConflictStatus.Open;

    /// <summary>When the account was first held.</summary>
    public DateTimeOffset FirstSeenAt { get; set; }

    /// <summary>When the account last matched this way.</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>When an administrator resolved or dismissed it.</summary>
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>The person the account was linked to, once resolved.</summary>
    public string? PersonId { get; set; }

    /// <summary>The candidates as a list.</summary>
    public IReadOnlyList<string> CandidateIds => Candidates.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>How <see cref="PersonLinkConflictRow"/> is stored.</summary>
internal sealed class PersonLinkConflictConfiguration : IEntityTypeConfiguration<PersonLinkConflictRow>
{
    public void Configure(EntityTypeBuilder<PersonLinkConflictRow> e)
    {
        e.ToTable("directory_link_conflicts");
        e.HasKey(x => x.Id).HasName("pk_directory_link_conflicts");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.Platform).HasColumnName("platform").HasMaxLength(16).IsRequired();
        e.Property(x => x.App).HasColumnName("app").HasMaxLength(Apps.HubAppValidation.MaxNameLength).IsRequired();
        e.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(128).IsRequired();
        e.Property(x => x.Reason).HasColumnName("reason").HasMaxLength(32).IsRequired();
        e.Property(x => x.Candidates).HasColumnName("candidates").HasMaxLength(2000).IsRequired();
        e.Property(x => x.Status).HasColumnName("status").HasMaxLength(16).IsRequired();
        e.Property(x => x.FirstSeenAt).HasColumnName("first_seen_at");
        e.Property(x => x.LastSeenAt).HasColumnName("last_seen_at");
        e.Property(x => x.ClosedAt).HasColumnName("closed_at");
        e.Property(x => x.PersonId).HasColumnName("person_id").HasMaxLength(40);
        e.Ignore(x => x.CandidateIds);

        // One row per account: holding it again updates the row, so a busy account never fills the table.
        e.HasIndex(x => new { x.Platform, x.App, x.UserId }).IsUnique().HasDatabaseName("ux_directory_link_conflicts_account");
        e.HasIndex(x => new { x.Status, x.Id }).HasDatabaseName("ix_directory_link_conflicts_status");
    }
}
