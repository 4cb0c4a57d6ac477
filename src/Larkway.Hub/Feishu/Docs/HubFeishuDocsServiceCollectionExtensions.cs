using Larkway.Hub.Assistants.Commands;
using Larkway.Hub.Assistants.Context;
using Larkway.Hub.Feishu.Docs;
using Larkway.Hub.Feishu.Docs.Knowledge;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers Feishu Docs: the documents questions link, read for the asker on any platform, <c>/doc</c>, and wiki spaces
/// kept in step with Dify knowledge bases.
/// </summary>
public static class HubFeishuDocsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the assistant's reading of linked Feishu documents and its <c>/doc</c> command (<see cref="FeishuDocsOptions"/>, section
    /// <c>Larkway:Feishu:Docs</c>), and the knowledge syncs: their store, service, the <c>feishu.knowledge</c> queue
    /// (<see cref="KnowledgeSyncOptions"/>, section <c>Larkway:Feishu:Knowledge</c>) and the observer of Drive's events. Needs
    /// <c>AddHubFeishuClients</c>, <c>AddHubApps</c>, the directory, the inbox, the assistants and the Hub's data protection;
    /// map the knowledge syncs' API with <c>MapHubKnowledgeSyncApi</c>.
    /// </summary>
    public static IServiceCollection AddHubFeishuDocs(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<FeishuDocsOptions>().BindConfiguration(FeishuDocsOptions.SectionName)
            .Validate(o => o.MaxLinksPerQuestion is >= 1 and <= 20, $"{FeishuDocsOptions.SectionName}:MaxLinksPerQuestion must be from 1 to 20.")
            .Validate(o => o.AnswersFolder is null || (o.AnswersFolder.Length is > 0 and <= 64 && o.AnswersFolder.All(char.IsAsciiLetterOrDigit)),
                $"{FeishuDocsOptions.SectionName}:AnswersFolder must be a folder's token (the letters and digits at the end of the folder's link), or left out for the app's own space.")
            .ValidateOnStart();

        // The sandbox's documents are the embedded Emulator's: its links are read like Feishu's, and /doc writes into its
        // "Assistant answers" folder (Dave's, which the app may edit) unless another is set.
        services.AddOptions<FeishuDocsOptions>().PostConfigure<IServiceProvider>((o, sp) =>
        {
            if (sp.GetService<Larkway.Hub.Platform.Configuration.HubSettings>() is { Mode: Larkway.Hub.Platform.Configuration.HubMode.Sandbox, BaseUrl: { } emulator })
            {
                if (!o.LinkHosts.Contains(emulator.Host, StringComparer.OrdinalIgnoreCase))
                {
                    o.LinkHosts.Add(emulator.Host);
                }

                o.AnswersFolder ??= Larkway.Emulator.Seed.DefaultDocs.AnswersFolder;
            }
        });
        services.TryAddSingleton<FeishuDocumentAccess>();
        services.TryAddSingleton<FeishuReadingApp>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAssistantContextSource, FeishuLinkedDocuments>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAssistantCommand, FeishuAnswerDocuments>());
        AddKnowledgeSyncs(services);
        return services;
    }

    private static void AddKnowledgeSyncs(IServiceCollection services)
    {
        services.AddOptions<KnowledgeSyncOptions>().BindConfiguration(KnowledgeSyncOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KnowledgeSyncOptions>, KnowledgeSyncOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        // Each call has its own time limit (the knowledge client's); no handler-level timeout cuts a large document short.
        services.AddHttpClient(KnowledgeClients.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<KnowledgeSyncStore>();
        services.TryAddSingleton<KnowledgeClients>();
        services.TryAddSingleton<KnowledgeSyncService>();
        services.TryAddSingleton<Larkway.Hub.AdminConsole.IKnowledgeSyncConsole, KnowledgeSyncConsole>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Larkway.Hub.Alerts.IRoomAlert, KnowledgeSyncAlert>());
        services.TryAddSingleton<KnowledgeSyncTelemetry>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInboxEventObserver, KnowledgeEventObserver>());
        services.AddHubQueue<WorkItemRow, KnowledgeSyncRunner>(KnowledgeSyncRunner.QueueName, sp => sp.GetRequiredService<IOptions<KnowledgeSyncOptions>>().Value);
    }
}
