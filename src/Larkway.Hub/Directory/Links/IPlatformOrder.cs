namespace Larkway.Hub.Directory.Links;

/// <summary>
/// The order in which the Hub tries a person's platforms, for the directory's view of a person. The routing settings
/// own it (<c>Notifications/Routing/RoutingSettingsStore.cs</c>), so the directory does not depend on notifications.
/// </summary>
internal interface IPlatformOrder
{
    Task<IReadOnlyList<string>> OrderForAsync(string? preferred, CancellationToken cancellationToken);
}
