using Larkway.Feishu.AspNetCore;
using Larkway.Hub.Apps;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Feishu;

/// <summary>
/// Gives each stored Feishu app's event and card endpoints its Encrypt Key and Verification Token (named options), and
/// the timestamp window every stored app's callbacks share (<see cref="HubAppsOptions.CallbackTimestampWindow"/>). An
/// app's options are evicted from the options cache when the registry reads it changed (or gone), so its endpoints
/// verify with the new keys.
/// </summary>
/// <remarks>
/// Subscribed when built: the options factory builds this before it configures (and the monitor caches) any app's options,
/// so no cached entry can miss an eviction.
/// </remarks>
internal sealed class FeishuStoredAppEndpointOptions : IConfigureNamedOptions<FeishuEventEndpointOptions>
{
    private readonly HubAppRegistry _registry;
    private readonly IOptions<HubAppsOptions> _apps;

    public FeishuStoredAppEndpointOptions(HubAppRegistry registry, IOptions<HubAppsOptions> apps, IOptionsMonitorCache<FeishuEventEndpointOptions> cache)
    {
        _registry = registry;
        _apps = apps;
        registry.AppChanged += name => cache.TryRemove(name);
    }

    public void Configure(string? name, FeishuEventEndpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(name) || _registry.Cached(name) is not { IsFeishu: true } app)
        {
            return;
        }

        options.EncryptKey = app.EncryptKey;
        options.VerificationToken = app.VerificationToken;
        options.AcceptLegacyCardCallbacks = app.LegacyCardCallbacks;
        options.TimestampWindow = _apps.Value.CallbackTimestampWindow;
    }

    public void Configure(FeishuEventEndpointOptions options) => Configure(Options.DefaultName, options);
}
