using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Larkway.Hub.Migrations.Postgres;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the PostgreSQL model without starting the Hub (scripts/hub-migrations.sh);
/// dotnet-ef looks for factories in the startup project only, so the script compiles this file into its startup project
/// as well. No server is contacted when adding a migration.
/// </summary>
internal sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgresHubDbContext>
{
    public PostgresHubDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresHubDbContext>()
            .UseNpgsql("Host=localhost;Database=larkway", o => o.MigrationsAssembly("Larkway.Hub.Migrations.Postgres"))
            .Options);
}
