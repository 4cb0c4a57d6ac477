using Larkway.Hub.Assistants;
using Larkway.Hub.Assistants.Answering;
using Larkway.Hub.Assistants.Attachments;
using Larkway.Hub.Assistants.Configuration;
using Larkway.Hub.Assistants.Replies;
using Larkway.Hub.Assistants.Routing;
using Larkway.Hub.Assistants.Storage;
using Larkway.Hub.Bots;
using Larkway.Hub.Directory.Links;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub's AI assistants.</summary>
public static class HubAssistantsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the assistants: their configuration, the router the platforms' bots hand messages to (<see cref="IBotAssistant"/>),
    /// the <c>assistant-replies</c> queue that answers, each platform's replies, the answer buttons and the retention job. Needs
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
        services.TryAddSingleton<AssistantSenderMatching>();

        // Each platform's accounts: who an account is (its contacts) and a direct message to it (link codes).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPlatformAccounts, Larkway.Hub.Apps.FeishuPlatformAccounts>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPlatformAccounts, Larkway.Hub.DingTalk.DingTalkPlatformAccounts>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPlatformAccounts, Larkway.Hub.WeCom.WeComPlatformAccounts>());
        services.TryAddSingleton<AssistantSessions>();
        services.TryAddSingleton<AssistantLinking>();
        services.TryAddSingleton<AssistantFeedback>();
        services.TryAddSingleton<AssistantCardActions>();
        services.TryAddSingleton<AssistantInbound>();
        services.TryAddSingleton<IBotAssistant>(sp => sp.GetRequiredService<AssistantInbound>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAssistantReplies, FeishuAssistantReplies>());

        // A question's images and files reach the backend from the platforms that have a source here.
        services.TryAddSingleton<AssistantAttachments>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAssistantAttachmentSource, FeishuAttachmentSource>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAssistantAttachmentSource, DingTalkAttachmentSource>());

        // WeCom's (AI bots' encrypted URLs and apps' media_ids) need the app clients AddHubWeCom registers.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAssistantAttachmentSource, WeComAttachmentSource>());
        // An AI bot file's URL arrives in the message: fetched only where a URL from data may go (Larkway:Outbound).
        services.AddHubOutbound(configuration);
        services.AddHttpClient(WeComAttachmentSource.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(60)).AddOutboundGuard();
        services.AddHubQueue<AssistantTurnRow, AssistantAnswering>(AssistantAnswering.QueueName, sp => sp.GetRequiredService<IOptions<AssistantOptions>>().Value);

        // Retention (TurnRetention, PlaceholderRetention): hourly, on one replica.
        services.AddHubJob<AssistantRetention>();

        // Replies per platform (the router picks by IAssistantReplies.Platform); they use the platforms' clients, which
        // AddHubDingTalk, AddHubWeCom and AddHubWeComAiBot register.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAssistantReplies, DingTalkAssistantReplies>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAssistantReplies, WeComAssistantReplies>());
        return services;
    }
}
