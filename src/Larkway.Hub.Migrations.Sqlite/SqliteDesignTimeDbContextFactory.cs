using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Larkway.Hub.Migrations.Sqlite;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the SQLite model without starting the Hub (scripts/hub-migrations.sh);
/// dotnet-ef looks for factories in the startup project only, so the script compiles this file into its startup project
/// as well. The database named here is never opened when adding a migration.
/// </summary>
internal sealed class SqliteDesignTimeDbContextFactory : IDesignTimeDbContextFactory<HubDbContext>
{
    public HubDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<HubDbContext>()
            .UseSqlite("Data Source=larkway.db", o => o.MigrationsAssembly("Larkway.Hub.Migrations.Sqlite"))
            .Options);
}
