using Larkway.Hub.Directory;
using Larkway.Hub.Directory.Links;
using Larkway.Hub.Notifications.Routing;

namespace Larkway.Hub.WeCom;

/// <summary>
/// A person on WeCom: their account linked under the sending app, else the userid the directory synced from that app,
/// else their (work) email, else their mobile number — both looked up in the corp's contacts at the first send.
/// </summary>
internal sealed class WeComPersonAddressing : IPersonAddressing
{
    public bool HasDefaultApp => false;

    public PersonRoute? Route(PersonRow person, string? app, PersonAddressBook book) =>
        book.Links.FirstOrDefault() is { } linked ? new(Apps.HubAppPlatform.WeCom, app, "wecom_userid", linked.UserId)
        : book.DirectoryId is { Length: > 0 } userId ? new(Apps.HubAppPlatform.WeCom, app, "wecom_userid", userId)
        : (person.EnterpriseEmail ?? person.Email) is { Length: > 0 } address ? new(Apps.HubAppPlatform.WeCom, app, "wecom_email", address.ToLowerInvariant())
        : person.Mobile is { Length: > 0 } phone ? new(Apps.HubAppPlatform.WeCom, app, "wecom_mobile", phone)
        : null;
}
