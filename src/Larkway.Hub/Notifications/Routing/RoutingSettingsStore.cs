using System.Collections.Concurrent;
using System.Text.Json;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform;
using Larkway.Hub.Platform.Storage;
using Microsoft.Extensions.Logging;

namespace Larkway.Hub.Notifications.Routing;

/// <summary>
/// The routing settings, kept as one of the Hub's settings (the defaults until an administrator saves some), read over
/// the person's platforms this Hub has registered (<see cref="PersonPlatforms"/>).
/// </summary>
internal sealed partial class RoutingSettingsStore(HubSettingStore settings, PersonPlatforms platforms, ILogger<RoutingSettingsStore> logger) : IPlatformOrder
{
    // A platform no longer registered is warned about once per process, not at every notification that reads the settings.
    private readonly ConcurrentDictionary<string, bool> _warned = new(StringComparer.Ordinal);

    /// <summary>The order for a person with this preference, outside any notification type (the directory's view).</summary>
    public async Task<IReadOnlyList<string>> OrderForAsync(string? preferred, CancellationToken cancellationToken) =>
        (await GetAsync(cancellationToken).ConfigureAwait(false)).OrderFor(preferred, null);

    /// <summary>The stored settings, or the defaults, over the registered platforms (<see cref="OverRegistered"/>).</summary>
    public async Task<RoutingSettings> GetAsync(CancellationToken cancellationToken) =>
        OverRegistered(await settings.GetAsync(RoutingSettings.SettingName, cancellationToken).ConfigureAwait(false) is { } value
            ? JsonSerializer.Deserialize<RoutingSettings>(value, RoutingSettings.Json) ?? new()
            : new());

    /// <summary>Stores the settings (checked by the caller); the later of two concurrent saves wins.</summary>
    public Task SaveAsync(RoutingSettings routing, CancellationToken cancellationToken) =>
        settings.SetAsync(RoutingSettings.SettingName, JsonSerializer.Serialize(routing, RoutingSettings.Json), cancellationToken);

    /// <summary>
    /// <paramref name="stored"/> as this Hub can use it: no order is the registry's order; a platform no longer registered
    /// (its room left out) is dropped from the orders and the apps with a warning rather than failing every notification;
    /// an order left empty by that falls back (the directory's order to the registry's, a type's to the directory's).
    /// </summary>
    public RoutingSettings OverRegistered(RoutingSettings stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var order = Kept(stored.Order);
        var types = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (type, typeOrder) in stored.Types ?? types)
        {
            if (Kept(typeOrder) is { Count: > 0 } kept)
            {
                types[type] = kept;
            }
        }

        var apps = (stored.Apps ?? new Dictionary<string, string>()).Where(a => IsRegistered(a.Key)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        return stored with { Order = order is { Count: > 0 } ? order : platforms.All, Types = types, Apps = apps, Registered = platforms.All };
    }

    private List<string>? Kept(IReadOnlyList<string>? order) => order?.Where(IsRegistered).ToList();

    private bool IsRegistered(string platform)
    {
        if (platforms.IsKnown(platform))
        {
            return true;
        }

        if (_warned.TryAdd(platform, true))
        {
            LogNotRegistered(logger, platform, platforms.Listed);
        }

        return false;
    }

    [LoggerMessage(EventId = LogEvents.RoutingPlatformNotRegistered, Level = LogLevel.Warning,
        Message = "The routing settings name the platform '{Platform}', which this Hub does not serve: it is left out (serving {Platforms}). Save the routing settings again to drop it.")]
    private static partial void LogNotRegistered(ILogger logger, string platform, string platforms);
}
