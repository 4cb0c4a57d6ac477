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
    /// Adds outbound webhooks (reads <c>Larkway:Webhooks</c>). Needs <c>AddHubStorage</c>, <c>AddHubInbox</c> and
    /// <c>AddHubAuth</c>; map the endpoints with <c>MapHubWebhooksApi</c>.
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
            .Validate(o => o.BatchSize >= 1, "Larkway:Webhooks:BatchSize must be at least 1.")
            .Validate(o => o.Concurrency >= 1, "Larkway:Webhooks:Concurrency must be at least 1.")
            .Validate(o => o.MaxAttempts >= 1, "Larkway:Webhooks:MaxAttempts must be at least 1.")
            .Validate(o => o.RequestTimeout > TimeSpan.Zero, "Larkway:Webhooks:RequestTimeout must be positive.")
            .Validate(o => o.LeaseDuration >= o.RequestTimeout + TimeSpan.FromSeconds(5), "Larkway:Webhooks:LeaseDuration must exceed RequestTimeout by at least 5 s.")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Larkway:Webhooks:PollInterval must be positive.")
            .Validate(o => o.RetryDelays is null || o.RetryDelays.All(d => d >= TimeSpan.Zero), "Larkway:Webhooks:RetryDelays must not be negative.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddHubDataProtection();
        services.TryAddSingleton<WebhookStore>();
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
        return services;
    }
}
