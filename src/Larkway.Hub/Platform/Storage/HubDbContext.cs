using Larkway.Hub.Platform.Audit;
using Larkway.Hub.Platform.DataProtection;
using Larkway.Hub.Platform.Leases;
using Larkway.Hub.Platform.Queue;
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

    /// <summary>Small named values the Hub keeps (the admin key's hash, …).</summary>
    public DbSet<HubSetting> Settings => Set<HubSetting>();

    /// <summary>Leases on singleton duties (the long connection, scheduled jobs): one holder among the replicas.</summary>
    public DbSet<HubLeaseRow> Leases => Set<HubLeaseRow>();

    /// <summary>Every administrative change, from the console and the admin REST API.</summary>
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();

    /// <summary>The Data Protection key ring shared by the replicas.</summary>
    public DbSet<HubDataProtectionKeyRow> DataProtectionKeys => Set<HubDataProtectionKeyRow>();

    /// <summary>Work with no row of its own (approval submissions, …), one row per item, in its queue.</summary>
    public DbSet<WorkItemRow> WorkItems => Set<WorkItemRow>();

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // SQLite cannot compare or order DateTimeOffset text; Unix milliseconds compare the same on every provider.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }

    /// <inheritdoc />
    /// <remarks>
    /// The model is what the rooms map: every <see cref="IEntityTypeConfiguration{TEntity}"/> in the Hub's assembly, each
    /// kept beside its rows in the room that owns them (and each room gives its sets as <c>db.X</c> through an extension
    /// block of its own, e.g. <c>NotificationsData</c>). Taken from the assembly rather than from registrations in the
    /// container because the model must be the same wherever a context is made — the design-time factories of the
    /// migrations projects make one from options alone — and EF caches one model per context type, not per container.
    /// The migrations' model snapshots are where the whole model is read; the pending-model-changes tests fail when a
    /// configuration is added, changed or dropped without its migration.
    /// </remarks>
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(HubDbContext).Assembly);
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
