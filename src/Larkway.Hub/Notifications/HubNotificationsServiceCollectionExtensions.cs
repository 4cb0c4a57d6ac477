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
    /// Adds notifications (reads <c>Larkway:Notifications</c>). Needs <c>AddHubStorage</c>, <c>AddHubAuth</c>, a
    /// <see cref="Larkway.Feishu.FeishuClient"/> (<c>AddFeishu</c>, the default app) and <c>AddHubApps</c> (every
    /// notification is sent with its app's client); map the endpoints with <c>MapHubNotificationsApi</c>.
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
            .Validate(o => o.BatchSize >= 1, "Larkway:Notifications:BatchSize must be at least 1.")
            .Validate(o => o.Concurrency >= 1, "Larkway:Notifications:Concurrency must be at least 1.")
            .Validate(o => o.MessagesPerSecondPerReceiver >= 1, "Larkway:Notifications:MessagesPerSecondPerReceiver must be at least 1.")
            .Validate(o => o.MessagesPerSecond >= 1 && o.MessagesPerMinute >= o.MessagesPerSecond, "Larkway:Notifications:MessagesPerSecond must be at least 1 and MessagesPerMinute at least as many.")
            .Validate(o => o.RateLimitedDelay > TimeSpan.Zero, "Larkway:Notifications:RateLimitedDelay must be positive.")
            .Validate(o => o.MaxAttempts >= 1, "Larkway:Notifications:MaxAttempts must be at least 1.")
            .Validate(o => o.LeaseDuration >= TimeSpan.FromSeconds(10), "Larkway:Notifications:LeaseDuration must be at least 10 s (longer than a send with its retries).")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Larkway:Notifications:PollInterval must be positive.")
            .Validate(o => o.RetryDelays is null || o.RetryDelays.All(d => d >= TimeSpan.Zero), "Larkway:Notifications:RetryDelays must not be negative.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<Larkway.Hub.Platform.Observability.CardTelemetry>();
        services.TryAddSingleton<NotificationStore>();
        services.TryAddSingleton<ApiKeyStore>();
        services.TryAddSingleton<NotificationTypeStore>();
        services.TryAddSingleton<NotificationComposer>();
        services.TryAddSingleton<Larkway.Hub.Notifications.Actions.NotificationClickers>();
        services.TryAddSingleton<Larkway.Hub.Notifications.Actions.NotificationCardActions>();
        services.AddHostedService<NotificationPackStartup>();
        services.TryAddSingleton<IRecipientResolver, ContactRecipientResolver>();
        services.TryAddSingleton<RecipientExpander>();
        services.AddHubQueue<NotificationDeliveryRow, NotificationSender>(NotificationQueue.Name, sp => sp.GetRequiredService<IOptions<NotificationOptions>>().Value);
        return services;
    }
}
