using System.Collections.Concurrent;
using Larkway.Feishu.Events.Dispatch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Feishu.Inbound;

/// <summary>Finds the <see cref="FeishuEventDispatcher"/> that handles an app's events.</summary>
public interface IHubEventDispatcherProvider
{
    /// <summary>The dispatcher of the app (empty name: the default app), or null when the app has none.</summary>
    FeishuEventDispatcher? GetDispatcher(string appName);
}

/// <summary>One <c>AddHubEventDispatcher</c> call: handlers to register on an app's dispatcher.</summary>
internal sealed record HubEventDispatcherRegistration(string AppName, Action<IServiceProvider, FeishuEventDispatcher> Configure);

/// <summary>
/// The default provider: builds one dispatcher per app from the <c>AddHubEventDispatcher</c> registrations
/// (applied in order), else uses the <see cref="FeishuEventDispatcher"/> keyed service of the app's name — which is how
/// Feishu's room hands over the dispatchers of the apps added at run time (<c>AddHubStoredAppDispatcher</c>) — else
/// the app has no dispatcher.
/// </summary>
internal sealed class HubEventDispatcherRegistry(
    IServiceProvider services,
    IEnumerable<HubEventDispatcherRegistration> registrations)
    : IHubEventDispatcherProvider
{
    private readonly ILookup<string, HubEventDispatcherRegistration> _registrations = registrations.ToLookup(r => r.AppName, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<FeishuEventDispatcher?>> _dispatchers = new(StringComparer.Ordinal);

    public FeishuEventDispatcher? GetDispatcher(string appName)
    {
        ArgumentNullException.ThrowIfNull(appName);
        return _dispatchers.GetOrAdd(appName, name => new Lazy<FeishuEventDispatcher?>(() => Build(name))).Value;
    }

    private FeishuEventDispatcher? Build(string appName)
    {
        if (!_registrations.Contains(appName))
        {
            return services.GetKeyedService<FeishuEventDispatcher>(appName);
        }

        var dispatcher = new FeishuEventDispatcher(services.GetService<ILogger<FeishuEventDispatcher>>());
        foreach (var registration in _registrations[appName])
        {
            registration.Configure(services, dispatcher);
        }

        return dispatcher;
    }
}
