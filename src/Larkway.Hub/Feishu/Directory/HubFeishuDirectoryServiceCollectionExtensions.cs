using Larkway.Hub.Directory;
using Larkway.Hub.Feishu.Directory;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Feishu's side of the directory.</summary>
public static class HubFeishuDirectoryServiceCollectionExtensions
{
    /// <summary>
    /// Supplies Feishu's unit with the directory's source (<see cref="FeishuDirectorySource"/>: its contact API) and its
    /// reading of Feishu's contact events (<see cref="FeishuDirectoryEvents"/>), and adds the apps' clients
    /// (<c>AddHubFeishuClients</c>). Needs <c>AddHubApps</c>; <c>AddHubFeishu</c> calls it. Harmless without the
    /// directory: the pieces are read only by <c>AddHubDirectory</c>'s sync and observer.
    /// </summary>
    public static IServiceCollection AddHubFeishuDirectory(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHubFeishuClients();
        services.AddHubPlatformUnit(Larkway.Channels.Messages.ChannelPlatform.Feishu)
            .Supply<IDirectorySource, FeishuDirectorySource>()
            .Supply<IDirectoryEvents, FeishuDirectoryEvents>();
        return services;
    }
}
