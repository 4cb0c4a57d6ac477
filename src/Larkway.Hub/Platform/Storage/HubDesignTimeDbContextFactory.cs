using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Larkway.Hub.Platform.Storage;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the SQLite model without starting the Hub (see scripts/hub-migrations.sh).
/// The database named here is never opened by the tool when adding a migration.
/// </summary>
internal sealed class HubDesignTimeDbContextFactory : IDesignTimeDbContextFactory<HubDbContext>
{
    public HubDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<HubDbContext>().UseSqlite(HubStorageOptions.DefaultConnectionString).Options);
}

/// <summary>As <see cref="HubDesignTimeDbContextFactory"/>, for the PostgreSQL migrations; no server is contacted.</summary>
internal sealed class PostgresHubDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgresHubDbContext>
{
    public PostgresHubDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresHubDbContext>().UseNpgsql("Host=localhost;Database=larkway").Options);
}
