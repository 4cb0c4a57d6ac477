using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.AdminConsole.Auth;

/// <summary>A console administrator granted by person or department (<c>console_admins</c>).</summary>
public sealed class ConsoleAdminGrantRow
{
    public long Id { get; set; }

    /// <summary><c>person</c> or <c>department</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>A person id (<c>per_…</c>), union_id or open_id; or an open_department_id.</summary>
    public string Value { get; set; } = "";

    /// <summary>A note for the console (whose grant it is).</summary>
    public string Note { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";
}

/// <summary>How <see cref="ConsoleAdminGrantRow"/> is stored.</summary>
internal sealed class ConsoleAdminGrantConfiguration : IEntityTypeConfiguration<ConsoleAdminGrantRow>
{
    public void Configure(EntityTypeBuilder<ConsoleAdminGrantRow> e)
    {
        e.ToTable("console_admins");
        e.HasKey(x => x.Id).HasName("pk_console_admins");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(16).IsRequired();
        e.Property(x => x.Value).HasColumnName("value").HasMaxLength(128).IsRequired();
        e.Property(x => x.Note).HasColumnName("note").HasMaxLength(256).IsRequired();
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.CreatedBy).HasColumnName("created_by").HasMaxLength(128).IsRequired();
        e.HasIndex(x => new { x.Kind, x.Value }).IsUnique().HasDatabaseName("ux_console_admins_kind_value");
    }
}

/// <summary>
/// The console's administrators beside the bootstrap password: people granted by Hub person id, union_id or open_id
/// under the sign-in app, or by department. A person signed in with Feishu keeps the console only while a grant
/// still names them (checked on every request) and their account is active.
/// </summary>
internal sealed class ConsoleAdmins(IDbContextFactory<Platform.Storage.HubDbContext> contexts, Platform.Storage.HubDatabaseInitializer initializer, Platform.Storage.IHubStorageProvider provider, Directory.PeopleStore people, Identity.Provider.PersonGroups groups, Microsoft.Extensions.Options.IOptions<Identity.IdentityOptions> options, TimeProvider time)
{
    public const string PersonKind = "person";
    public const string DepartmentKind = "department";

    public async Task<IReadOnlyList<ConsoleAdminGrantRow>> ListAsync(CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.ConsoleAdminGrants.AsNoTracking().OrderBy(g => g.Kind).ThenBy(g => g.Value).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adds a grant; the problem when the value is not a person or department id, or already granted.</summary>
    public async Task<(ConsoleAdminGrantRow? Grant, string? Problem)> AddAsync(string? value, string? note, string createdBy, CancellationToken cancellationToken)
    {
        value = value?.Trim() ?? "";
        note = note?.Trim() ?? "";
        var kind = Identity.IdentityIds.IsPerson(value) ? PersonKind : Identity.IdentityIds.IsDepartment(value) ? DepartmentKind : null;
        if (kind is null)
        {
            return (null, "Who: a Hub person id (per_…), a union_id (on_…), an open_id under the sign-in app (ou_…) or a department (od-…).");
        }

        if (note.Length > 256)
        {
            return (null, "Note: at most 256 characters.");
        }

        var row = new ConsoleAdminGrantRow { Kind = kind, Value = value, Note = note, CreatedAt = time.GetUtcNow(), CreatedBy = createdBy };
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            db.ConsoleAdminGrants.Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException ex) when (provider.IsUniqueViolation(ex))
            {
                return (null, $"{value} is already an administrator.");
            }
        }

        return (row, null);
    }

    public async Task<ConsoleAdminGrantRow?> RemoveAsync(long id, CancellationToken cancellationToken)
    {
        var db = await ContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var row = await db.ConsoleAdminGrants.FirstOrDefaultAsync(g => g.Id == id, cancellationToken).ConfigureAwait(false);
            if (row is not null)
            {
                db.ConsoleAdminGrants.Remove(row);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }

            return row;
        }
    }

    /// <summary>Whether the person (active) is named by a grant, directly or through a department.</summary>
    public async Task<bool> IsAdminAsync(string personId, CancellationToken cancellationToken)
    {
        var person = await people.FindAsync(personId, cancellationToken).ConfigureAwait(false);
        if (person is not { Status: Directory.PersonStatus.Active })
        {
            return false;
        }

        var grants = await ListAsync(cancellationToken).ConfigureAwait(false);
        if (grants.Count == 0)
        {
            return false;
        }

        var departments = await groups.OfAsync(person.Id, cancellationToken).ConfigureAwait(false);
        foreach (var grant in grants)
        {
            var named = grant.Kind == DepartmentKind
                ? departments.Contains(grant.Value, StringComparer.Ordinal)
                : grant.Value == person.Id || grant.Value == person.UnionId
                  || (grant.Value.StartsWith("ou_", StringComparison.Ordinal)
                      && (await people.FindByOpenIdAsync(options.Value.FeishuAppName, grant.Value, cancellationToken).ConfigureAwait(false))?.Id == person.Id);
            if (named)
            {
                return true;
            }
        }

        return false;
    }

    private async Task<Platform.Storage.HubDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }
}
