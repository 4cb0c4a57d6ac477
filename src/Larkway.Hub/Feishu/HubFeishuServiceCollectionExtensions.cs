using Larkway.Feishu.Events.Dispatch;
using Larkway.Hub.Apps;
using Larkway.Hub.Assistants.Attachments;
using Larkway.Hub.Assistants.Replies;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Feishu;
using Larkway.Hub.Feishu.Assistant;
using Larkway.Hub.Feishu.Notifications;
using Larkway.Hub.Notifications;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub's Feishu room: what Feishu plugs into the Hub's platform seams.</summary>
public static class HubFeishuServiceCollectionExtensions
{
    /// <summary>
    /// Adds Feishu's notification channel (cards and templates sent by the app's bot, paced at each app's
    /// <c>Feishu:RateLimit</c>), the assistant's replies (CardKit cards) and attachment source, and Feishu's side of
    /// people's accounts and the apps' connection test, and its notification card clicks. Needs <c>AddHubNotifications</c> and <c>AddHubApps</c> (the apps' clients).
    /// </summary>
    public static IServiceCollection AddHubFeishu(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHubPlatform(new FeishuHubPlatform());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationChannel, FeishuNotificationChannel>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAssistantReplies, FeishuAssistantReplies>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAssistantAttachmentSource, FeishuAttachmentSource>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPlatformAccounts, FeishuPlatformAccounts>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPlatformConnectionTest, FeishuConnectionTest>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Larkway.Hub.Notifications.Routing.IPersonAddressing, FeishuPersonAddressing>());

        // Clicks on notification cards: checked and answered here, recorded through Notifications' one click entry.
        services.TryAddSingleton<FeishuNotificationClickers>();
        services.TryAddSingleton<FeishuNotificationClicks>();
        return services;
    }

    /// <summary>
    /// Registers handlers on the event dispatcher of every Feishu app that has no <c>AddHubEventDispatcher</c> registration
    /// or keyed dispatcher of its own: the apps added at run time. The handler is told the app's name.
    /// </summary>
    public static IServiceCollection AddHubStoredAppDispatcher(this IServiceCollection services, Action<IServiceProvider, string, FeishuEventDispatcher> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(new FeishuStoredAppDispatcherRegistration(configure));
        services.TryAddKeyedSingleton<FeishuEventDispatcher>(KeyedService.AnyKey, (sp, key) => FeishuStoredAppDispatch.Build(sp, (string)key!));
        return services;
    }
}
