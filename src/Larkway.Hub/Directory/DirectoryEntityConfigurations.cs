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
        e.Property(x => x.LeaderOpenId).HasColumnName("leader_open_id").HasMaxLength(128);
        e.Property(x => x.FieldTimes).HasColumnName("field_times").HasMaxLength(2048);
        e.Property(x => x.LastSyncRunId).HasColumnName("last_sync_run_id").HasMaxLength(40);
        e.Property(x => x.PreferredPlatform).HasColumnName("preferred_platform").HasMaxLength(16);
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");

        // One person per union_id in a tenant; user_id is not unique over time (an administrator may reuse it).
        e.HasIndex(x => new { x.TenantKey, x.UnionId }).IsUnique().HasDatabaseName("ux_directory_people_tenant_union");
        e.HasIndex(x => new { x.TenantKey, x.UserId }).HasDatabaseName("ix_directory_people_tenant_user");
        e.HasIndex(x => x.Email).HasDatabaseName("ix_directory_people_email");
        e.HasIndex(x => x.EnterpriseEmail).HasDatabaseName("ix_directory_people_enterprise_email");
        e.HasIndex(x => new { x.TenantKey, x.Name }).HasDatabaseName("ix_directory_people_tenant_name");
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

/// <summary>How <see cref="DepartmentRow"/> is stored.</summary>
internal sealed class DepartmentConfiguration : IEntityTypeConfiguration<DepartmentRow>
{
    public void Configure(EntityTypeBuilder<DepartmentRow> e)
    {
        e.ToTable("directory_departments");
        e.HasKey(x => new { x.TenantKey, x.OpenDepartmentId }).HasName("pk_directory_departments");
        e.Property(x => x.TenantKey).HasColumnName("tenant_key").HasMaxLength(64);
        e.Property(x => x.OpenDepartmentId).HasColumnName("open_department_id").HasMaxLength(128);
        e.Property(x => x.DepartmentId).HasColumnName("department_id").HasMaxLength(128);
        e.Property(x => x.Name).HasColumnName("name").HasMaxLength(256).IsRequired();
        e.Property(x => x.ParentId).HasColumnName("parent_id").HasMaxLength(128).IsRequired();
        e.Property(x => x.Path).HasColumnName("path").HasMaxLength(4096).IsRequired();
        e.Property(x => x.PathNames).HasColumnName("path_names").HasMaxLength(4096).IsRequired();
        e.Property(x => x.LeaderOpenId).HasColumnName("leader_open_id").HasMaxLength(128);
        e.Property(x => x.Order).HasColumnName("sort_order");
        e.Property(x => x.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16).IsRequired();
        e.Property(x => x.FieldTimes).HasColumnName("field_times").HasMaxLength(2048);
        e.Property(x => x.LastSyncRunId).HasColumnName("last_sync_run_id").HasMaxLength(40);
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        e.HasIndex(x => new { x.TenantKey, x.ParentId }).HasDatabaseName("ix_directory_departments_tenant_parent");
    }
}

/// <summary>How <see cref="MembershipRow"/> is stored.</summary>
internal sealed class MembershipConfiguration : IEntityTypeConfiguration<MembershipRow>
{
    public void Configure(EntityTypeBuilder<MembershipRow> e)
    {
        e.ToTable("directory_memberships");
        e.HasKey(x => new { x.PersonId, x.DepartmentId }).HasName("pk_directory_memberships");
        e.Property(x => x.PersonId).HasColumnName("person_id").HasMaxLength(40);
        e.Property(x => x.DepartmentId).HasColumnName("department_id").HasMaxLength(128);
        e.Property(x => x.TenantKey).HasColumnName("tenant_key").HasMaxLength(64).IsRequired();
        e.Property(x => x.LastSyncRunId).HasColumnName("last_sync_run_id").HasMaxLength(40);
        e.HasIndex(x => new { x.TenantKey, x.DepartmentId }).HasDatabaseName("ix_directory_memberships_tenant_department");
        e.HasOne<PersonRow>().WithMany().HasForeignKey(x => x.PersonId).HasConstraintName("fk_directory_memberships_person").OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>How <see cref="DirectoryChangeRow"/> is stored.</summary>
internal sealed class DirectoryChangeConfiguration : IEntityTypeConfiguration<DirectoryChangeRow>
{
    public void Configure(EntityTypeBuilder<DirectoryChangeRow> e)
    {
        e.ToTable("directory_changes");
        e.HasKey(x => x.Id).HasName("pk_directory_changes");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.TenantKey).HasColumnName("tenant_key").HasMaxLength(64).IsRequired();
        e.Property(x => x.PersonId).HasColumnName("person_id").HasMaxLength(40);
        e.Property(x => x.DepartmentId).HasColumnName("department_id").HasMaxLength(128);
        e.Property(x => x.Kind).HasColumnName("kind").HasConversion<string>().HasMaxLength(16).IsRequired();
        e.Property(x => x.Fields).HasColumnName("fields").IsRequired();
        e.Property(x => x.Source).HasColumnName("source").HasConversion<string>().HasMaxLength(16).IsRequired();
        e.Property(x => x.SourceRef).HasColumnName("source_ref").HasMaxLength(256);
        e.Property(x => x.At).HasColumnName("at");
        e.HasIndex(x => new { x.PersonId, x.Id }).HasDatabaseName("ix_directory_changes_person");
        e.HasIndex(x => new { x.DepartmentId, x.Id }).HasDatabaseName("ix_directory_changes_department");
    }
}

/// <summary>How <see cref="DirectorySyncRunRow"/> is stored.</summary>
internal sealed class DirectorySyncRunConfiguration : IEntityTypeConfiguration<DirectorySyncRunRow>
{
    public void Configure(EntityTypeBuilder<DirectorySyncRunRow> e)
    {
        e.ToTable("directory_sync_runs");
        e.HasKey(x => x.Id).HasName("pk_directory_sync_runs");
        e.Property(x => x.Id).HasColumnName("id").HasMaxLength(40);
        e.Property(x => x.App).HasColumnName("app").HasMaxLength(40).IsRequired();
        e.Property(x => x.TenantKey).HasColumnName("tenant_key").HasMaxLength(64).IsRequired();
        e.Property(x => x.Kind).HasColumnName("kind").HasConversion<string>().HasMaxLength(16).IsRequired();
        e.Property(x => x.Trigger).HasColumnName("trigger").HasMaxLength(32).IsRequired();
        e.Property(x => x.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16).IsRequired();
        e.Property(x => x.AllMembers).HasColumnName("all_members");
        e.Property(x => x.ApiCalls).HasColumnName("api_calls");
        e.Property(x => x.FailedPages).HasColumnName("failed_pages");
        e.Property(x => x.Departments).HasColumnName("departments");
        e.Property(x => x.People).HasColumnName("people");
        e.Property(x => x.Created).HasColumnName("created");
        e.Property(x => x.Updated).HasColumnName("updated");
        e.Property(x => x.Deactivated).HasColumnName("deactivated");
        e.Property(x => x.Problems).HasColumnName("problems");
        e.Property(x => x.StartedAt).HasColumnName("started_at");
        e.Property(x => x.FinishedAt).HasColumnName("finished_at");
        e.HasIndex(x => x.StartedAt).HasDatabaseName("ix_directory_sync_runs_started_at");
    }
}

/// <summary>How <see cref="DirectorySyncProblemRow"/> is stored.</summary>
internal sealed class DirectorySyncProblemConfiguration : IEntityTypeConfiguration<DirectorySyncProblemRow>
{
    public void Configure(EntityTypeBuilder<DirectorySyncProblemRow> e)
    {
        e.ToTable("directory_sync_problems");
        e.HasKey(x => x.Id).HasName("pk_directory_sync_problems");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.RunId).HasColumnName("run_id").HasMaxLength(40).IsRequired();
        e.Property(x => x.Kind).HasColumnName("kind").HasConversion<string>().HasMaxLength(32).IsRequired();
        e.Property(x => x.Subject).HasColumnName("subject").HasMaxLength(200).IsRequired();
        e.Property(x => x.Detail).HasColumnName("detail").HasMaxLength(2000).IsRequired();
        e.Property(x => x.At).HasColumnName("at");
        e.HasIndex(x => new { x.RunId, x.Kind, x.Subject }).IsUnique().HasDatabaseName("ux_directory_sync_problems_run_kind_subject");
        e.HasOne<DirectorySyncRunRow>().WithMany().HasForeignKey(x => x.RunId).HasConstraintName("fk_directory_sync_problems_run").OnDelete(DeleteBehavior.Cascade);
    }
}
