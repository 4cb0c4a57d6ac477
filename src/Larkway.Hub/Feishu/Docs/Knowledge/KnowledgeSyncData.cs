using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Feishu.Docs.Knowledge;

/// <summary>The knowledge syncs' tables on the Hub's context, as <c>db.KnowledgeSyncs</c>.</summary>
internal static class KnowledgeSyncData
{
    extension(HubDbContext db)
    {
        /// <summary>Wiki spaces kept in step with Dify knowledge bases.</summary>
        public DbSet<KnowledgeSyncRow> KnowledgeSyncs => db.Set<KnowledgeSyncRow>();

        /// <summary>Each space's documents and their copies.</summary>
        public DbSet<KnowledgeDocumentRow> KnowledgeDocuments => db.Set<KnowledgeDocumentRow>();

        /// <summary>Documents Feishu's events said changed, waiting for their sync's next pass.</summary>
        public DbSet<KnowledgeMarkRow> KnowledgeMarks => db.Set<KnowledgeMarkRow>();
    }
}
