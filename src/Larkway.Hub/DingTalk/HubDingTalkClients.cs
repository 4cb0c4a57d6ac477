using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Larkway.DingTalk;
using Larkway.Hub.Apps;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.DingTalk;

/// <summary>
/// One <see cref="DingTalkClient"/> per stored DingTalk app, built from the app registry and rebuilt when the app changes
/// (the replaced client is kept until the registry is disposed: calls in flight may still use it). Named after the app,
/// on the container's meters, so its calls count under its name.
/// </summary>
internal sealed class HubDingTalkClients(HubAppRegistry apps, ILoggerFactory loggerFactory, TimeProvider time, IMeterFactory? meterFactory = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset UpdatedAt, DingTalkClient Client)> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<DingTalkClient> _retired = [];

    /// <summary>The client of the enabled DingTalk app <paramref name="appName"/>.</summary>
    /// <exception cref="HubAppNotFoundException">No enabled DingTalk app has that name, or its secrets cannot be decrypted.</exception>
    public async ValueTask<DingTalkClient> GetAsync(string appName, CancellationToken cancellationToken)
    {
        var app = await apps.FindAsync(appName, cancellationToken).ConfigureAwait(false);
        return For(app, appName);
    }

    /// <summary>The client of a stored app already read.</summary>
    public DingTalkClient For(StoredApp? app, string appName)
    {
        if (app is not { Enabled: true })
        {
            throw HubAppNotFoundException.For(appName, disabled: app is not null);
        }

        if (!app.IsDingTalk)
        {
            throw new HubAppNotFoundException($"The app '{appName}' is a Feishu app; this needs a DingTalk app.");
        }

        if (app.Error is not null)
        {
            throw new HubAppNotFoundException($"The DingTalk app '{appName}' cannot be used: {app.Error}");
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

            var client = new DingTalkClient(app.Name, OptionsOf(app), loggerFactory, time, meterFactory);
            if (_clients.TryAdd(app.Name, (app.UpdatedAt, client)))
            {
                return client;
            }

            client.Dispose();
        }
    }

    /// <summary>
    /// The client options of a stored DingTalk app: DingTalk's two hosts, or — for any other base URL — that one host
    /// serving both APIs' paths (the Emulator's <c>…/dingtalk</c>).
    /// </summary>
    public static DingTalkAppOptions OptionsOf(StoredApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var official = app.BaseUrl == DingTalkBaseUrls.Api;
        return new DingTalkAppOptions
        {
            AppKey = app.AppId,
            AppSecret = app.AppSecret,
            RobotCode = app.RobotCode,
            AgentId = app.AgentId,
            ApiBaseUrl = official ? DingTalkBaseUrls.Api : app.BaseUrl,
            OapiBaseUrl = official ? DingTalkBaseUrls.Oapi : app.BaseUrl,
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
