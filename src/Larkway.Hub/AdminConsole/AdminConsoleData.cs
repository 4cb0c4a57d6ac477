using Larkway.Hub.AdminConsole.Auth;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.AdminConsole;

/// <summary>
/// AdminConsole's tables on the Hub's context, as <c>db.ConsoleAdminGrants</c>: the room's part of the model (its rows are mapped by its
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes, which the context applies from the assembly).
/// </summary>
internal static class AdminConsoleData
{
    extension(HubDbContext db)
    {
        /// <summary>Console administrators granted by person or department.</summary>
        public DbSet<ConsoleAdminGrantRow> ConsoleAdminGrants => db.Set<ConsoleAdminGrantRow>();
    }
}
