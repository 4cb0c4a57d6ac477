using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Platform.DataProtection;

/// <summary>How <see cref="HubDataProtectionKeyRow"/> is stored.</summary>
internal sealed class HubDataProtectionKeyConfiguration : IEntityTypeConfiguration<HubDataProtectionKeyRow>
{
    public void Configure(EntityTypeBuilder<HubDataProtectionKeyRow> e)
    {
        e.ToTable("hub_data_protection_keys");
        e.HasKey(x => x.Id).HasName("pk_hub_data_protection_keys");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.FriendlyName).HasColumnName("friendly_name").HasMaxLength(256).IsRequired();
        e.Property(x => x.Xml).HasColumnName("xml").IsRequired();
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.HasIndex(x => x.FriendlyName).IsUnique().HasDatabaseName("ux_hub_data_protection_keys_friendly_name");
    }
}
