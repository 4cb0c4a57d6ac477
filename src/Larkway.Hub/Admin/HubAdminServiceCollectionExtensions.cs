using Larkway.Hub.Admin;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub's admin API services.</summary>
public static class HubAdminServiceCollectionExtensions
{
    /// <summary>
    /// Adds the admin key (from <c>Larkway:AdminKey</c> / <c>LARKWAY_ADMIN_KEY</c> in <c>IConfiguration</c>, else
    /// generated at first start, stored hashed and printed once to stdout). Needs <c>AddHubStorage</c>; map the
    /// endpoints with <c>MapHubAdminApi</c>.
    /// </summary>
    public static IServiceCollection AddHubAdminApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new HubConsole());
        services.TryAddSingleton<HubAdminKey>();
        services.TryAddSingleton<BearerKeyThrottle>();
        services.AddHostedService<HubAdminKeyStartup>();
        return services;
    }
}
