using System.Collections.Concurrent;

namespace Larkway.Hub.Apps;

/// <summary>
/// One platform client per stored app of a platform, built from the app registry and rebuilt when the app changes (the
/// replaced client may still serve calls in flight: it is kept until this is disposed, or — when a grace period is given
/// — disposed once that has passed; so is the client of an app removed). Each platform's cache says how a stored app becomes its client (<see cref="Create"/>)
/// and may serve apps it configures itself (<see cref="Configured"/>); the checks and the caching are the same for every
/// platform.
/// </summary>
internal abstract class StoredAppClients<TClient> : IDisposable
    where TClient : class, IDisposable
{
    private readonly string _platform;
    private readonly TimeSpan? _retiredGrace;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (DateTimeOffset UpdatedAt, TClient Client)> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<TClient, byte> _retired = new(ReferenceEqualityComparer.Instance);
    private readonly CancellationTokenSource _disposed = new();

    /// <param name="apps">The stored apps.</param>
    /// <param name="platform">The platform whose apps this serves.</param>
    /// <param name="retiredGrace">How long a replaced client lives for calls still using it (null: until this is disposed).</param>
    /// <param name="time">The clock of <paramref name="retiredGrace"/>.</param>
    protected StoredAppClients(HubAppRegistry apps, string platform, TimeSpan? retiredGrace = null, TimeProvider? time = null)
    {
        Apps = apps;
        _platform = platform;
        _retiredGrace = retiredGrace;
        _time = time ?? TimeProvider.System;
        apps.AppChanged += OnAppChanged;
    }

    /// <summary>The stored apps this cache builds from.</summary>
    protected HubAppRegistry Apps { get; }

    /// <summary>The client of the enabled app <paramref name="appName"/> of this platform (or of an app it configures itself).</summary>
    /// <exception cref="HubAppNotFoundException">No enabled app of this platform has that name, or its secrets cannot be decrypted.</exception>
    public async ValueTask<TClient> GetAsync(string appName, CancellationToken cancellationToken)
    {
        if (Configured(appName) is { } configured)
        {
            return configured;
        }

        var app = await Apps.FindAsync(appName, cancellationToken).ConfigureAwait(false);
        return For(app, appName);
    }

    /// <summary>The client of a stored app already read.</summary>
    /// <exception cref="HubAppNotFoundException">The app is missing, disabled, another platform's, or cannot be used.</exception>
    public TClient For(StoredApp? app, string appName)
    {
        if (app is not { Enabled: true })
        {
            throw HubAppNotFoundException.For(appName, disabled: app is not null, _platform);
        }

        if (HubAppPlatform.Display(app.Platform) != HubAppPlatform.Display(_platform))
        {
            throw new HubAppNotFoundException($"The app '{appName}' is a {HubAppPlatform.Display(app.Platform)} app; this needs a {HubAppPlatform.Display(_platform)} app.");
        }

        if (app.Error is not null)
        {
            throw new HubAppNotFoundException($"The {HubAppPlatform.Display(_platform)} app '{appName}' cannot be used: {app.Error}");
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
                    Retire(cached.Client);
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

    /// <summary>
    /// The client of an app the platform configures outside the store (a deployment's default app), or null for a stored
    /// app's name. Such a name wins over a stored app of the same name.
    /// </summary>
    protected virtual TClient? Configured(string appName) => null;

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing || _disposed.IsCancellationRequested)
        {
            return;
        }

        Apps.AppChanged -= OnAppChanged;
        _disposed.Cancel();
        foreach (var (_, client) in _clients.Values)
        {
            client.Dispose();
        }

        foreach (var client in _retired.Keys)
        {
            client.Dispose();
        }

        _clients.Clear();
        _retired.Clear();
        _disposed.Dispose();
    }

    /// <summary>A removed app's client is retired at once; a changed one is replaced when next asked for.</summary>
    private void OnAppChanged(string appName)
    {
        if (Apps.Cached(appName) is null && _clients.TryRemove(appName, out var gone))
        {
            Retire(gone.Client);
        }
    }

    private void Retire(TClient client)
    {
        _retired.TryAdd(client, 0);
        if (_retiredGrace is { } grace)
        {
            _ = DisposeLaterAsync(client, grace);
        }
    }

    private async Task DisposeLaterAsync(TClient client, TimeSpan grace)
    {
        try
        {
            await Task.Delay(grace, _time, _disposed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // disposed with the rest
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        if (_retired.TryRemove(client, out _))
        {
            client.Dispose();
        }
    }
}
