using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Directory;

/// <summary>How <see cref="PersonRow"/> is stored.</summary>
internal sealed class PersonConfiguration : IEntityTypeConfiguration<PersonRow>
{
    public void Configure(EntityTypeBuilder<PersonRow> e)
    {
        e.ToTable("directory_people");
        e.HasKey(x => x.Id).HasName("pk_directory_people");
        e.Property(x => x.Id).HasColumnName("id").HasMaxLength(40);
        e.Property(x => x.TenantKey).HasColumnName("tenant_key").HasMaxLength(64).IsRequired();
        e.Property(x => x.UnionId).HasColumnName("union_id").HasMaxLength(128);
        e.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(128);
        e.Property(x => x.Name).HasColumnName("name").HasMaxLength(256).IsRequired();
        e.Property(x => x.EnName).HasColumnName("en_name").HasMaxLength(256);
        e.Property(x => x.Email).HasColumnName("email").HasMaxLength(320);
        e.Property(x => x.EnterpriseEmail).HasColumnName("enterprise_email").HasMaxLength(320);
        e.Property(x => x.Mobile).HasColumnName("mobile").HasMaxLength(32);
        e.Property(x => x.EmployeeNo).HasColumnName("employee_no").HasMaxLength(128);
        e.Property(x => x.AvatarUrl).HasColumnName("avatar_url").HasMaxLength(2048);
        e.Property(x => x.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16).IsRequired();
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");

        // One person per union_id in a tenant; user_id is not unique over time (an administrator may reuse it).
        e.HasIndex(x => new { x.TenantKey, x.UnionId }).IsUnique().HasDatabaseName("ux_directory_people_tenant_union");
        e.HasIndex(x => new { x.TenantKey, x.UserId }).HasDatabaseName("ix_directory_people_tenant_user");
        e.HasIndex(x => x.Email).HasDatabaseName("ix_directory_people_email");
        e.HasIndex(x => x.EnterpriseEmail).HasDatabaseName("ix_directory_people_enterprise_email");
    }
}

/// <summary>How <see cref="PersonAppIdRow"/> is stored.</summary>
internal sealed class PersonAppIdConfiguration : IEntityTypeConfiguration<PersonAppIdRow>
{
    public void Configure(EntityTypeBuilder<PersonAppIdRow> e)
    {
        e.ToTable("directory_person_app_ids");
        e.HasKey(x => new { x.App, x.OpenId }).HasName("pk_directory_person_app_ids");
        e.Property(x => x.App).HasColumnName("app").HasMaxLength(40);
        e.Property(x => x.OpenId).HasColumnName("open_id").HasMaxLength(128);
        e.Property(x => x.PersonId).HasColumnName("person_id").HasMaxLength(40).IsRequired();
        e.HasIndex(x => new { x.PersonId, x.App }).IsUnique().HasDatabaseName("ux_directory_person_app_ids_person_app");
        e.HasOne<PersonRow>().WithMany().HasForeignKey(x => x.PersonId).HasConstraintName("fk_directory_person_app_ids_person").OnDelete(DeleteBehavior.Cascade);
    }
}
