using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Directory.Links;

/// <summary>
/// The person's platform the directory is synced from: its accounts are the people's own (the directory keeps their ids
/// per app of it), not links. Every other person's platform comes from its room (<see cref="PersonPlatforms"/>).
/// </summary>
public static class PersonPlatform
{
    /// <summary>The directory's own platform, reached through the person's id there or their email.</summary>
    public const string Directory = Apps.HubAppPlatform.Feishu;
}

/// <summary>How a link between a person and a platform account was made.</summary>
public static class PersonLinkSource
{
    /// <summary>The platform's contacts returned the account for the person's email.</summary>
    public const string Email = "email";

    /// <summary>The platform's contacts returned the account for the person's mobile number.</summary>
    public const string Mobile = "mobile";

    /// <summary>An administrator linked the account (console or API); never replaced by a lookup.</summary>
    public const string Admin = "admin";

    /// <summary>The person linked it themselves, with a one-time code sent to an account of theirs already linked.</summary>
    public const string Self = "self";

    /// <summary>Every source a link is stored with.</summary>
    public static IReadOnlyList<string> All { get; } = [Email, Mobile, Admin, Self];

    /// <summary>
    /// Who or what made a link, as the console's "Linked by" column says it: the one place a stored source gets words, so
    /// a new source cannot fall into another's label. A value this version does not know shows as stored.
    /// </summary>
    public static string LinkedBy(string source) => source switch
    {
        Email => "email lookup",
        Mobile => "mobile lookup",
        Admin => "an administrator",
        Self => "the person (/link with a one-time code)",
        _ => source,
    };
}

/// <summary>
/// A person's account on a platform other than the directory's (<c>directory_person_links</c>): the userid under one of the Hub's apps of that
/// platform. A userid belongs to the organisation (corp), so one link per app is what the sender needs; one account links
/// to one person only.
/// </summary>
public sealed class PersonLinkRow
{
    /// <summary>The person (<see cref="PersonRow.Id"/>).</summary>
    public string PersonId { get; set; } = "";

    /// <summary>A person's platform (<see cref="PersonPlatforms"/>), as stored.</summary>
    public string Platform { get; set; } = "";

    /// <summary>The Hub app of that platform the userid belongs to.</summary>
    public string App { get; set; } = "";

    /// <summary>The person's userid on the platform.</summary>
    public string UserId { get; set; } = "";

    /// <summary><see cref="PersonLinkSource"/>: email, mobile, admin or self.</summary>
    public string Source { get; set; } = "";

    /// <summary>When the link was made.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>How <see cref="PersonLinkRow"/> is stored.</summary>
internal sealed class PersonLinkConfiguration : IEntityTypeConfiguration<PersonLinkRow>
{
    public void Configure(EntityTypeBuilder<PersonLinkRow> e)
    {
        e.ToTable("directory_person_links");
        e.HasKey(x => new { x.PersonId, x.Platform, x.App }).HasName("pk_directory_person_links");
        e.Property(x => x.PersonId).HasColumnName("person_id").HasMaxLength(40);
        e.Property(x => x.Platform).HasColumnName("platform").HasMaxLength(16);
        e.Property(x => x.App).HasColumnName("app").HasMaxLength(Apps.HubAppValidation.MaxNameLength);
        e.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(128).IsRequired();
        e.Property(x => x.Source).HasColumnName("source").HasMaxLength(16).IsRequired();
        e.Property(x => x.CreatedAt).HasColumnName("created_at");

        // One platform account is one person: a second person claiming it is refused, not silently shared.
        e.HasIndex(x => new { x.Platform, x.App, x.UserId }).IsUnique().HasDatabaseName("ux_directory_person_links_account");
        e.HasOne<PersonRow>().WithMany().HasForeignKey(x => x.PersonId).HasConstraintName("fk_directory_person_links_person").OnDelete(DeleteBehavior.Cascade);
    }
}
