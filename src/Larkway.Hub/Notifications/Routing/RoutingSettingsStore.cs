using System.Text.Json;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Platform.Storage;

namespace Larkway.Hub.Notifications.Routing;

/// <summary>The routing settings, kept as one of the Hub's settings (the defaults until an administrator saves some).</summary>
internal sealed class RoutingSettingsStore(HubSettingStore settings) : IPlatformOrder
{
    /// <summary>The order for a person with this preference, outside any notification type (the directory's view).</summary>
    public async Task<IReadOnlyList<string>> OrderForAsync(string? preferred, CancellationToken cancellationToken) =>
        (await GetAsync(cancellationToken).ConfigureAwait(false)).OrderFor(preferred, null);

    /// <summary>The stored settings, or the defaults.</summary>
    public async Task<RoutingSettings> GetAsync(CancellationToken cancellationToken) =>
        await settings.GetAsync(RoutingSettings.SettingName, cancellationToken).ConfigureAwait(false) is { } value
            ? JsonSerializer.Deserialize<RoutingSettings>(value, RoutingSettings.Json) ?? new()
            : new();

    /// <summary>Stores the settings (checked by the caller); the later of two concurrent saves wins.</summary>
    public Task SaveAsync(RoutingSettings routing, CancellationToken cancellationToken) =>
        settings.SetAsync(RoutingSettings.SettingName, JsonSerializer.Serialize(routing, RoutingSettings.Json), cancellationToken);
}
