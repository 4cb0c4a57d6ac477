using Larkway.Hub.Assistants.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub's AI assistants.</summary>
public static class HubAssistantsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the assistants' configuration. Needs <c>AddHubStorage</c> and <c>AddHubApps</c>; map the API with
    /// <c>MapHubAssistantsApi</c>.
    /// </summary>
    public static IServiceCollection AddHubAssistants(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddHubDataProtection();
        services.TryAddSingleton<AssistantService>();
        return services;
    }
}
