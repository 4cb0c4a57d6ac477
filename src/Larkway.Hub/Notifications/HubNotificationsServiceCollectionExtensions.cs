using Larkway.Hub.Notifications;
using Larkway.Hub.Notifications.Types;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub's notifications: API keys, the store, and the outbox sender.</summary>
public static class HubNotificationsServiceCollectionExtensions
{
    /// <summary>
    /// Adds notifications (reads <c>Larkway:Notifications</c>). Each platform's room adds its channel
    /// (<see cref="INotificationChannel"/>: <c>AddHubFeishu</c>, <c>AddHubDingTalk</c>, <c>AddHubWeCom</c>), through which
    /// the outbox sends, and the settling of its recipients when they need looking up first (<see cref="IRecipientExpander"/>:
    /// Feishu's departments and emails). Needs <c>AddHubStorage</c>, <c>AddHubAuth</c>, <c>AddFeishu</c> (the default app) and
    /// <c>AddHubApps</c>; map the endpoints with <c>MapHubNotificationsApi</c>.
    /// </summary>
    public static IServiceCollection AddHubNotifications(this IServiceCollection services, IConfiguration configuration, Action<NotificationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.SectionName));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options
            .ValidateOnStart();

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<Larkway.Hub.Platform.Observability.CardTelemetry>();
        services.TryAddSingleton<NotificationStore>();
        services.TryAddSingleton<NotificationTypeStore>();
        services.TryAddSingleton<NotificationComposer>();
        services.TryAddSingleton<Larkway.Hub.Notifications.Actions.NotificationOperators>();
        services.TryAddSingleton<Larkway.Hub.Notifications.Actions.NotificationCardActions>();
        services.AddHostedService<NotificationPackStartup>();
        services.TryAddSingleton<Larkway.Hub.Platform.Units.PlatformPieces<IRecipientExpander>>(); // none supplied: recipients are sent to as named
        services.AddPlatformRequirement<INotificationChannel>("the notifications", "its notification channel: recipient kinds, rendering, the send");
        services.TryAddSingleton<NotificationChannels>();
        services.TryAddSingleton<NotificationService>();
        services.TryAddSingleton<NotificationTypeService>();
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>(Larkway.Hub.Platform.OpenApi.HubOpenApi.DocumentName, o => o.AddSchemaTransformer<NotificationRecipientSchema>());
        services.AddHubQueue<NotificationDeliveryRow, NotificationSender>(NotificationQueue.Name, sp => sp.GetRequiredService<IOptions<NotificationOptions>>().Value);
        return services;
    }
}
