using System.Collections.Concurrent;
using Larkway.Feishu.Events.Dispatch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Inbox;

/// <summary>Finds the <see cref="FeishuEventDispatcher"/> that handles an app's events.</summary>
public interface IHubEventDispatcherProvider
{
    /// <summary>The dispatcher of the app (empty name: the default app), or null when the app has none.</summary>
    FeishuEventDispatcher? GetDispatcher(string appName);
}

/// <summary>One <c>AddHubEventDispatcher</c> call: handlers to register on an app's dispatcher.</summary>
internal sealed record HubEventDispatcherRegistration(string AppName, Action<IServiceProvider, FeishuEventDispatcher> Configure);

/// <summary>One <c>AddHubStoredAppDispatcher</c> call: handlers for every app without registrations of its own (the apps added at run time).</summary>
internal sealed record HubStoredAppDispatcherRegistration(Action<IServiceProvider, string, FeishuEventDispatcher> Configure);

/// <summary>
/// The default provider: builds one dispatcher per app from the <c>AddHubEventDispatcher</c> registrations
/// (applied in order), else uses a <see cref="FeishuEventDispatcher"/> keyed service registered under the app name,
/// else builds one from the <c>AddHubStoredAppDispatcher</c> registrations (none: the app has no dispatcher).
/// </summary>
internal sealed class HubEventDispatcherRegistry(
    IServiceProvider services,
    IEnumerable<HubEventDispatcherRegistration> registrations,
    IEnumerable<HubStoredAppDispatcherRegistration> storedApps)
    : IHubEventDispatcherProvider
{
    private readonly HubStoredAppDispatcherRegistration[] _storedApps = [.. storedApps];

    private readonly ILookup<string, HubEventDispatcherRegistration> _registrations = registrations.ToLookup(r => r.AppName, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<FeishuEventDispatcher?>> _dispatchers = new(StringComparer.Ordinal);

    public FeishuEventDispatcher? GetDispatcher(string appName)
    {
        ArgumentNullException.ThrowIfNull(appName);
        return _dispatchers.GetOrAdd(appName, name => new Lazy<FeishuEventDispatcher?>(() => Build(name))).Value;
    }

    private FeishuEventDispatcher? Build(string appName)
    {
        var dispatcher = new FeishuEventDispatcher(services.GetService<ILogger<FeishuEventDispatcher>>());
        if (!_registrations.Contains(appName))
        {
            if (services.GetKeyedService<FeishuEventDispatcher>(appName) is { } keyed)
            {
                return keyed;
            }

            if (_storedApps.Length == 0)
            {
                return null;
            }

            foreach (var registration in _storedApps)
            {
                registration.Configure(services, appName, dispatcher);
            }

            return dispatcher;
        }

        foreach (var registration in _registrations[appName])
        {
            registration.Configure(services, dispatcher);
        }

        return dispatcher;
    }
}
