using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Larkway.Hub.Bots;

/// <summary>How <see cref="BotConversationRow"/> is stored.</summary>
internal sealed class BotConversationConfiguration : IEntityTypeConfiguration<BotConversationRow>
{
    public void Configure(EntityTypeBuilder<BotConversationRow> e)
    {
        e.ToTable("bot_conversations");
        e.HasKey(x => new { x.App, x.ChatId, x.UserOpenId }).HasName("pk_bot_conversations");
        e.Property(x => x.App).HasColumnName("app").HasMaxLength(128);
        e.Property(x => x.ChatId).HasColumnName("chat_id").HasMaxLength(128);
        e.Property(x => x.UserOpenId).HasColumnName("user_open_id").HasMaxLength(128);
        e.Property(x => x.Step).HasColumnName("step").HasMaxLength(128).IsRequired();
        e.Property(x => x.ValuesJson).HasColumnName("values_json").HasMaxLength(16_384).IsRequired();
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
    }
}
