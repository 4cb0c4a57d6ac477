using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Directory.Links;

/// <summary>The platforms a person can be reached on, as stored and sent on the wire.</summary>
public static class PersonPlatform
{
    /// <summary>Feishu (or Lark): the directory's own platform, reached through the person's open_id or email.</summary>
    public const string Feishu = "feishu";

    /// <summary>DingTalk, through a link to the person's userid in the organisation.</summary>
    public const string DingTalk = "dingtalk";

    /// <summary>WeCom, through a link to the person's userid in the corp.</summary>
    public const string WeCom = "wecom";

    /// <summary>Every platform, in the order used when neither the person nor the directory names one.</summary>
    public static readonly IReadOnlyList<string> All = [Feishu, DingTalk, WeCom];

    /// <summary>True for a known platform name.</summary>
    public static bool IsKnown(string? platform) => platform is Feishu or DingTalk or WeCom;

    /// <summary>The platform's name as people write it.</summary>
    public static string Display(string platform) => platform switch { DingTalk => "DingTalk", WeCom => "WeCom", _ => "Feishu" };
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
}

/// <summary>
/// A person's account on DingTalk or WeCom (<c>directory_person_links</c>): the userid under one of the Hub's apps of that
/// platform. A userid belongs to the organisation (corp), so one link per app is what the sender needs; one account links
/// to one person only.
/// </summary>
public sealed class PersonLinkRow
{
    /// <summary>The person (<see cref="PersonRow.Id"/>).</summary>
    public string PersonId { get; set; } = "";

    /// <summary><see cref="PersonPlatform.DingTalk"/> or <see cref="PersonPlatform.WeCom"/>.</summary>
    public string Platform { get; set; } = "";

    /// <summary>The Hub app of that platform the userid belongs to.</summary>
    public string App { get; set; } = "";

    /// <summary>The person's userid on the platform.</summary>
    public string UserId { get; set; } = "";

    /// <summary><see cref="PersonLinkSource"/>: email, mobile or admin.</summary>
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
