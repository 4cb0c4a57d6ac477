using Larkway.Feishu;
using Larkway.Hub.Apps;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Feishu;

/// <summary>
/// The Hub's <see cref="IFeishuClientFactory"/>, in place of the library's: the one way Hub code gets the client of a
/// Feishu app. Configured apps — the default app (<c>""</c> or <see cref="HubAppService.DefaultAppName"/>) and any
/// <c>AddApp</c> name — come from the library's <see cref="FeishuClientFactory"/>; every other name is a stored app, whose
/// client is built with the same settings and cached (<see cref="StoredAppClients{TClient}"/>: rebuilt when the app
/// changes, on this replica at once and on others within <see cref="HubAppsOptions.RefreshInterval"/>; the replaced
/// client disposed after <see cref="HubAppsOptions.RetiredClientGrace"/>, as is the client of an app removed).
/// </summary>
/// <remarks>
/// A configured name wins over a stored app of the same name (only <c>default</c> is reserved for storing).
/// <see cref="GetClient"/> may block on reading the stored apps (once per refresh interval); callers that can await use
/// <see cref="GetClientAsync"/>.
/// </remarks>
internal sealed class HubFeishuClients : StoredAppClients<FeishuClient>, IFeishuClientFactory
{
    private readonly FeishuClientFactory _configured;

    public HubFeishuClients(HubAppRegistry apps, FeishuClientFactory configured, IOptions<HubAppsOptions> options, TimeProvider time)
        : base(apps, HubAppPlatform.Feishu, options.Value.RetiredClientGrace, time)
    {
        _configured = configured;
    }

    /// <exception cref="HubAppNotFoundException">No enabled Feishu app has that name, or its secrets cannot be decrypted.</exception>
    public FeishuClient GetClient(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Configured(name) ?? For(Apps.Find(name), name);
    }

    /// <exception cref="HubAppNotFoundException">No enabled Feishu app has that name, or its secrets cannot be decrypted.</exception>
    public ValueTask<FeishuClient> GetClientAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return GetAsync(name, cancellationToken);
    }

    /// <summary>
    /// Named, on the container's meters (its calls count under its name beside the configured app's) and with the
    /// configured app's settings (timeout, retries, rate limits): only the credentials and host are its own.
    /// </summary>
    protected override FeishuClient Create(StoredApp app) => _configured.CreateClient(app.Name, o =>
    {
        o.AppId = app.AppId;
        o.AppSecret = app.AppSecret;
        o.BaseUrl = app.BaseUrl;
    });

    /// <summary>The client of a configured app, or null for a stored app's name.</summary>
    protected override FeishuClient? Configured(string appName)
    {
        ArgumentNullException.ThrowIfNull(appName);
        if (!HubAppRegistry.IsDefault(appName))
        {
            return _configured.IsRegistered(appName) ? _configured.GetClient(appName) : null;
        }

        // The Hub without credentials (unit tests) has no default app: refused like an unknown stored app.
        return _configured.IsRegistered(Options.DefaultName)
            ? _configured.GetClient(Options.DefaultName)
            : throw HubAppNotFoundException.For(HubAppService.DefaultAppName, disabled: false);
    }
}
