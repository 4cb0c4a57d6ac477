using Larkway.Hub.Platform.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the fetcher every feature uses for URLs that data supplies.</summary>
public static class HubOutboundServiceCollectionExtensions
{
    /// <summary>
    /// Adds the guarded fetcher of URLs from data (reads <c>Larkway:Outbound</c>, checked at start). A feature that
    /// fetches a URL found in data takes <c>DataUrlFetcher</c>, or — when a client library does the fetching — gives its
    /// named HttpClient the guarded handler with <see cref="AddOutboundGuard"/>; webhook URLs an administrator set do not
    /// go through it.
    /// </summary>
    public static IServiceCollection AddHubOutbound(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(DataUrlFetcher)))
        {
            return services; // added by another feature already; binding the section twice would repeat AllowedHosts
        }

        services.AddOptions<OutboundOptions>().Bind(configuration.GetSection(OutboundOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboundOptions>, OutboundOptionsValidator>());
        services.TryAddSingleton<IOutboundDns, SystemOutboundDns>();
        services.TryAddSingleton<OutboundConnector>();
        services.TryAddSingleton<DataUrlFetcher>();
        return services;
    }

    /// <summary>
    /// Makes the named HttpClient of <paramref name="builder"/> connect only where a URL from data may
    /// (<c>Larkway:Outbound</c>: public addresses, or the hosts it opens), following at most
    /// <paramref name="maxRedirects"/> redirects, each checked the same way. Needs <see cref="AddHubOutbound"/>.
    /// </summary>
    public static IHttpClientBuilder AddOutboundGuard(this IHttpClientBuilder builder, int maxRedirects = DataUrlFetcher.MaxRedirects)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundConnector>().CreateHandler(maxRedirects));
    }
}
