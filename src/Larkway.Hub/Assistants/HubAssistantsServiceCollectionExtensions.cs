using Larkway.Hub.Assistants.Replies;
using Larkway.Hub.Assistants;
using Larkway.Hub.Assistants.Answering;
using Larkway.Hub.Assistants.Attachments;
using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.Assistants.Context;
using Larkway.Hub.Assistants.Routing;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Bots;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub's AI assistants.</summary>
public static class HubAssistantsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the assistants: their configuration, the router the platforms' bots hand messages to (<see cref="IBotAssistant"/>),
    /// the <c>assistant-replies</c> queue that answers, the answer buttons and the retention job. Needs
    /// <c>AddHubStorage</c>, <c>AddHubLeases</c> and <c>AddHubApps</c>; map the API with <c>MapHubAssistantsApi</c>.
    /// </summary>
    public static IServiceCollection AddHubAssistants(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddHubDataProtection();
        services.AddOptions<AssistantOptions>().Bind(configuration.GetSection(AssistantOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AssistantOptions>, AssistantOptionsValidator>());

        // Backends are the administrator's own endpoints; each call is bounded by the assistant's own timeouts.
        services.AddHttpClient(AssistantRuntime.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<AssistantService>();
        services.TryAddSingleton<AssistantTelemetry>();
        services.TryAddSingleton<AssistantRuntime>();
        services.TryAddSingleton<AssistantGroupReach>();
        services.TryAddSingleton<AssistantIdentity>();
        services.TryAddSingleton<Larkway.Hub.Directory.Links.PersonLinkConflicts>();
        services.TryAddSingleton<Larkway.Hub.Directory.Links.AccountPeople>();

        // Who is behind an account is the directory's one answer; how long it remembers a stranger is the assistants' setting.
        services.AddOptions<Larkway.Hub.Directory.Links.AccountPeopleOptions>()
            .Configure<IOptions<AssistantOptions>>((o, assistants) => o.UnmatchedLifetime = assistants.Value.SenderLookupCacheLifetime);
        services.TryAddSingleton<AssistantSessions>();
        services.TryAddSingleton<AssistantLinking>();
        Larkway.Hub.Directory.Links.PersonPlatforms.TryAdd(services);
        services.TryAddSingleton<AssistantFeedback>();
        services.TryAddSingleton<AssistantCardActions>();
        services.TryAddSingleton<AssistantInbound>();
        services.TryAddSingleton<IBotAssistant>(sp => sp.GetRequiredService<AssistantInbound>());
        services.TryAddSingleton<IAssistantCustomers>(sp => sp.GetRequiredService<AssistantInbound>());

        // A question's images and files reach the backend from the platforms whose room registers an IAssistantAttachmentSource.
        services.TryAddSingleton<AssistantAttachments>();
        // The documents a question links are read by the rooms that register an IAssistantContextSource.
        services.TryAddSingleton<AssistantContexts>();
        services.AddHubQueue<AssistantTurnRow, AssistantAnswering>(AssistantAnswering.QueueName, sp => sp.GetRequiredService<IOptions<AssistantOptions>>().Value);

        // /link codes are sent from their own queue, after the reply (AssistantLinking).
        services.AddHubQueue<WorkItemRow, LinkCodeDelivery>(LinkCodeDelivery.QueueName, sp => sp.GetRequiredService<IOptions<AssistantOptions>>().Value);

        // Retention (TurnRetention, PlaceholderRetention): hourly, on one replica.
        services.AddHubJob<AssistantRetention>();

        // Each platform's unit supplies its replies, its attachment source and its accounts (IPlatformAccounts, the
        // directory's links); a setting only one platform reads is checked by that platform (IAssistantSettingsCheck).
        services.AddPlatformRequirement<IAssistantReplies>("the assistants", "its replies: streamed answers, plain texts");
        services.AddPlatformRequirement<IAssistantAttachmentSource>("the assistants", "a question's pictures and files fetched from it");
        services.AddPlatformSeam<IAssistantSettingsCheck>();
        return services;
    }
}
