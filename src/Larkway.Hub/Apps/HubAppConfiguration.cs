using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Apps;

/// <summary>How <see cref="HubAppRow"/> is stored.</summary>
internal sealed class HubAppConfiguration : IEntityTypeConfiguration<HubAppRow>
{
    public void Configure(EntityTypeBuilder<HubAppRow> e)
    {
        e.ToTable("hub_apps");
        e.HasKey(x => x.Name).HasName("pk_hub_apps");
        e.Property(x => x.Name).HasColumnName("name").HasMaxLength(HubAppValidation.MaxNameLength);
        e.Property(x => x.Platform).HasColumnName("platform").HasMaxLength(16).IsRequired().HasDefaultValue(HubAppPlatform.Feishu);
        e.Property(x => x.RobotCode).HasColumnName("robot_code").HasMaxLength(HubAppValidation.MaxAppIdLength);
        e.Property(x => x.AgentId).HasColumnName("agent_id");
        e.Property(x => x.AiBotId).HasColumnName("ai_bot_id").HasMaxLength(HubAppValidation.MaxAppIdLength);
        e.Property(x => x.AiBotSecret).HasColumnName("ai_bot_secret").HasMaxLength(2048);
        e.Property(x => x.AiBotUrl).HasColumnName("ai_bot_url").HasMaxLength(HubAppValidation.MaxUrlLength);
        e.Property(x => x.LongConnection).HasColumnName("long_connection").HasDefaultValue(false);
        e.Property(x => x.AppId).HasColumnName("app_id").HasMaxLength(HubAppValidation.MaxAppIdLength).IsRequired();
        e.Property(x => x.BaseUrl).HasColumnName("base_url").HasMaxLength(HubAppValidation.MaxUrlLength).IsRequired();
        e.Property(x => x.AppSecret).HasColumnName("app_secret").HasMaxLength(2048).IsRequired();
        e.Property(x => x.EncryptKey).HasColumnName("encrypt_key").HasMaxLength(2048);
        e.Property(x => x.VerificationToken).HasColumnName("verification_token").HasMaxLength(2048);

        // No model default: EF would then skip writing false (the CLR default) and the database would store true.
        // The migration fills existing rows with true, which they had before the column existed.
        e.Property(x => x.LegacyCardCallbacks).HasColumnName("legacy_card_callbacks");
        e.Property(x => x.Enabled).HasColumnName("enabled");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
    }
}

/// <summary>How <see cref="HubUserTokenRow"/> is stored.</summary>
internal sealed class HubUserTokenConfiguration : IEntityTypeConfiguration<HubUserTokenRow>
{
    public void Configure(EntityTypeBuilder<HubUserTokenRow> e)
    {
        e.ToTable("hub_user_tokens");
        e.HasKey(x => new { x.AppId, x.UserKey }).HasName("pk_hub_user_tokens");
        e.Property(x => x.AppId).HasColumnName("app_id").HasMaxLength(HubAppValidation.MaxAppIdLength);
        e.Property(x => x.UserKey).HasColumnName("user_key").HasMaxLength(128);

        // Feishu's tokens are JWT-like, 1–2 KB, and its docs ask for 4 KB of room; protection adds about a third.
        e.Property(x => x.AccessToken).HasColumnName("access_token").HasMaxLength(8192).IsRequired();
        e.Property(x => x.AccessExpiresAt).HasColumnName("access_expires_at");
        e.Property(x => x.RefreshToken).HasColumnName("refresh_token").HasMaxLength(8192);
        e.Property(x => x.RefreshExpiresAt).HasColumnName("refresh_expires_at");
        e.Property(x => x.Scope).HasColumnName("scope").HasMaxLength(4096).IsRequired();
        e.Property(x => x.TokenType).HasColumnName("token_type").HasMaxLength(32).IsRequired();
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
    }
}
