using System.Collections.Concurrent;

namespace Larkway.Hub.Apps;

/// <summary>
/// One platform client per stored app of a platform, built from the app registry and rebuilt when the app changes (the
/// replaced client is kept until this is disposed: calls in flight may still use it). Each platform's cache says how a
/// stored app becomes its client (<see cref="Create"/>); the checks and the caching are the same for every platform.
/// </summary>
internal abstract class StoredAppClients<TClient>(HubAppRegistry apps, string platform) : IDisposable
    where TClient : class, IDisposable
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset UpdatedAt, TClient Client)> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<TClient> _retired = [];

    /// <summary>The client of the enabled app <paramref name="appName"/> of this platform.</summary>
    /// <exception cref="HubAppNotFoundException">No enabled app of this platform has that name, or its secrets cannot be decrypted.</exception>
    public async ValueTask<TClient> GetAsync(string appName, CancellationToken cancellationToken)
    {
        var app = await apps.FindAsync(appName, cancellationToken).ConfigureAwait(false);
        return For(app, appName);
    }

    /// <summary>The client of a stored app already read.</summary>
    /// <exception cref="HubAppNotFoundException">The app is missing, disabled, another platform's, or cannot be used.</exception>
    public TClient For(StoredApp? app, string appName)
    {
        if (app is not { Enabled: true })
        {
            throw HubAppNotFoundException.For(appName, disabled: app is not null, platform);
        }

        if (HubAppPlatform.Display(app.Platform) != HubAppPlatform.Display(platform))
        {
            throw new HubAppNotFoundException($"The app '{appName}' is a {HubAppPlatform.Display(app.Platform)} app; this needs a {HubAppPlatform.Display(platform)} app.");
        }

        if (app.Error is not null)
        {
            throw new HubAppNotFoundException($"The {HubAppPlatform.Display(platform)} app '{appName}' cannot be used: {app.Error}");
        }

        while (true)
        {
            if (_clients.TryGetValue(app.Name, out var cached))
            {
                if (cached.UpdatedAt == app.UpdatedAt)
                {
                    return cached.Client;
                }

                if (_clients.TryRemove(new(app.Name, cached)))
                {
                    _retired.Add(cached.Client);
                }

                continue;
            }

            var client = Create(app);
            if (_clients.TryAdd(app.Name, (app.UpdatedAt, client)))
            {
                return client;
            }

            client.Dispose();
        }
    }

    /// <summary>A new client for the stored app (named after it, on the container's meters).</summary>
    protected abstract TClient Create(StoredApp app);

    public void Dispose()
    {
        foreach (var (_, client) in _clients.Values)
        {
            client.Dispose();
        }

        foreach (var client in _retired)
        {
            client.Dispose();
        }

        _clients.Clear();
        GC.SuppressFinalize(this);
    }
}
