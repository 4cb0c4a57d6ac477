using Larkway.Feishu;
using Microsoft.Extensions.Options;

namespace Larkway.Hub.Apps;

/// <summary>
/// The Hub's <see cref="IFeishuClientFactory"/>, in place of the library's: the one way Hub code gets the client of an
/// app. Configured apps — the default app (<c>""</c> or <see cref="HubAppService.DefaultAppName"/>) and any
/// <c>AddApp</c> name — come from the library's <see cref="FeishuClientFactory"/>; every other name is a stored app
/// (<see cref="HubAppService"/>), whose client <see cref="HubAppRegistry"/> builds with the same settings and caches
/// (rebuilt when the app changes, on this replica at once and on others within <see cref="HubAppsOptions.RefreshInterval"/>).
/// </summary>
/// <remarks>
/// A configured name wins over a stored app of the same name (only <c>default</c> is reserved for storing).
/// <see cref="GetClient"/> may block on reading the stored apps (once per refresh interval); callers that can await use
/// <see cref="GetClientAsync"/>.
/// </remarks>
internal sealed class HubFeishuClientFactory(FeishuClientFactory configured, HubAppRegistry stored) : IFeishuClientFactory
{
    /// <exception cref="HubAppNotFoundException">No enabled app has that name, or its secrets cannot be decrypted.</exception>
    public FeishuClient GetClient(string name) =>
        Configured(name) ?? stored.GetClient(name);

    /// <exception cref="HubAppNotFoundException">No enabled app has that name, or its secrets cannot be decrypted.</exception>
    public ValueTask<FeishuClient> GetClientAsync(string name, CancellationToken cancellationToken = default) =>
        Configured(name) is { } client ? ValueTask.FromResult(client) : stored.GetClientAsync(name, cancellationToken);

    /// <summary>The client of a configured app, or null for a stored app's name.</summary>
    private FeishuClient? Configured(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!HubAppRegistry.IsDefault(name))
        {
            return configured.IsRegistered(name) ? configured.GetClient(name) : null;
        }

        // The Hub without credentials (unit tests) has no default app: refused like an unknown stored app.
        return configured.IsRegistered(Options.DefaultName)
            ? configured.GetClient(Options.DefaultName)
            : throw HubAppNotFoundException.For(HubAppService.DefaultAppName, disabled: false);
    }
}

/// <summary>No enabled app has the name.</summary>
public sealed class HubAppNotFoundException : Exception
{
    public HubAppNotFoundException()
    {
    }

    public HubAppNotFoundException(string message)
        : base(message)
    {
    }

    public HubAppNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static HubAppNotFoundException For(string appName, bool disabled, string platform = HubAppPlatform.Feishu) => new(disabled
        ? $"The {HubAppPlatform.Display(platform)} app '{appName}' is disabled in the Hub; enable it (PATCH /api/v1/apps/{appName} {{\"enabled\":true}})."
        : $"The Hub has no {HubAppPlatform.Display(platform)} app named '{appName}' (GET /api/v1/apps lists them).");
}

