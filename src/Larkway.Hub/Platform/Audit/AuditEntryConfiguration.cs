using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Platform.Audit;

/// <summary>How <see cref="AuditEntry"/> is stored.</summary>
internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> e)
    {
        e.ToTable("hub_audit_log");
        e.HasKey(x => x.Id).HasName("pk_hub_audit_log");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.At).HasColumnName("at");
        e.Property(x => x.Actor).HasColumnName("actor").HasMaxLength(128).IsRequired();
        e.Property(x => x.Action).HasColumnName("action").HasMaxLength(64).IsRequired();
        e.Property(x => x.Target).HasColumnName("target").HasMaxLength(256).IsRequired();
        e.Property(x => x.Details).HasColumnName("details").HasMaxLength(AuditEntry.MaxDetailsLength).IsRequired();
        e.Property(x => x.RemoteIp).HasColumnName("remote_ip").HasMaxLength(64);
    }
}
