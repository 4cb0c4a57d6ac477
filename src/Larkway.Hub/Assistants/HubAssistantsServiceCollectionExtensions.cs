using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.Assistants.Replies;
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

        // Replies per platform (the router picks by IAssistantReplies.Platform); they use the platforms' clients, which
        // AddHubDingTalk, AddHubWeCom and AddHubWeComAiBot register.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAssistantReplies, DingTalkAssistantReplies>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAssistantReplies, WeComAssistantReplies>());
        return services;
    }
}
