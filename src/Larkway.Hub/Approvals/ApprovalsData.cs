using Larkway.Hub.Approvals.Cards;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Approvals;

/// <summary>
/// Approvals's tables on the Hub's context, as <c>db.Approvals</c>: the room's part of the model (its rows are mapped by its
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes, which the context applies from the assembly).
/// </summary>
internal static class ApprovalsData
{
    extension(HubDbContext db)
    {
        /// <summary>Approvals business systems asked for, and the submit outbox.</summary>
        public DbSet<ApprovalRow> Approvals => db.Set<ApprovalRow>();

        /// <summary>Each approval's transitions, in order (its history and its callbacks).</summary>
        public DbSet<ApprovalTransitionRow> ApprovalTransitions => db.Set<ApprovalTransitionRow>();

        /// <summary>The approval cards sent to approvers, one per task, with their reminders.</summary>
        public DbSet<ApprovalCardRow> ApprovalCards => db.Set<ApprovalCardRow>();
    }
}
