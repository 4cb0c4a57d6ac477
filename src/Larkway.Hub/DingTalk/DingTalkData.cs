using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// DingTalk's tables on the Hub's context, as <c>db.RobotSignatures</c>: the room's part of the model (its rows are mapped by its
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes, which the context applies from the assembly).
/// </summary>
internal static class DingTalkData
{
    extension(HubDbContext db)
    {
        /// <summary>DingTalk outgoing-robot signatures accepted, each usable once.</summary>
        public DbSet<RobotSignatureRow> RobotSignatures => db.Set<RobotSignatureRow>();
    }
}
