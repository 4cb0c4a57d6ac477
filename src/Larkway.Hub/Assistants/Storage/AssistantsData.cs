using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Assistants.Storage;

/// <summary>
/// Assistants's tables on the Hub's context, as <c>db.Assistants</c>: the room's part of the model (its rows are mapped by its
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes, which the context applies from the assembly).
/// </summary>
internal static class AssistantsData
{
    extension(HubDbContext db)
    {
        /// <summary>The AI assistants.</summary>
        public DbSet<AssistantRow> Assistants => db.Set<AssistantRow>();

        /// <summary>Conversations with the assistants.</summary>
        public DbSet<AssistantSessionRow> AssistantSessions => db.Set<AssistantSessionRow>();

        /// <summary>Questions to the assistants and their answers (the <c>assistant-replies</c> queue).</summary>
        public DbSet<AssistantTurnRow> AssistantTurns => db.Set<AssistantTurnRow>();

        /// <summary>Feedback clicks on the assistants' answers.</summary>
        public DbSet<AssistantFeedbackRow> AssistantFeedback => db.Set<AssistantFeedbackRow>();

        /// <summary>What masking found, as fingerprints.</summary>
        public DbSet<AssistantMaskAuditRow> AssistantMaskAudit => db.Set<AssistantMaskAuditRow>();
    }
}
