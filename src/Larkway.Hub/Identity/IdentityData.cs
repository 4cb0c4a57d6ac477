using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Identity;

/// <summary>
/// Identity's tables on the Hub's context, as <c>db.IdentityClients</c>: the room's part of the model (its rows are mapped by its
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes, which the context applies from the assembly).
/// </summary>
internal static class IdentityData
{
    extension(HubDbContext db)
    {
        /// <summary>Internal web apps that sign people in through the Hub (OpenID Connect clients).</summary>
        public DbSet<ClientRow> IdentityClients => db.Set<ClientRow>();

        /// <summary>The sign-in broker's sessions.</summary>
        public DbSet<SessionRow> IdentitySessions => db.Set<SessionRow>();

        /// <summary>Authorization codes (hashed, single use).</summary>
        public DbSet<AuthorizationCodeRow> IdentityCodes => db.Set<AuthorizationCodeRow>();

        /// <summary>Grants: one client's authorization in one session, the family of its refresh tokens.</summary>
        public DbSet<GrantRow> IdentityGrants => db.Set<GrantRow>();

        /// <summary>Refresh tokens (hashed, rotated).</summary>
        public DbSet<RefreshTokenRow> IdentityRefreshTokens => db.Set<RefreshTokenRow>();

        /// <summary>The broker's token signing keys (private keys protected).</summary>
        public DbSet<SigningKeyRow> IdentitySigningKeys => db.Set<SigningKeyRow>();
    }
}
