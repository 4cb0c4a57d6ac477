using Larkway.Hub.BitableSync;
using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Queue;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Bitable syncs.</summary>
public static class HubBitableSyncServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Bitable syncs (reads <c>Larkway:BitableSync</c> for the queue): the store, the service, the queue
    /// <c>bitable.sync</c> (one item per sync), the record-event observer, the listener that wakes a sync when its PostgreSQL table changes, the metrics and the fetcher of attachments named by URL (through the guarded <c>DataUrlFetcher</c>, <c>Larkway:Outbound</c>). Needs <c>AddHubStorage</c>, <c>AddHubLeases</c>,
    /// <c>AddHubInbox</c>, <c>AddHubApps</c>, <c>AddHubFeishu</c> (people fields looked up by email) and the Hub's data protection; map the endpoints with <c>MapHubBitableSyncApi</c>.
    /// </summary>
    public static IServiceCollection AddHubBitableSync(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BitableSyncOptions>().Bind(configuration.GetSection(BitableSyncOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BitableSyncOptions>, BitableSyncOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<BitableSyncStore>();
        services.TryAddSingleton<SyncDatabaseGuard>();
        services.TryAddSingleton<SyncDatabases>();
        services.TryAddSingleton<BitableSyncService>();
        services.TryAddSingleton<BitableSyncTelemetry>();
        services.AddHubOutbound(configuration);
        services.TryAddSingleton<SyncFileFetcher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInboxEventObserver, BitableSyncEventObserver>());
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>(Larkway.Hub.Platform.OpenApi.HubOpenApi.DocumentName, o => o.AddSchemaTransformer(BitableSyncValuesSchema.DescribeAsync));
        services.AddSingleton<SyncChangeListener>();
        services.AddHostedService(sp => sp.GetRequiredService<SyncChangeListener>());
        services.AddHubQueue<WorkItemRow, BitableSyncRunner>(BitableSyncRunner.QueueName, sp => sp.GetRequiredService<IOptions<BitableSyncOptions>>().Value);
        return services;
    }
}
