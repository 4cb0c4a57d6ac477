using Larkway.Hub.Directory.Links;
using Larkway.Hub.Notifications.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the routing of notifications to people on their preferred platform.</summary>
public static class HubPersonRoutingServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="PersonRouter"/> (a <c>person</c> recipient, or an email of a person who prefers another platform,
    /// becomes a delivery on that platform) and <see cref="PersonLinker"/> (links found by email or mobile at the first
    /// send). Needs <c>AddHubDirectory</c>, <c>AddHubApps</c>, <c>AddHubDingTalk</c> and <c>AddHubWeCom</c>.
    /// </summary>
    public static IServiceCollection AddHubPersonRouting(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        PersonPlatforms.TryAdd(services);
        services.AddPlatformRequirement<IPersonAddressing>("the notifications routed to people", "how a directory person is reached there");
        services.TryAddSingleton<RoutingSettingsStore>();
        services.TryAddSingleton<IPlatformOrder>(sp => sp.GetRequiredService<RoutingSettingsStore>());
        services.TryAddSingleton<PersonRouter>();
        services.TryAddSingleton<PersonLinker>();
        return services;
    }
}
