using Larkway.Hub.Alerts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub's alerts.</summary>
public static class HubAlertsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the alerts (reads and validates <c>Larkway:Alerts</c> at start): the rules' evaluator as a job on one
    /// replica, the alert store, and the built-in notification type <c>larkway.alert</c> their cards are sent as. Needs
    /// <c>AddHubMonitoring</c>, <c>AddHubNotifications</c> and <c>AddHubLeases</c>.
    /// </summary>
    public static IServiceCollection AddHubAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>());

        // The rules: the fixed ones, and each room's long connection's (LongConnectionAlert, registered by the room).
        services.TryAddSingleton<AlertRules>();
        services.TryAddSingleton<AlertStore>();
        services.TryAddSingleton<AlertNotifier>();
        services.AddHostedService<AlertTypeStartup>();
        services.AddHubJob<AlertEvaluator>();
        return services;
    }
}
