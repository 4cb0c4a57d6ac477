using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Directory.Links;

/// <summary>
/// A one-time code a user asked for to link an unlinked platform account to themselves (<c>directory_link_codes</c>): the
/// code goes to an account of the person that is already linked, and typing it from the new account proves both are the
/// same person. Stored hashed, short-lived, with a bounded number of tries.
/// </summary>
public sealed class PersonLinkCodeRow
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>
    /// The person the account would be linked to; null for a code asked for an email that is no one's (or a person past
    /// their limit): that row matches no code, so typing one is answered as for a real person's code.
    /// </summary>
    public string? PersonId { get; set; }

    /// <summary>The platform of the account asking (<see cref="PersonPlatforms"/>).</summary>
    public string Platform { get; set; } = "";

    /// <summary>The Hub app the account wrote to.</summary>
    public string App { get; set; } = "";

    /// <summary>The account's id on that platform.</summary>
    public string UserId { get; set; } = "";

    /// <summary>The code's keyed hash (hex); the code itself is only in the message sent to the linked account.</summary>
    public string CodeHash { get; set; } = "";

    /// <summary>Wrong codes typed so far.</summary>
    public int Attempts { get; set; }

    /// <summary>When asked for.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it stops working.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was used (or given up on after too many wrong tries); null while it may still be typed.</summary>
    public DateTimeOffset? ClosedAt { get; set; }
}

/// <summary>How <see cref="PersonLinkCodeRow"/> is stored.</summary>
internal sealed class PersonLinkCodeConfiguration : IEntityTypeConfiguration<PersonLinkCodeRow>
{
    public void Configure(EntityTypeBuilder<PersonLinkCodeRow> e)
    {
        e.ToTable("directory_link_codes");
        e.HasKey(x => x.Id).HasName("pk_directory_link_codes");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.PersonId).HasColumnName("person_id").HasMaxLength(40);
        e.Property(x => x.Platform).HasColumnName("platform").HasMaxLength(16).IsRequired();
        e.Property(x => x.App).HasColumnName("app").HasMaxLength(Apps.HubAppValidation.MaxNameLength).IsRequired();
        e.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(128).IsRequired();
        e.Property(x => x.CodeHash).HasColumnName("code_hash").HasMaxLength(64).IsRequired();
        e.Property(x => x.Attempts).HasColumnName("attempts");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        e.Property(x => x.ClosedAt).HasColumnName("closed_at");
        e.HasIndex(x => new { x.Platform, x.App, x.UserId }).HasDatabaseName("ix_directory_link_codes_platform_app_user_id");
        e.HasIndex(x => x.ExpiresAt).HasDatabaseName("ix_directory_link_codes_expires_at");
        e.HasOne<PersonRow>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade)
            .HasConstraintName("fk_directory_link_codes_directory_people_person_id");
    }
}
