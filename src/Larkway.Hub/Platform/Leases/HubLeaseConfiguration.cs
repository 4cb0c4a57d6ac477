using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Platform.Leases;

/// <summary>How <see cref="HubLeaseRow"/> is stored.</summary>
internal sealed class HubLeaseConfiguration : IEntityTypeConfiguration<HubLeaseRow>
{
    public void Configure(EntityTypeBuilder<HubLeaseRow> e)
    {
        e.ToTable("hub_leases");
        e.HasKey(x => x.Name).HasName("pk_hub_leases");
        e.Property(x => x.Name).HasColumnName("name").HasMaxLength(HubLeaseRow.MaxNameLength);
        e.Property(x => x.Owner).HasColumnName("owner").HasMaxLength(HubLeaseRow.MaxOwnerLength).IsRequired();
        e.Property(x => x.AcquiredAt).HasColumnName("acquired_at");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
    }
}
