using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;

namespace Larkway.Hub.Notifications.Routing;

/// <summary>
/// How a directory person is reached on one platform, for <see cref="PersonRouter"/>: each platform's room supplies one
/// through its unit (keyed by the unit's platform), so routing walks a person's order without knowing any platform.
/// </summary>
internal interface IPersonAddressing
{
    /// <summary>
    /// True when the Hub always has an app that sends on this platform (Feishu's default app), so routing there needs no
    /// sending app chosen or configured (<see cref="RoutingSettings.Apps"/> names none for it).
    /// </summary>
    bool HasDefaultApp { get; }

    /// <summary>
    /// The recipient that reaches <paramref name="person"/> here, from what the Hub holds of them; null when nothing
    /// does. <paramref name="app"/> is the route's app as <see cref="PersonRoute.App"/> names it.
    /// </summary>
    PersonRoute? Route(PersonRow person, string? app, PersonAddressBook book);
}

/// <summary>
/// What the Hub holds of one person for the app that would send: their accounts linked under that app, and the id the
/// directory keeps for them under it when it was synced from that app (a Feishu open_id, a DingTalk or WeCom userid), read
/// once per notification.
/// </summary>
internal sealed record PersonAddressBook(IReadOnlyList<PersonLinkRow> Links, string? DirectoryId);
