using Larkway.Hub.Directory;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the directory of people and departments.</summary>
public static class HubDirectoryServiceCollectionExtensions
{
    /// <summary>Adds the directory's store. Needs the Hub's storage.</summary>
    public static IServiceCollection AddHubDirectory(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<PeopleStore>();
        return services;
    }
}
