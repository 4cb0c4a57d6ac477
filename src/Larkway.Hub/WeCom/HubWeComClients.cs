using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Larkway.Hub.Apps;
using Larkway.WeCom;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.WeCom;

/// <summary>
/// One <see cref="WeComClient"/> per stored WeCom app, built from the app registry and rebuilt when the app changes (the
/// replaced client is kept until the registry is disposed: calls in flight may still use it). Named after the app, on the
/// container's meters, so its calls and token fetches count under its name (<c>larkway.wecom.*</c>).
/// </summary>
internal sealed class HubWeComClients(HubAppRegistry apps, ILoggerFactory loggerFactory, TimeProvider time, IMeterFactory? meterFactory = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset UpdatedAt, WeComClient Client)> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<WeComClient> _retired = [];

    /// <summary>The client of the enabled WeCom app <paramref name="appName"/>.</summary>
    /// <exception cref="HubAppNotFoundException">No enabled WeCom app has that name, or its secrets cannot be decrypted.</exception>
    public async ValueTask<WeComClient> GetAsync(string appName, CancellationToken cancellationToken)
    {
        var app = await apps.FindAsync(appName, cancellationToken).ConfigureAwait(false);
        return For(app, appName);
    }

    /// <summary>The client of a stored app already read.</summary>
    public WeComClient For(StoredApp? app, string appName)
    {
        if (app is not { Enabled: true })
        {
            throw HubAppNotFoundException.For(appName, disabled: app is not null);
        }

        if (!app.IsWeCom)
        {
            throw new HubAppNotFoundException($"The app '{appName}' is a {HubAppPlatform.Display(app.Platform)} app; this needs a WeCom app.");
        }

        if (app.Error is not null)
        {
            throw new HubAppNotFoundException($"The WeCom app '{appName}' cannot be used: {app.Error}");
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

            var client = new WeComClient(app.Name, OptionsOf(app), loggerFactory, time, meterFactory);
            if (_clients.TryAdd(app.Name, (app.UpdatedAt, client)))
            {
                return client;
            }

            client.Dispose();
        }
    }

    /// <summary>The client options of a stored WeCom app: its corp id, Secret and AgentId, on its base URL (WeCom's or the Emulator's).</summary>
    public static WeComAppOptions OptionsOf(StoredApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new WeComAppOptions
        {
            CorpId = app.AppId,
            CorpSecret = app.AppSecret,
            AgentId = app.AgentId,
            ApiBaseUrl = app.BaseUrl,
        };
    }

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
    }
}
