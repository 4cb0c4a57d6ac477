using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Feishu.Docs.Knowledge;

internal sealed class KnowledgeSyncConfiguration : IEntityTypeConfiguration<KnowledgeSyncRow>
{
    public void Configure(EntityTypeBuilder<KnowledgeSyncRow> e)
    {
        e.ToTable("feishu_knowledge_syncs");
        e.HasKey(x => x.Id).HasName("pk_feishu_knowledge_syncs");
        e.Property(x => x.Id).HasColumnName("id").HasMaxLength(40);
        e.Property(x => x.Name).HasColumnName("name").HasMaxLength(200).IsRequired();
        e.Property(x => x.App).HasColumnName("app").HasMaxLength(64).IsRequired();
        e.Property(x => x.SpaceId).HasColumnName("space_id").HasMaxLength(64).IsRequired();
        e.Property(x => x.Assistant).HasColumnName("assistant").HasMaxLength(64);
        e.Property(x => x.DifyBaseUrl).HasColumnName("dify_base_url").HasMaxLength(2048).IsRequired();
        e.Property(x => x.DatasetId).HasColumnName("dataset_id").HasMaxLength(64).IsRequired();
        e.Property(x => x.DatasetKeyProtected).HasColumnName("dataset_key_protected").HasMaxLength(4096).IsRequired();
        e.Property(x => x.DifyRequestsPerMinute).HasColumnName("dify_requests_per_minute");
        e.Property(x => x.IncludeRestricted).HasColumnName("include_restricted");
        e.Property(x => x.IntervalSeconds).HasColumnName("interval_seconds");
        e.Property(x => x.State).HasColumnName("state").HasConversion<string>().HasMaxLength(16).IsRequired();
        e.Property(x => x.Passes).HasColumnName("passes");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        e.Property(x => x.LastPassAt).HasColumnName("last_pass_at");
        e.Property(x => x.LastFullPassAt).HasColumnName("last_full_pass_at");
        e.Property(x => x.LastPassOutcome).HasColumnName("last_pass_outcome").HasMaxLength(2048);
        e.HasIndex(x => x.Name).IsUnique().HasDatabaseName("ux_feishu_knowledge_syncs_name");
        e.HasIndex(x => x.SpaceId).HasDatabaseName("ix_feishu_knowledge_syncs_space");
    }
}

internal sealed class KnowledgeDocumentConfiguration : IEntityTypeConfiguration<KnowledgeDocumentRow>
{
    public void Configure(EntityTypeBuilder<KnowledgeDocumentRow> e)
    {
        e.ToTable("feishu_knowledge_documents");
        e.HasKey(x => new { x.SyncId, x.ObjToken }).HasName("pk_feishu_knowledge_documents");
        e.Property(x => x.SyncId).HasColumnName("sync_id").HasMaxLength(40);
        e.Property(x => x.ObjToken).HasColumnName("obj_token").HasMaxLength(64);
        e.Property(x => x.ObjType).HasColumnName("obj_type").HasMaxLength(16).IsRequired();
        e.Property(x => x.NodeToken).HasColumnName("node_token").HasMaxLength(64).IsRequired();
        e.Property(x => x.Title).HasColumnName("title").HasMaxLength(800).IsRequired();
        e.Property(x => x.EditedAt).HasColumnName("edited_at");
        e.Property(x => x.PushedEditAt).HasColumnName("pushed_edit_at");
        e.Property(x => x.ContentHash).HasColumnName("content_hash").HasMaxLength(64);
        e.Property(x => x.PushedTitle).HasColumnName("pushed_title").HasMaxLength(800);
        e.Property(x => x.DifyDocumentId).HasColumnName("dify_document_id").HasMaxLength(64);
        e.Property(x => x.CreateSentAt).HasColumnName("create_sent_at");
        e.Property(x => x.Subscribed).HasColumnName("subscribed");
        e.Property(x => x.State).HasColumnName("state").HasConversion<string>().HasMaxLength(16).IsRequired();
        e.Property(x => x.Error).HasColumnName("error").HasMaxLength(2048);
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        e.Property(x => x.PushedAt).HasColumnName("pushed_at");
        e.HasIndex(x => x.ObjToken).HasDatabaseName("ix_feishu_knowledge_documents_obj");
    }
}

internal sealed class KnowledgeMarkConfiguration : IEntityTypeConfiguration<KnowledgeMarkRow>
{
    public void Configure(EntityTypeBuilder<KnowledgeMarkRow> e)
    {
        e.ToTable("feishu_knowledge_marks");
        e.HasKey(x => new { x.SyncId, x.ObjToken }).HasName("pk_feishu_knowledge_marks");
        e.Property(x => x.SyncId).HasColumnName("sync_id").HasMaxLength(40);
        e.Property(x => x.ObjToken).HasColumnName("obj_token").HasMaxLength(64);
        e.Property(x => x.Action).HasColumnName("action").HasMaxLength(16).IsRequired();
        e.Property(x => x.MarkedAt).HasColumnName("marked_at");
    }
}
