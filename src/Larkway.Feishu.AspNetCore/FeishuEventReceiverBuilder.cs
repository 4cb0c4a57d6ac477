using Larkway.Feishu.Events.Dispatch;
using Larkway.Feishu.Events.Ingest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Larkway.Feishu.AspNetCore;

/// <summary>Configures where one app's verified events go.</summary>
public sealed class FeishuEventReceiverBuilder
{
    internal FeishuEventReceiverBuilder(IServiceCollection services, string appName)
    {
        Services = services;
        AppName = appName;
    }

    /// <summary>The services being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The app name (empty for the default app), also the key of its keyed <see cref="IFeishuEventSink"/>.</summary>
    public string AppName { get; }

    /// <summary>Sends this app's events to a sink of type <typeparamref name="TSink"/> (a keyed singleton).</summary>
    public FeishuEventReceiverBuilder UseSink<TSink>()
        where TSink : class, IFeishuEventSink
    {
        Services.RemoveAllKeyed<IFeishuEventSink>(AppName);
        Services.AddKeyedSingleton<IFeishuEventSink, TSink>(AppName);
        return this;
    }

    /// <summary>Sends this app's events to a sink built by <paramref name="factory"/>.</summary>
    public FeishuEventReceiverBuilder UseSink(Func<IServiceProvider, IFeishuEventSink> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAllKeyed<IFeishuEventSink>(AppName);
        Services.AddKeyedSingleton(AppName, (sp, _) => factory(sp));
        return this;
    }

    /// <summary>
    /// Handles this app's events in process, before the ack, with in-memory dedup
    /// (<see cref="DispatchingEventSink"/>): handlers are registered on the dispatcher here.
    /// </summary>
    public FeishuEventReceiverBuilder UseDispatcher(Action<IServiceProvider, FeishuEventDispatcher> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return UseSink(sp =>
        {
            var dispatcher = new FeishuEventDispatcher(sp.GetService<Microsoft.Extensions.Logging.ILogger<FeishuEventDispatcher>>());
            configure(sp, dispatcher);
            return new DispatchingEventSink(dispatcher, new InMemoryEventDeduplicator(timeProvider: sp.GetService<TimeProvider>()));
        });
    }
}
