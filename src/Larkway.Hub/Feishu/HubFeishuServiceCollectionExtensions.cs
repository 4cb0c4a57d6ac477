using Larkway.Hub.Feishu.Notifications;
using Larkway.Hub.Notifications;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub's Feishu room: what Feishu plugs into the Hub's platform seams.</summary>
public static class HubFeishuServiceCollectionExtensions
{
    /// <summary>
    /// Adds Feishu's notification channel (cards and templates sent by the app's bot, paced at each app's
    /// <c>Feishu:RateLimit</c>). Needs <c>AddHubNotifications</c> and <c>AddHubApps</c> (the apps' clients).
    /// </summary>
    public static IServiceCollection AddHubFeishu(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationChannel, FeishuNotificationChannel>());
        return services;
    }
}
