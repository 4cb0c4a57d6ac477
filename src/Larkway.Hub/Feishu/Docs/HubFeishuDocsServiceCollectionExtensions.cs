using Larkway.Hub.Assistants.Context;
using Larkway.Hub.Feishu.Docs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Feishu Docs: the documents questions link, read for the asker on any platform.</summary>
public static class HubFeishuDocsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the assistant's reading of linked Feishu documents (<see cref="FeishuDocsOptions"/>, section
    /// <c>Larkway:Feishu:Docs</c>). Needs <c>AddHubFeishuClients</c>, <c>AddHubApps</c> and the directory.
    /// </summary>
    public static IServiceCollection AddHubFeishuDocs(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<FeishuDocsOptions>().BindConfiguration(FeishuDocsOptions.SectionName)
            .Validate(o => o.MaxLinksPerQuestion is >= 1 and <= 20, $"{FeishuDocsOptions.SectionName}:MaxLinksPerQuestion must be from 1 to 20.")
            .ValidateOnStart();

        // The sandbox's documents are the embedded Emulator's: its links are read like Feishu's.
        services.AddOptions<FeishuDocsOptions>().PostConfigure<IServiceProvider>((o, sp) =>
        {
            if (sp.GetService<Larkway.Hub.Platform.Configuration.HubSettings>() is { Mode: Larkway.Hub.Platform.Configuration.HubMode.Sandbox, BaseUrl: { } emulator }
                && !o.LinkHosts.Contains(emulator.Host, StringComparer.OrdinalIgnoreCase))
            {
                o.LinkHosts.Add(emulator.Host);
            }
        });
        services.TryAddSingleton<FeishuDocumentAccess>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAssistantContextSource, FeishuLinkedDocuments>());
        return services;
    }
}
