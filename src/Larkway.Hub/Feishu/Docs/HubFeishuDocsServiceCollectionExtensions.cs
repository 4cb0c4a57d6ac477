using Larkway.Hub.Assistants.Commands;
using Larkway.Hub.Assistants.Context;
using Larkway.Hub.Feishu.Docs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Feishu Docs: the documents questions link, read for the asker on any platform, and <c>/doc</c>.</summary>
public static class HubFeishuDocsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the assistant's reading of linked Feishu documents and its <c>/doc</c> command (<see cref="FeishuDocsOptions"/>, section
    /// <c>Larkway:Feishu:Docs</c>). Needs <c>AddHubFeishuClients</c>, <c>AddHubApps</c> and the directory.
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
        // "Assistant answers" folder (Alice's, shared with the app) unless another is set.
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
        return services;
    }
}
