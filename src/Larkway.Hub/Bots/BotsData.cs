using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.Bots;

/// <summary>
/// Bots's tables on the Hub's context, as <c>db.BotConversations</c>: the room's part of the model (its rows are mapped by its
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes, which the context applies from the assembly).
/// </summary>
internal static class BotsData
{
    extension(HubDbContext db)
    {
        /// <summary>Open bot conversations, one per (app, chat, user).</summary>
        public DbSet<BotConversationRow> BotConversations => db.Set<BotConversationRow>();
    }
}
