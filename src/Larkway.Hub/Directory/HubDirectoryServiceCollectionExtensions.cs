using Larkway.Hub.Directory;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the directory of people and departments.</summary>
public static class HubDirectoryServiceCollectionExtensions
{
    /// <summary>Adds the directory's store only (what sign-in needs). Needs the Hub's storage.</summary>
    public static IServiceCollection AddHubDirectory(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<PeopleStore>();
        services.TryAddSingleton<Larkway.Hub.Directory.Links.PersonLinkStore>();
        services.TryAddSingleton<Larkway.Hub.Directory.Links.PersonLinkConflicts>();
        services.TryAddSingleton<Larkway.Hub.Directory.Links.LinkConflictViews>();
        services.TryAddSingleton<Larkway.Hub.Directory.Links.AccountPeople>();
        services.AddOptions<Larkway.Hub.Directory.Links.AccountPeopleOptions>();
        Larkway.Hub.Directory.Links.PersonPlatforms.TryAdd(services);
        return services;
    }

    /// <summary>
    /// Adds the directory with its sync (reads <c>Larkway:Directory</c>): the store, the sync queue <c>directory.sync</c>,
    /// the contact-event observer, the nightly reconciliation (when <see cref="DirectoryOptions.ReconcileEnabled"/>) and the
    /// metrics. Needs <c>AddHubStorage</c>, <c>AddHubLeases</c>, <c>AddHubInbox</c>, <c>AddHubWebhooks</c> and <c>AddHubApps</c>,
    /// and a platform's room that supplies the directory's source and contact events (<see cref="IDirectorySource"/>,
    /// <see cref="IDirectoryEvents"/>: <c>AddHubFeishu</c>); map the endpoints with <c>MapHubDirectoryApi</c>.
    /// </summary>
    public static IServiceCollection AddHubDirectory(this IServiceCollection services, IConfiguration configuration, Action<DirectoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddHubDirectory();
        var section = configuration.GetSection(DirectoryOptions.SectionName);
        var options = services.AddOptions<DirectoryOptions>().Bind(section);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DirectoryOptions>, DirectoryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<DirectoryStore>();
        services.TryAddSingleton<IDirectoryLookup>(sp => sp.GetRequiredService<DirectoryStore>());
        services.TryAddSingleton<DirectoryTenant>();
        services.TryAddSingleton<DirectoryService>();
        services.TryAddSingleton<DirectoryTelemetry>();
        services.TryAddSingleton<DirectoryPacer>();

        // The platform side, optional: a platform's room supplies its source and its contact events (Feishu's today).
        services.AddPlatformSeam<IDirectorySource>();
        services.AddPlatformSeam<IDirectoryEvents>();
        services.TryAddSingleton<DirectorySources>();
        services.TryAddSingleton<Larkway.Hub.Monitoring.ISyncLossSource, DirectorySyncLoss>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInboxEventObserver, DirectoryEventObserver>());
        services.AddHubQueue<WorkItemRow, DirectorySync>(DirectorySync.QueueName, sp => sp.GetRequiredService<IOptions<DirectoryOptions>>().Value);

        var registered = new DirectoryOptions { ReconcileEnabled = section.GetValue<bool?>(nameof(DirectoryOptions.ReconcileEnabled)) ?? true };
        configure?.Invoke(registered);
        if (registered.ReconcileEnabled)
        {
            services.AddHubJob<DirectoryReconciler>();
        }

        return services;
    }
}
