using Larkway.Hub.Inbox;
using Larkway.Hub.Platform.Queue;
using Larkway.Hub.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Hub's durable inbox.</summary>
public static class HubInboxServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="InboxStore"/>, the background processor (it hands each event to the handler its platform's unit
    /// supplies for the event's transport) and the retention job. Each platform's room adds its door, which stores what
    /// arrives here (<c>AddHubFeishuInbox</c>, <c>AddHubDingTalk</c>, <c>AddHubWeCom</c>…). Binds <c>Larkway:Inbox</c>,
    /// then applies <paramref name="configure"/>. Needs <c>AddHubStorage</c> and <c>AddHubLeases</c>.
    /// </summary>
    public static IServiceCollection AddHubInbox(this IServiceCollection services, IConfiguration configuration, Action<InboxOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var options = services.AddOptions<InboxOptions>().Bind(configuration.GetSection(InboxOptions.SectionName));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InboxOptions>, InboxOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddHubQueues();

        // One writer per process: the inbox's appends, claims and completions in the engine's own SQL.
        services.TryAddSingleton(sp => InboxWriters.For(sp.GetRequiredService<IHubStorageProvider>()));
        services.TryAddSingleton(sp => new InboxStore(
            sp.GetRequiredService<IDbContextFactory<HubDbContext>>(),
            sp.GetRequiredService<IInboxWriter>(),
            sp.GetRequiredService<HubDatabaseInitializer>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<InboxOptions>>(),
            sp.GetRequiredService<WorkSignals>(),
            sp.GetRequiredService<ILogger<InboxStore>>()));
        services.TryAddSingleton<InboxQueue>();
        services.TryAddSingleton<InboxEventService>();
        services.TryAddSingleton<InboxTelemetry>();

        // Every platform's unit supplies the handling of the events it stores here.
        services.AddPlatformRequirement<IInboxPlatformHandler>("the inbox", "the handling of the events it stores: read, dispatch, hand on");
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>(Larkway.Hub.Platform.OpenApi.HubOpenApi.DocumentName, o => o.AddSchemaTransformer<InboxTransportSchema>());
        services.AddHubQueue<InboxEvent, InboxProcessor>(
            InboxQueue.QueueName, sp => sp.GetRequiredService<IOptions<InboxOptions>>().Value, sp => sp.GetRequiredService<InboxQueue>());
        services.AddHubJob<InboxRetention>();
        return services;
    }
}
