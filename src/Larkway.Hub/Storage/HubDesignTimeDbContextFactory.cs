using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Larkway.Hub.Storage;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the model without starting the Hub (see scripts/hub-migrations.sh).
/// The database named here is never opened by the tool when adding a migration.
/// </summary>
internal sealed class HubDesignTimeDbContextFactory : IDesignTimeDbContextFactory<HubDbContext>
{
    public HubDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<HubDbContext>().UseSqlite(HubStorageOptions.DefaultConnectionString).Options);
}
