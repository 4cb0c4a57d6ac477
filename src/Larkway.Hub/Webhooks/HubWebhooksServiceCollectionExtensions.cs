using Larkway.Hub.Inbox;
using Larkway.Hub.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub's outbound webhooks: subscriptions, fan-out of inbox events, and the signed sender.</summary>
public static class HubWebhooksServiceCollectionExtensions
{
    /// <summary>
    /// Adds outbound webhooks (reads <c>Larkway:Webhooks</c>), with the retention job. Needs <c>AddHubStorage</c>,
    /// <c>AddHubLeases</c>, <c>AddHubInbox</c> and <c>AddHubAuth</c>; map the endpoints with <c>MapHubWebhooksApi</c>.
    /// </summary>
    public static IServiceCollection AddHubWebhooks(this IServiceCollection services, IConfiguration configuration, Action<WebhookOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options
            .ValidateOnStart();

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddHubDataProtection();
        services.TryAddSingleton<WebhookStore>();
        services.TryAddSingleton<WebhookService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInboxEventObserver, WebhookFanOut>());
        services.AddHttpClient(WebhookSender.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A redirect is an answer (dead-lettered), never followed: the signed body goes only where it was subscribed.
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        services.AddHostedService<WebhookSecretProtection>();
        services.AddHubQueue<WebhookDeliveryRow, WebhookSender>(WebhookQueue.Name, sp => sp.GetRequiredService<IOptions<WebhookOptions>>().Value);
        services.AddHubJob<WebhookDeliveryRetention>();
        return services;
    }
}
