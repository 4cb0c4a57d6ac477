using Larkway.Feishu.Events.Dispatch;
using Larkway.Feishu.Events.Ingest;
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
    /// Adds <see cref="InboxStore"/>, <see cref="InboxEventSink"/> (also as the default <see cref="IFeishuEventSink"/>),
    /// the default <see cref="IHubEventDispatcherProvider"/>, Feishu's inbox handler (the processor hands each event to the
    /// handler of its transport; the other platforms' rooms add theirs), the background processor and the retention job. Binds
    /// <c>Larkway:Inbox</c>, then applies <paramref name="configure"/>. Needs <c>AddHubStorage</c> and <c>AddHubLeases</c>.
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
        services.TryAddSingleton(sp => sp.GetRequiredService<IHubStorageProvider>().CreateInboxWriter());
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
        services.TryAddSingleton<IHubEventDispatcherProvider, HubEventDispatcherRegistry>();
        services.TryAddSingleton<InboxTriage>();
        services.TryAddSingleton(sp => new InboxEventSink(
            sp.GetRequiredService<InboxStore>(),
            sp.GetRequiredService<InboxQueue>(),
            sp.GetRequiredService<IHubEventDispatcherProvider>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<InboxOptions>>(),
            sp.GetRequiredService<ILogger<InboxEventSink>>(),
            sp.GetServices<IInboxEventObserver>(),
            sp.GetRequiredService<InboxTelemetry>(),
            sp.GetRequiredService<InboxTriage>()));
        services.TryAddSingleton<IFeishuEventSink>(sp => sp.GetRequiredService<InboxEventSink>());

        // Every platform's unit supplies the handling of the events it stores here. Feishu's, beside its sink above, is
        // supplied here until the sink lives in Feishu's room.
        services.AddPlatformRequirement<IInboxPlatformHandler>("the inbox", "the handling of the events it stores: read, dispatch, hand on");
        services.AddHubPlatformUnit(Larkway.Channels.Messages.ChannelPlatform.Feishu).Supply<IInboxPlatformHandler, Larkway.Hub.Feishu.Inbound.FeishuInboxHandler>();
        services.AddHubQueue<InboxEvent, InboxProcessor>(
            InboxQueue.QueueName, sp => sp.GetRequiredService<IOptions<InboxOptions>>().Value, sp => sp.GetRequiredService<InboxQueue>());
        services.AddHubJob<InboxRetention>();
        return services;
    }

    /// <summary>
    /// Registers handlers on the dispatcher of an app (empty name: the default app). Several calls for one app
    /// configure the same dispatcher, in order. Used by the inbox processor and by inline card actions.
    /// </summary>
    public static IServiceCollection AddHubEventDispatcher(this IServiceCollection services, string appName, Action<IServiceProvider, FeishuEventDispatcher> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(appName);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(new HubEventDispatcherRegistration(appName, configure));
        return services;
    }

    /// <summary>
    /// Says which events a handler registered with <see cref="AddHubEventDispatcher"/> on <paramref name="appName"/>'s
    /// dispatcher leaves alone (<see cref="InboxTriage"/>): those no observer wants are stored as Done at ingest and
    /// never claimed or dispatched. <paramref name="leavesAlone"/> runs on the ack path: no I/O, and true only where the
    /// handler would do nothing at all.
    /// </summary>
    internal static IServiceCollection AddHubEventIgnoreRule(this IServiceCollection services, string appName, Func<IServiceProvider, Func<Larkway.Feishu.Events.Envelopes.FeishuEventEnvelope, bool>> leavesAlone)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(appName);
        ArgumentNullException.ThrowIfNull(leavesAlone);
        services.AddSingleton(sp => new HubEventIgnoreRule(appName, leavesAlone(sp)));
        return services;
    }
}
