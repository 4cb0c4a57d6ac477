using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Platform.Storage;

/// <summary>How <see cref="HubSetting"/> is stored.</summary>
internal sealed class HubSettingConfiguration : IEntityTypeConfiguration<HubSetting>
{
    public void Configure(EntityTypeBuilder<HubSetting> e)
    {
        e.ToTable("hub_settings");
        e.HasKey(x => x.Name).HasName("pk_hub_settings");
        e.Property(x => x.Name).HasColumnName("name").HasMaxLength(128);
        e.Property(x => x.Value).HasColumnName("value").HasMaxLength(4096).IsRequired();
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
    }
}
