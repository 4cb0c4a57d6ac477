using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Apps;

/// <summary>
/// Apps's tables on the Hub's context, as <c>db.Apps</c>: the room's part of the model (its rows are mapped by its
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes, which the context applies from the assembly).
/// </summary>
internal static class AppsData
{
    extension(HubDbContext db)
    {
        /// <summary>Feishu apps added at run time (secrets protected).</summary>
        public DbSet<HubAppRow> Apps => db.Set<HubAppRow>();

        /// <summary>Feishu users' token sets per app, encrypted.</summary>
        public DbSet<HubUserTokenRow> UserTokens => db.Set<HubUserTokenRow>();
    }
}
