using Larkway.Feishu.Events.Dispatch;
using Larkway.Feishu.Events.Envelopes;
using Larkway.Feishu.Events.Ingest;
using Larkway.Hub.Feishu.Inbound;
using Larkway.Hub.Inbox;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Feishu's door to the Hub's inbox.</summary>
public static class HubFeishuInboxServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="FeishuInboxSink"/> (also as the default <see cref="IFeishuEventSink"/>, which Feishu's receivers hand
    /// what they verified), its triage, the default <see cref="IHubEventDispatcherProvider"/> and Feishu's inbox handler
    /// (the unit's piece that reads and dispatches the stored events). Needs <c>AddHubInbox</c>; <c>AddHubFeishu</c> calls it.
    /// </summary>
    public static IServiceCollection AddHubFeishuInbox(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IHubEventDispatcherProvider, HubEventDispatcherRegistry>();
        services.TryAddSingleton<FeishuInboxTriage>();
        services.TryAddSingleton(sp => new FeishuInboxSink(
            sp.GetRequiredService<InboxStore>(),
            sp.GetRequiredService<InboxQueue>(),
            sp.GetRequiredService<IHubEventDispatcherProvider>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<InboxOptions>>(),
            sp.GetRequiredService<ILogger<FeishuInboxSink>>(),
            sp.GetServices<IInboxEventObserver>(),
            sp.GetRequiredService<InboxTelemetry>(),
            sp.GetRequiredService<FeishuInboxTriage>()));
        services.TryAddSingleton<IFeishuEventSink>(sp => sp.GetRequiredService<FeishuInboxSink>());
        services.AddHubPlatformUnit(Larkway.Channels.Messages.ChannelPlatform.Feishu).Supply<IInboxPlatformHandler, FeishuInboxHandler>();
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
    /// dispatcher leaves alone (<see cref="FeishuInboxTriage"/>): those no observer wants are stored as Done at ingest and
    /// never claimed or dispatched. <paramref name="leavesAlone"/> runs on the ack path: no I/O, and true only where the
    /// handler would do nothing at all.
    /// </summary>
    internal static IServiceCollection AddHubEventIgnoreRule(this IServiceCollection services, string appName, Func<IServiceProvider, Func<FeishuEventEnvelope, bool>> leavesAlone)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(appName);
        ArgumentNullException.ThrowIfNull(leavesAlone);
        services.AddSingleton(sp => new FeishuEventIgnoreRule(appName, leavesAlone(sp)));
        return services;
    }
}
