using Larkway.Hub.Platform.Leases;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace Larkway.Hub.WeCom.AiBot;

/// <summary>
/// What the holder of an AI bot's lease says of its long connection, for every replica to read: the setting
/// <c>wecom-aibot-down/{BotId}</c> holds since when it has held the lease without an open connection — with the reason
/// <see cref="TakenOver"/> when another connection took the bot (<c>disconnected_event</c>) — and is absent while one is open.
/// </summary>
internal sealed class WeComAiBotStatus(IDbContextFactory<HubDbContext> contexts, HubDatabaseInitializer initializer, IHubStorageProvider provider, TimeProvider time)
    : ConnectionDownMarks("wecom-aibot-down/", contexts, initializer, provider, time)
{
    /// <summary>The reason kept with the mark when WeCom said another connection subscribed for the bot.</summary>
    public const string TakenOver = "taken-over";
}
